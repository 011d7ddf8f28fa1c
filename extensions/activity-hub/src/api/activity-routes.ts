// /activity-hub/activities/:id/* — what people do to one activity: retry, convert to a note, link to a contact
// (optionally adding its sender's address to the contact); and /activity-hub/contacts/search, the contact picker's.
// What the note and link routes do is in actions.ts, which the MCP tools call too.
import { NotFailedError } from '../shared/errors.js';
import { QUEUE_STATES } from '../queue/index.js';
import { linkActivity, noteFromActivity, searchContacts } from './actions.js';
import { activityId, type ApiScope, existsOr404, queueFor, requireAdmin, route } from './http.js';

export function registerActivityRoutes({ router, ctx, db }: ApiScope) {
	router.post(
		'/activities/:id/retry',
		route(async (req, res) => {
			requireAdmin(req.accountability);
			const id = activityId(req.params['id']);
			await existsOr404(db, id);
			if (!(await queueFor(db, req).retry(id))) throw new NotFailedError();
			res.json({ data: { id, status: QUEUE_STATES.queued } });
		}),
	);

	router.post(
		'/activities/:id/note',
		route(async (req, res) => {
			const note = await noteFromActivity(ctx, req, req.params['id'], req.body?.content);
			res.status(note.created ? 201 : 200).json({ data: note });
		}),
	);

	router.post(
		'/activities/:id/link',
		route(async (req, res) => {
			const { contact, add_address: addAddress } = req.body ?? {};
			res.json({ data: await linkActivity(ctx, req, req.params['id'], contact, addAddress) });
		}),
	);

	router.get(
		'/contacts/search',
		route(async (req, res) => res.json({ data: await searchContacts(ctx, req, req.query['q']) })),
	);
}
