// /activity-hub/channels/:id/* — key rotation and test events (admins), Studio uploads (users who may create activities).
import { generateIngestionKey } from '../shared/node/keys.js';
import { dbTime } from '../runtime/context.js';
import { emitUpdated } from '../runtime/events.js';
import { type IngestContext, ingestPipeline } from '../ingest-pipeline/index.js';
import { type ApiScope, eventContext, HttpError, requireAdmin, requirePermission, route, UUID } from './http.js';
import type { Request } from 'express';

export function registerChannelRoutes({ router, context, ctx, db }: ApiScope) {
	// The endpoint's context is the one the ingest hook gets: the pipeline takes its slice of it.
	const pipeline = () => ingestPipeline(context as IngestContext);

	const findChannel = async (req: Request) => {
		const id = String(req.params['id']);
		const channel = UUID.test(id) ? await db('ingestion_channels').where({ id }).first('id', 'provider') : null;
		if (!channel) throw new HttpError(404, 'NOT_FOUND', 'No such channel');
		return channel as { id: string; provider: string };
	};

	router.post(
		'/channels/:id/key',
		route(async (req, res) => {
			requireAdmin(req.accountability);
			const { id } = await findChannel(req);
			const { key, hash, prefix } = generateIngestionKey();
			const { channels } = pipeline();

			await db.transaction(async (trx) => {
				await channels.writeKeyHash(trx, id, hash);

				await trx('ingestion_channels')
					.where({ id })
					.update({ key_prefix: prefix, date_updated: dbTime(trx, new Date()) });
			});

			channels.invalidate(id);
			emitUpdated('ingestion_channels', [id], { key_prefix: prefix }, eventContext(db, req));
			const base = String(ctx.env['PUBLIC_URL'] ?? '').replace(/\/$/, '');
			res.json({ data: { key, key_prefix: prefix, webhook_url: `${base}/ingest/${id}` } });
		}),
	);

	router.post(
		'/channels/:id/test',
		route(async (req, res) => {
			requireAdmin(req.accountability);
			const { id } = await findChannel(req);
			res.status(202).json({ data: await pipeline().writeTestEvent(id) });
		}),
	);

	// Studio uploads: the same pipeline as the webhook (limits, sniffing, MIME policy, matching), authenticated by
	// the Directus session instead of an ingestion key. Directus leaves multipart bodies unread for us.
	router.post(
		'/channels/:id/upload',
		route(async (req, res) => {
			await requirePermission(db, req, 'create', 'activities');
			const channel = await findChannel(req);
			if (channel.provider !== 'upload')
				throw new HttpError(
					422,
					'NOT_AN_UPLOAD_CHANNEL',
					'Files can be uploaded only into channels whose provider is "upload"',
				);
			await pipeline().ingestAuthenticated(req, res, channel.id);
		}),
	);
}
