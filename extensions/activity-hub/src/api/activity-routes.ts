// /activity-hub/activities/:id/* — what people do to one activity: retry, convert to a note, link to a contact
// (optionally adding its sender's address to the contact); and /activity-hub/contacts/search, the contact picker's.
import { InvalidPayloadError, NoContactError, NotFailedError, NotFoundError } from '../shared/errors.js';
import { plainText } from '../shared/display.js';
import { contactSource } from '../shared/matching.js';
import { readConfig } from '../shared/config.js';
import { type CallerScope, linkActivity, searchContacts } from '../runtime/contact-links.js';
import { QUEUE_STATES } from '../queue/index.js';
import {
	activityId,
	type ApiRequest,
	type ApiScope,
	existsOr404,
	queueFor,
	requireAdmin,
	requireUser,
	route,
} from './http.js';

export function registerActivityRoutes({ router, ctx, db }: ApiScope) {
	const contacts = contactSource(ctx.env);
	const region = readConfig(ctx.env).defaultRegion;

	const callerScope = (req: ApiRequest): CallerScope => ({
		services: ctx.services,
		database: db,
		schema: req.schema,
		accountability: req.accountability,
		source: contacts,
		region,
	});

	router.post(
		'/activities/:id/retry',
		route(async (req, res) => {
			requireAdmin(req.accountability);
			const id = activityId(req);
			await existsOr404(db, id);
			if (!(await queueFor(db, req).retry(id))) throw new NotFailedError();
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

			if (!activity) throw new NotFoundError('No such activity');
			if (activity.contact == null) throw new NoContactError();
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
					author: req.accountability?.user,
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
				throw new InvalidPayloadError('contact is required');
			const addAddress = req.body?.add_address;
			if (addAddress !== undefined && typeof addAddress !== 'boolean')
				throw new InvalidPayloadError('add_address must be a boolean');

			const linked = await linkActivity(callerScope(req), id, contact, addAddress === true);

			res.json({ data: linked });
		}),
	);

	router.get(
		'/contacts/search',
		route(async (req, res) => {
			requireUser(req.accountability);
			const query = typeof req.query['q'] === 'string' ? req.query['q'].slice(0, 200) : '';
			res.json({ data: await searchContacts(callerScope(req), query) });
		}),
	);
}
