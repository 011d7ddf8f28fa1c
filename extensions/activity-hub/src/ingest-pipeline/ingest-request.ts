// One ingest request, start to answer: channel, rate limit, key, body, the provider adapter (signature, parse),
// attachments, the group-commit writer. Nothing is stored for a refused request: files it stored are removed.
import { ChannelNotFoundError, HubError } from '../shared/errors.js';
import { hubMetrics } from '../metrics/index.js';
import type { RefusalLog } from '../runtime/refusals.js';
import { declaredLength, storableAddress } from '../shared/refusal-buffer.js';
import type { Request, Response } from 'express';
import { type Channel, channelSettings } from '../runtime/channels.js';
import type { DraftWithFiles } from '../runtime/writer.js';
import { MEDIA_HOSTS } from '../shared/node/media.js';
import {
	adapters,
	assertDraftStorable,
	assertUpdateStorable,
	bodyKind,
	IngestError,
	type IngestRequest,
} from '../shared/node/providers/index.js';
import { readRequestBody } from './body.js';
import { sendFailure } from './errors.js';
import { checkIngestionKey, takeIngestionKey } from './key-check.js';
import type { PipelineParts } from './parts.js';
import type { RateLimit } from './rate-limit.js';
import { storeInlineFiles } from './storage.js';
import type { Updater } from './updates.js';
import { deliveryQueue } from '../queue/index.js';

/** `authenticated`: Directus already authenticated the caller (Studio upload), so no ingestion key is asked for. */
export type IngestHandler = (req: Request, res: Response, channelId: string, authenticated: boolean) => Promise<void>;

export function createIngestHandler(
	parts: PipelineParts & { rateLimit: RateLimit; updater: Updater; refusals: RefusalLog },
): IngestHandler {
	const { database, config, logger, channels, files, writer, rateLimit, updater, refusals } = parts;

	return async (req, res, channelId, authenticated) => {
		res.setHeader('Cache-Control', 'no-store');
		const stored: string[] = [];
		let channel: Channel | null = null;
		const { presented, publicUrl, query } = takeIngestionKey(req, config.directus.publicUrl, !authenticated);

		try {
			channel = await channels.get(channelId);
			if (!channel || !channel.enabled) throw new ChannelNotFoundError();
			await rateLimit(channel.id, res);
			if (!authenticated) checkIngestionKey(channel, presented);

			const adapter = adapters[channel.provider];
			// A mailbox channel (IMAP) is read by the mailbox sync; its adapter refuses webhooks in words.
			if (adapter.accepts.length === 0) adapter.verify({} as IngestRequest, channelSettings(channel), new Date());
			const declaredLength = Number(req.headers['content-length'] ?? 0);
			if (declaredLength > channel.maxRequestBytes)
				throw new IngestError(413, 'TOO_LARGE', `Request exceeds ${channel.maxRequestBytes} bytes`);
			const contentType = String(req.headers['content-type'] ?? '');
			const kind = bodyKind(contentType);
			if (!kind || !adapter.accepts.includes(kind))
				throw new IngestError(
					415,
					'UNSUPPORTED_MEDIA_TYPE',
					`This ${channel.provider} channel accepts ${adapter.accepts.join(', ')} bodies`,
				);

			const request: IngestRequest = {
				method: 'POST',
				publicUrl,
				headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])),
				query,
				contentType,
				rawBody: Buffer.alloc(0),
				fields: [],
				files: [],
			};

			await readRequestBody(kind, req, channel, request, stored, parts);
			const now = new Date();
			const settings = channelSettings(channel);
			adapter.verify(request, settings, now);
			const parsed = adapter.parse(request, settings, now);

			const drafts: DraftWithFiles[] = [];
			for (const draft of parsed.activities) assertDraftStorable(draft, MEDIA_HOSTS[channel.provider]);
			for (const update of parsed.updates ?? []) assertUpdateStorable(update, MEDIA_HOSTS[channel.provider]);
			for (const draft of parsed.activities) drafts.push(await storeInlineFiles(files, channel, draft, stored));

			const results = drafts.length ? await writer.write(channel, drafts) : [];

			// Status callbacks of sent messages: forward only, an unknown message id acknowledged and ignored.
			if (parsed.deliveries?.length) {
				const delivery = deliveryQueue({ database, schema: parts.schema });
				for (const update of parsed.deliveries)
					await delivery.applyStatus(channel.id, update.providerId, update.status, update.error);
			}

			stored.length = 0; // committed (or handed to the writer's duplicate clean-up)
			// Changes to stored activities (a transcription, a moved booking), each in its own transaction.
			if (parsed.updates?.length) results.push(...(await updater.apply(channel, parsed.updates)));
			const allDuplicates = results.length > 0 && results.every((r) => r.duplicate);
			hubMetrics().webhook(channel.id, channel.provider, allDuplicates ? 'duplicate' : 'accepted');
			if (parsed.reply) return void res.status(200).type(parsed.reply.contentType).send(parsed.reply.body);

			res
				.status(allDuplicates || results.length === 0 ? 200 : 202)
				.json({ data: results.length === 1 ? results[0] : results });
		} catch (error) {
			if (stored.length)
				await files
					.remove(stored)
					.catch((e) => logger.warn(e, 'Activity Hub: could not remove files of a refused request'));
			if (channel)
				void database('ingestion_channels')
					.where({ id: channel.id })
					.increment('rejected_count', 1)
					.catch(() => {});

			sendFailure(res, error, channel, logger);
			const reason = error instanceof HubError ? error.code : 'INTERNAL';
			hubMetrics().webhook(channel?.id ?? null, channel?.provider ?? null, reason);
			if (channel) refusals.record(refusalOf(req, channel, res.statusCode, reason));
		} finally {
			if (!req.complete) req.resume();
		}
	};
}

/** What the refusal log keeps of a refused request: never its body, key or signature. */
export const refusalOf = (req: Request, channel: Channel, status: number, reason: string) => ({
	channel: channel.id,
	provider: channel.provider,
	status,
	reason,
	remote_address: storableAddress(req.ip ?? req.socket?.remoteAddress),
	content_length: declaredLength(req.headers['content-length']),
	refused_at: new Date(),
});
