// /activity-hub/activities/:id/* — what people do to one activity: retry, convert to a note, link to a contact.
import { QUEUE_STATES } from '../queue/index.js';
import { linkActivity, noteFromActivity } from './actions.js';
import { activityId, type ApiScope, existsOr404, HttpError, queueFor, requireAdmin, route } from './http.js';

export function registerActivityRoutes({ router, ctx, db }: ApiScope) {
	router.post(
		'/activities/:id/retry',
		route(async (req, res) => {
			requireAdmin(req.accountability);
			const id = activityId(req.params['id']);
			await existsOr404(db, id);
			if (!(await queueFor(db, req).retry(id)))
				throw new HttpError(409, 'NOT_FAILED', 'Only failed activities can be retried');
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
		route(async (req, res) => res.json({ data: await linkActivity(ctx, req, req.params['id'], req.body?.contact) })),
	);
}
