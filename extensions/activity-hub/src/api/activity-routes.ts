// /activity-hub/activities/:id/* — what people do to one activity: retry, convert to a note, link to a contact
// (optionally adding its sender's address to the contact); /activity-hub/activities/bulk, the same over a filter;
// and /activity-hub/contacts/search, the contact picker's.
// What the note and link routes do is in actions.ts, which the MCP tools call too.
import { linkActivity, noteFromActivity, retryActivity, searchContacts } from './actions.js';
import { type ApiScope, route } from './http.js';
import { bulkActivities, cancelBulk, listenForCancels } from './bulk.js';

export function registerActivityRoutes({ router, ctx, db }: ApiScope) {
	// Before /activities/:id/*: bulk actions over a filter (a dry run first), and their cancel.
	listenForCancels().catch((error) => ctx.logger.warn(error, 'Activity Hub: bulk cancels are not heard'));

	router.post(
		'/activities/bulk',
		route(async (req, res) => {
			// A caller that goes away cancels the run after its current batch.
			const gone = new AbortController();
			res.on('close', () => res.writableFinished || gone.abort());
			res.json({ data: await bulkActivities(ctx, req, req.body, gone.signal) });
		}),
	);

	router.post(
		'/activities/bulk/cancel',
		route(async (req, res) => res.json({ data: await cancelBulk(req, req.body?.job) })),
	);

	router.post(
		'/activities/:id/retry',
		route(async (req, res) => res.json({ data: await retryActivity(db, req, req.params['id']) })),
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
