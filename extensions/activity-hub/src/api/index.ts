// /activity-hub/* — authenticated API for admins, Studio users and agents. Directus has already authenticated
// the request (req.accountability); row-level rules the Core tier cannot express are enforced here.
import { defineEndpoint } from '@directus/extensions-sdk';
import type { NextFunction, Request, Response } from 'express';
import { ACTIVITY_TYPES, isActivityType } from '../shared/activity.js';
import { plainText } from '../shared/display.js';
import { generateIngestionKey } from '../shared/node/keys.js';
import { contactSource } from '../shared/matching.js';
import { MAX_CLAIM, MAX_LEASE_SECONDS } from '../shared/node/queue.js';
import type { Accountability, HubContext } from '../runtime/context.js';
import { dbTime } from '../runtime/context.js';
import { emitUpdated } from '../runtime/events.js';
import { checkAccess } from '../host/directus.js';
import { IngestError } from '../shared/node/providers/types.js';
import { activityQueue, LeaseLost, QUEUE_STATES } from '../queue/index.js';
import { isAgent } from '../runtime/agents.js';
import { queueHealth } from '../runtime/health.js';
import { ingestPipeline } from '../ingest-pipeline/index.js';

class HttpError extends Error {
	constructor(
		public status: number,
		public code: string,
		message: string,
	) {
		super(message);
	}
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default defineEndpoint({
	id: 'activity-hub',
	handler: (router, context) => {
		const ctx = context as unknown as HubContext;
		const db = ctx.database;
		const contacts = contactSource(ctx.env);

		// Directus has already built this request's schema (req.schema); getSchema() would clone it again.
		const eventContext = (req: { schema?: unknown; accountability?: Accountability }) => ({
			database: db,
			schema: req.schema ?? null,
			accountability: req.accountability ?? null,
		});

		const route =
			(
				handler: (
					req: Request & { accountability?: Accountability; schema?: unknown },
					res: Response,
				) => Promise<unknown>,
			) =>
			(req: Request, res: Response, next: NextFunction) => {
				res.setHeader('Cache-Control', 'no-store');

				handler(req as any, res).catch((error) => {
					if (error instanceof LeaseLost)
						error = new HttpError(
							409,
							'LEASE_LOST',
							'The lease expired or belongs to another worker; nothing was changed',
						);
					if (error instanceof IngestError) error = new HttpError(error.status, error.code, error.message);
					if (error instanceof HttpError)
						return res
							.status(error.status)
							.json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
					next(error);
				});
			};

		const requireAdmin = (accountability?: Accountability) => {
			if (!accountability?.user) throw new HttpError(401, 'UNAUTHENTICATED', 'Log in or send a token');
			if (!accountability.admin) throw new HttpError(403, 'FORBIDDEN', 'Administrators only');
		};

		const requireAgent = async (accountability?: Accountability) => {
			if (!accountability?.user) throw new HttpError(401, 'UNAUTHENTICATED', 'Log in or send a token');
			if (!(await isAgent(db, accountability)))
				throw new HttpError(403, 'FORBIDDEN', 'The Activity Hub Agent policy is required');
		};

		/** The caller's Directus permissions allow `action` on `collection` (admins always). */
		const requirePermission = async (
			req: { accountability?: Accountability; schema?: unknown },
			action: 'create' | 'read',
			collection: string,
		) => {
			if (!req.accountability?.user) throw new HttpError(401, 'UNAUTHENTICATED', 'Log in or send a token');

			try {
				await checkAccess({ accountability: req.accountability, action, collection }, { schema: req.schema, knex: db });
			} catch {
				throw new HttpError(403, 'FORBIDDEN', `You may not ${action} ${collection}`);
			}
		};

		const findChannel = async (req: Request) => {
			const id = String(req.params['id']);
			const channel = UUID.test(id) ? await db('ingestion_channels').where({ id }).first('id', 'provider') : null;
			if (!channel) throw new HttpError(404, 'NOT_FOUND', 'No such channel');
			return channel as { id: string; provider: string };
		};

		const activityId = (req: Request) => {
			const id = String(req.params['id']);
			if (!UUID.test(id)) throw new HttpError(404, 'NOT_FOUND', 'No such activity');
			return id;
		};

		const leaseToken = (body: any) => {
			if (typeof body?.lease_token !== 'string' || !body.lease_token)
				throw new HttpError(400, 'INVALID_PAYLOAD', 'lease_token is required');
			return body.lease_token as string;
		};

		const leaseSeconds = (body: any, fallback = 300) => {
			const value = body?.lease_seconds ?? fallback;
			if (!Number.isInteger(value) || value < 5 || value > MAX_LEASE_SECONDS)
				throw new HttpError(400, 'INVALID_PAYLOAD', `lease_seconds must be an integer from 5 to ${MAX_LEASE_SECONDS}`);
			return value as number;
		};

		const validateCompletion = (body: any) => {
			const { processed_data: processed, note } = body;
			if (processed !== undefined && (typeof processed !== 'object' || processed === null || Array.isArray(processed)))
				throw new HttpError(400, 'INVALID_PAYLOAD', 'processed_data must be an object');
			if (note !== undefined && note !== null && typeof note !== 'string')
				throw new HttpError(400, 'INVALID_PAYLOAD', 'note must be a string');
			return {
				processed_data: processed as Record<string, unknown> | undefined,
				note: note as string | null | undefined,
			};
		};

		const existsOr404 = async (id: string) => {
			if (!(await db('activities').select('id').where({ id }).first()))
				throw new HttpError(404, 'NOT_FOUND', 'No such activity');
		};

		router.post(
			'/channels/:id/key',
			route(async (req, res) => {
				requireAdmin(req.accountability);
				const { id } = await findChannel(req);
				const { key, hash, prefix } = generateIngestionKey();
				const { channels } = ingestPipeline(context);

				await db.transaction(async (trx) => {
					await channels.writeKeyHash(trx, id, hash);

					await trx('ingestion_channels')
						.where({ id })
						.update({ key_prefix: prefix, date_updated: dbTime(trx, new Date()) });
				});

				channels.invalidate(id);
				emitUpdated('ingestion_channels', [id], { key_prefix: prefix }, eventContext(req));
				const base = String(ctx.env['PUBLIC_URL'] ?? '').replace(/\/$/, '');
				res.json({ data: { key, key_prefix: prefix, webhook_url: `${base}/ingest/${id}` } });
			}),
		);

		router.post(
			'/channels/:id/test',
			route(async (req, res) => {
				requireAdmin(req.accountability);
				const { id } = await findChannel(req);
				res.status(202).json({ data: await ingestPipeline(context).writeTestEvent(id) });
			}),
		);

		// Studio uploads: the same pipeline as the webhook (limits, sniffing, MIME policy, matching), authenticated by
		// the Directus session instead of an ingestion key. Directus leaves multipart bodies unread for us.
		router.post(
			'/channels/:id/upload',
			route(async (req, res) => {
				await requirePermission(req, 'create', 'activities');
				const channel = await findChannel(req);
				if (channel.provider !== 'upload')
					throw new HttpError(
						422,
						'NOT_AN_UPLOAD_CHANNEL',
						'Files can be uploaded only into channels whose provider is "upload"',
					);
				await ingestPipeline(context).ingestAuthenticated(req, res, channel.id);
			}),
		);

		// Events of the request's transitions carry its schema and accountability.
		const queueFor = (req: { schema?: unknown; accountability?: Accountability }) =>
			activityQueue({ database: db, schema: () => req.schema ?? null, accountability: req.accountability ?? null });

		router.get(
			'/queue/health',
			route(async (req, res) => {
				await requirePermission(req, 'read', 'activities');
				res.json({ data: await queueHealth(db) });
			}),
		);

		router.post(
			'/queue/claim',
			route(async (req, res) => {
				await requireAgent(req.accountability);
				const body = req.body ?? {};
				const limit = body.limit ?? 1;
				if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CLAIM)
					throw new HttpError(400, 'INVALID_PAYLOAD', `limit must be an integer from 1 to ${MAX_CLAIM}`);
				if (body.types !== undefined && (!Array.isArray(body.types) || !body.types.every(isActivityType)))
					throw new HttpError(400, 'INVALID_PAYLOAD', `types must be a list of ${ACTIVITY_TYPES.join(', ')}`);
				if (
					body.channels !== undefined &&
					(!Array.isArray(body.channels) || !body.channels.every((c: unknown) => typeof c === 'string' && UUID.test(c)))
				)
					throw new HttpError(400, 'INVALID_PAYLOAD', 'channels must be a list of channel ids');

				const rows = await queueFor(req).claim({
					worker: req.accountability!.user!,
					limit,
					leaseSeconds: leaseSeconds(body),
					types: body.types,
					channels: body.channels,
					now: new Date(),
				});

				res.json({ data: rows });
			}),
		);

		router.post(
			'/queue/:id/heartbeat',
			route(async (req, res) => {
				await requireAgent(req.accountability);
				const id = activityId(req);
				await existsOr404(id);
				const lease = await queueFor(req).heartbeat(id, leaseToken(req.body), leaseSeconds(req.body));
				res.json({ data: { id, ...lease } });
			}),
		);

		router.post(
			'/queue/complete',
			route(async (req, res) => {
				await requireAgent(req.accountability);
				const items = req.body?.items;
				if (!Array.isArray(items) || items.length === 0 || items.length > MAX_CLAIM)
					throw new HttpError(400, 'INVALID_PAYLOAD', `items must be a list of 1 to ${MAX_CLAIM} completions`);

				for (const item of items) {
					if (!item || typeof item.id !== 'string' || !UUID.test(item.id))
						throw new HttpError(400, 'INVALID_PAYLOAD', 'every item needs an activity id');
					leaseToken(item);
					validateCompletion(item);
				}

				res.json({ data: await queueFor(req).completeMany(items) });
			}),
		);

		router.post(
			'/queue/:id/complete',
			route(async (req, res) => {
				await requireAgent(req.accountability);
				const id = activityId(req);
				await existsOr404(id);
				const { processed_data: processed, note } = validateCompletion(req.body ?? {});
				const result = await queueFor(req).complete(id, leaseToken(req.body), processed ?? {}, note || null);

				res.json({
					data: {
						id,
						status: 'completed',
						note: result.noteId,
						note_skipped: result.noteSkipped ? 'activity has no contact' : undefined,
					},
				});
			}),
		);

		router.post(
			'/queue/:id/fail',
			route(async (req, res) => {
				await requireAgent(req.accountability);
				const id = activityId(req);
				await existsOr404(id);
				const { error, retry } = req.body ?? {};
				if (typeof error !== 'string' || !error)
					throw new HttpError(400, 'INVALID_PAYLOAD', 'error (a message) is required');
				if (retry !== undefined && typeof retry !== 'boolean')
					throw new HttpError(400, 'INVALID_PAYLOAD', 'retry must be a boolean');
				const result = await queueFor(req).fail(id, leaseToken(req.body), error, retry !== false);
				res.json({ data: { id, ...result } });
			}),
		);

		router.post(
			'/activities/:id/retry',
			route(async (req, res) => {
				requireAdmin(req.accountability);
				const id = activityId(req);
				await existsOr404(id);
				if (!(await queueFor(req).retry(id)))
					throw new HttpError(409, 'NOT_FAILED', 'Only failed activities can be retried');
				res.json({ data: { id, status: QUEUE_STATES.queued } });
			}),
		);

		router.post(
			'/activities/:id/note',
			route(async (req, res) => {
				if (!req.accountability?.user) throw new HttpError(401, 'UNAUTHENTICATED', 'Log in or send a token');
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
						author: req.accountability.user,
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
				if (!req.accountability?.user) throw new HttpError(401, 'UNAUTHENTICATED', 'Log in or send a token');
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
	},
});
