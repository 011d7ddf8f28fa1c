// /activity-hub/activities/:id/* — what people do to one activity: retry, convert to a note, link to a contact.
import { plainText } from '../shared/display.js';
import { contactSource } from '../shared/matching.js';
import { QUEUE_STATES } from '../queue/index.js';
import {
	activityId,
	type ApiScope,
	existsOr404,
	HttpError,
	queueFor,
	requireAdmin,
	requireUser,
	route,
} from './http.js';

export function registerActivityRoutes({ router, ctx, db }: ApiScope) {
	const contacts = contactSource(ctx.env);

	router.post(
		'/activities/:id/retry',
		route(async (req, res) => {
			requireAdmin(req.accountability);
			const id = activityId(req);
			await existsOr404(db, id);
			if (!(await queueFor(db, req).retry(id)))
				throw new HttpError(409, 'NOT_FAILED', 'Only failed activities can be retried');
			res.json({ data: { id, status: QUEUE_STATES.queued } });
		}),
	);

	router.post(
		'/activities/:id/note',
		route(async (req, res) => {
			requireUser(req.accountability);
			const id = activityId(req);
			const { ItemsService } = ctx.services;
			const options = { schema: req.schema, accountability: req.accountability };

			const activity = await new ItemsService('activities', options)
				.readOne(id, { fields: ['id', 'contact', 'content', 'subject', 'processed_data'] })
				.catch(() => null);

			if (!activity) throw new HttpError(404, 'NOT_FOUND', 'No such activity');
			if (activity.contact == null) throw new HttpError(422, 'NO_CONTACT', 'Link the activity to a contact first');
			const existing = await db('contact_notes').select('id').where({ activity: id }).first();
			if (existing) return res.status(200).json({ data: { id: existing.id, created: false } });

			const content =
				typeof req.body?.content === 'string' && req.body.content.trim()
					? req.body.content
					: (activity.processed_data?.summary ??
							[activity.subject, plainText(activity.content)].filter(Boolean).join('\n\n')) ||
						'(no content)';

			const notes = new ItemsService('contact_notes', options);

			try {
				const noteId = await notes.createOne({
					contact: activity.contact,
					content,
					activity: id,
					author: req.accountability!.user, // requireUser above
				});

				res.status(201).json({ data: { id: noteId, created: true } });
			} catch (error) {
				const raced = await db('contact_notes').select('id').where({ activity: id }).first();
				if (!raced) throw error;
				res.status(200).json({ data: { id: raced.id, created: false } });
			}
		}),
	);

	router.post(
		'/activities/:id/link',
		route(async (req, res) => {
			requireUser(req.accountability);
			const id = activityId(req);
			const contact = req.body?.contact;
			if (contact === undefined || contact === null || contact === '')
				throw new HttpError(400, 'INVALID_PAYLOAD', 'contact is required');
			const { ItemsService } = ctx.services;
			const options = { schema: req.schema, accountability: req.accountability };
			if (!(await new ItemsService(contacts.collection, options).readOne(contact).catch(() => null)))
				throw new HttpError(404, 'NOT_FOUND', 'No such contact');

			await new ItemsService('activities', options).updateOne(id, {
				contact,
				match_status: 'matched',
				match_candidates: null,
			});

			res.json({ data: { id, contact, match_status: 'matched' } });
		}),
	);
}
