// /activity-hub/channels/:id/* — key rotation, test events and which secrets are set (admins), Studio uploads (users
// who may create activities), and for mailbox channels a sync now and a connection test (admins).
import {
	HubError,
	InvalidPayloadError,
	NotAMailboxChannelError,
	NotAnUploadChannelError,
	NotFoundError,
} from '../shared/errors.js';
import { isMailboxProvider } from '../shared/activity.js';
import { mailboxes } from '../mailbox/index.js';
import { generateIngestionKey } from '../shared/node/keys.js';
import { dbTime } from '../runtime/context.js';
import { emitUpdated } from '../runtime/events.js';
import { ingestPipeline } from '../ingest-pipeline/index.js';
import { type ApiScope, eventContext, requireAdmin, requirePermission, route, UUID } from './http.js';
import type { Request } from 'express';
import { readConfig } from '../shared/config.js';
import { refusalSummary } from '../runtime/refusals.js';

export function registerChannelRoutes({ router, context, ctx, db }: ApiScope) {
	const findChannel = async (req: Request) => {
		const id = String(req.params['id']);
		const channel = UUID.test(id) ? await db('ingestion_channels').where({ id }).first('id', 'provider') : null;
		if (!channel) throw new NotFoundError('No such channel');
		return channel as { id: string; provider: string };
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
			emitUpdated('ingestion_channels', [id], { key_prefix: prefix }, eventContext(db, req));
			const base = (readConfig(ctx.env).directus.publicUrl ?? '').replace(/\/$/, '');
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

	// The setup's "delete test events": only activities the setup wrote as tests, through Directus so every
	// subscriber (the timeline, flows) hears the deletes.
	router.delete(
		'/channels/:id/test-events',
		route(async (req, res) => {
			requireAdmin(req.accountability);
			const { id } = await findChannel(req);
			const ids = await ingestPipeline(context).testEventIds(id);
			const { ItemsService } = ctx.services;

			if (ids.length)
				await new ItemsService('activities', {
					schema: req.schema,
					accountability: req.accountability,
					knex: db,
				}).deleteMany(ids);

			res.json({ data: { deleted: ids.length } });
		}),
	);

	// The setup's "configured" badges: names and booleans from the secret store, never a value.
	router.get(
		'/channels/:id/secrets',
		route(async (req, res) => {
			requireAdmin(req.accountability);
			const { id } = await findChannel(req);
			res.json({ data: await ingestPipeline(context).channels.secretStatus(id) });
		}),
	);

	// The setup's refusal log: the channel's last refused requests and a count per reason (never a body or key).
	router.get(
		'/channels/:id/refusals',
		route(async (req, res) => {
			requireAdmin(req.accountability);
			const { id } = await findChannel(req);
			res.json({ data: await refusalSummary(db, id) });
		}),
	);

	// Mailbox channels: a sync pass now, answered with its counts; a failure answers its reason in words (and is the
	// channel's sync_error).
	router.post(
		'/channels/:id/sync',
		route(async (req, res) => {
			requireAdmin(req.accountability);
			const channel = await findChannel(req);
			if (!isMailboxProvider(channel.provider)) throw new NotAMailboxChannelError();

			try {
				res.json({ data: await mailboxes(context).syncNow(channel.id) });
			} catch (error) {
				if (error instanceof HubError) throw error;
				throw new HubError(502, 'SYNC_FAILED', (error as Error).message);
			}
		}),
	);

	// The setup's "Test connection": log in with the form's settings and password (unsaved) or the stored ones.
	router.post(
		'/channels/:id/mailbox-test',
		route(async (req, res) => {
			requireAdmin(req.accountability);
			const channel = await findChannel(req);
			const body = (req.body ?? {}) as { settings?: unknown; password?: unknown };
			if (body.password != null && typeof body.password !== 'string')
				throw new InvalidPayloadError('password must be a string');
			const provider = channel.provider;
			if (!isMailboxProvider(provider) && body.settings == null) throw new NotAMailboxChannelError();

			res.json({
				data: await mailboxes(context).test(channel.id, body.settings ?? null, (body.password as string) || null),
			});
		}),
	);

	// Studio uploads: the same pipeline as the webhook (limits, sniffing, MIME policy, matching), authenticated by
	// the Directus session instead of an ingestion key. Directus leaves multipart bodies unread for us.
	router.post(
		'/channels/:id/upload',
		route(async (req, res) => {
			await requirePermission(db, req, 'create', 'activities');
			const channel = await findChannel(req);
			if (channel.provider !== 'upload') throw new NotAnUploadChannelError();
			await ingestPipeline(context).ingestAuthenticated(req, res, channel.id);
		}),
	);
}
