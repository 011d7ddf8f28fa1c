// POST /ingest/:channelId — the webhook front door. Registered on `middlewares.before`, ahead of Directus's JSON
// parser and authentication, so providers' own Authorization headers reach us and bodies are read (and bounded)
// by the channel's limits, not the global 1 MB. GET answers the WhatsApp verification handshake.
import { defineHook } from '@directus/extensions-sdk';
import busboy from 'busboy';
import type { Request, Response } from 'express';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { filenameRefusal, mimeAllowed } from '../shared/filenames.js';
import { installedContacts } from '../install/status.js';
import { hashKey, keyFromRequest, redactIngestionKey, safeEqual } from '../shared/keys.js';
import {
	adapters,
	assertDraftStorable,
	bodyKind,
	IngestError,
	type IngestRequest,
	parseForm,
	type StoredFile,
} from '../shared/providers/index.js';
import { whatsappChallenge } from '../shared/providers/whatsapp.js';
import { type Channel, ChannelStore } from '../runtime/channels.js';
import { ACTIVITY_HUB_DEFAULTS, cachedSchema, type HubContext } from '../runtime/context.js';
import { emitCreated, emitUpdated } from '../runtime/events.js';
import { BackgroundQueue, openMedia } from '../runtime/media.js';
import { isPublicAddress, MEDIA_HOSTS, mediaUrlRefusal, whatsappMediaUrl } from '../shared/media.js';
import { text } from 'node:stream/consumers';
import { FileStore } from '../runtime/files.js';
import { ActivityWriter, type DraftWithFiles } from '../runtime/writer.js';
import { setChannelStore, setIngestPipeline } from '../runtime/registry.js';
import { draftDefaults } from '../shared/providers/types.js';

export default defineHook(({ init }, context) => {
	const ctx = context as unknown as HubContext;
	const env = ctx.env;
	const schema = cachedSchema(() => ctx.getSchema());
	const channels = new ChannelStore(ctx.database, String(env['SECRET'] ?? ''));
	setChannelStore(channels);

	const files = new FileStore(
		ctx.database,
		ctx.services,
		() => ctx.getSchema(),
		String(env['STORAGE_LOCATIONS'] ?? 'local')
			.split(',')[0]!
			.trim(),
	);

	const writer = new ActivityWriter(
		ctx.database,
		{
			region: ACTIVITY_HUB_DEFAULTS.region(env),
			matching: env['ACTIVITY_HUB_MATCHING'] !== false && env['ACTIVITY_HUB_MATCHING'] !== 'false',
			// A team's own contacts collection has its own shape: the bundle creates contacts only in its own.
			get createContacts() {
				return installedContacts()?.owned === true;
			},
		},
		({ rows, contacts, orphanFileIds }) => {
			void files
				.remove(orphanFileIds)
				.catch((error) => ctx.logger.warn(error, 'Activity Hub: could not remove duplicate upload'));

			if (rows.length === 0 && contacts.length === 0) return;

			void schema().then((current) => {
				const events = { database: ctx.database, schema: current, accountability: null };
				for (const contact of contacts) emitCreated('contacts', contact['id'] as number, contact, events);
				for (const row of rows) emitCreated('activities', row['id'] as string, row, events);
			});

			for (const row of rows) {
				const media = (row['payload'] as { media?: unknown[] } | null)?.media;
				if (Array.isArray(media) && media.length) mediaQueue.add(() => fetchMedia(row));
			}
		},
	);

	const limiter = channelRateLimiter(env);
	const mediaQueue = new BackgroundQueue(2);

	/** Provider media (Twilio MediaUrlN and RecordingUrl, WhatsApp media ids) into Directus Files; what cannot be fetched is recorded. */
	async function fetchMedia(row: Record<string, unknown>) {
		const channel = await channels.get(String(row['channel']));
		const hosts = channel ? MEDIA_HOSTS[channel.provider] : undefined;
		if (!channel || !hosts) return;
		const payload = row['payload'] as { media: Array<{ url: string; contentType?: string }>; AccountSid?: string };

		const policy = {
			refuse: (url: string) => mediaUrlRefusal(url, hosts),
			addressAllowed: isPublicAddress,
			maxBytes: channel.maxFileBytes,
			timeoutMs: 30_000,
			maxRedirects: 3,
		};

		const headers = mediaCredentials(channel, payload);
		const errors: Array<{ url: string; error: string }> = [];
		let stored = 0;

		for (const item of payload.media) {
			try {
				let source = item.url;

				if (channel.provider === 'whatsapp') {
					if (!headers['authorization']) throw new Error('the channel has no WhatsApp access_token to download media');
					const answer = await openMedia(item.url, policy, headers);
					source = whatsappMediaUrl(JSON.parse(await text(answer.body))) ?? '';
					if (!source) throw new Error('the Graph API gave no media URL');
				}

				const { body, contentType } = await openMedia(source, policy, headers);
				const sniffed = await files.sniff(body, item.contentType ?? contentType);
				const name = `${row['type']}-${new URL(item.url).pathname.split('/').pop() || 'media'}.${sniffed.extension}`;
				const saved = await files.store(channel, sniffed.stream, name, sniffed.type, sniffed.extension);
				await ctx.database('activity_files').insert({ activities_id: row['id'], directus_files_id: saved.id });
				stored++;
			} catch (error) {
				errors.push({ url: item.url.slice(0, 500), error: error instanceof Error ? error.message : String(error) });
			}
		}

		if (errors.length) {
			ctx.logger.warn(
				`Activity Hub: ${errors.length} media file(s) of activity ${row['id']} not fetched: ${errors.map((e) => e.error).join('; ')}`,
			);

			const current = await ctx.database('activities').select('metadata').where({ id: row['id'] }).first();
			const metadata = typeof current?.metadata === 'string' ? JSON.parse(current.metadata) : (current?.metadata ?? {});

			await ctx
				.database('activities')
				.where({ id: row['id'] })
				.update({ metadata: JSON.stringify({ ...metadata, media_errors: errors }) });
		}

		if (stored || errors.length)
			emitUpdated(
				'activities',
				[row['id'] as string],
				{ media_stored: stored },
				{ database: ctx.database, schema: await schema(), accountability: null },
			);
	}

	init('middlewares.before', (meta) => {
		const app = meta['app'] as import('express').Application;
		app.get('/ingest/:channelId', (req: Request, res: Response) => void handshake(req, res));

		app.post(
			'/ingest/:channelId',
			(req: Request, res: Response) => void ingest(req, res, String(req.params['channelId']), false),
		);
	});

	setIngestPipeline({
		ingestAuthenticated: (req, res, channelId) => ingest(req, res, channelId, true),
		async writeTestEvent(channelId) {
			const channel = await channels.get(channelId);
			if (!channel) throw new IngestError(404, 'CHANNEL_NOT_FOUND', 'No such channel');
			const now = new Date();
			const draft = draftDefaults(settingsOf(channel), now);
			draft.subject = 'Test event from Activity Hub';
			draft.content = `Sent from the channel setup at ${now.toISOString()}. Safe to delete.`;
			draft.sender = 'test@activity-hub.invalid';
			draft.metadata = { test: true };
			const [result] = await writer.write(channel, [{ ...draft, fileIds: [] }]);
			return { ...result };
		},
	});

	async function handshake(req: Request, res: Response) {
		res.setHeader('Cache-Control', 'no-store');
		const channel = await channels.get(String(req.params['channelId'])).catch(() => null);
		if (!channel || !channel.enabled)
			return sendError(res, new IngestError(404, 'CHANNEL_NOT_FOUND', 'Unknown or disabled channel'));
		const challenge = whatsappChallenge(req.query as Record<string, string>, channel.secrets.verify_token);
		if (challenge === null)
			return sendError(res, new IngestError(403, 'VERIFY_TOKEN_INVALID', 'Verification token does not match'));
		res.status(200).type('text/plain').send(challenge);
	}

	/** `authenticated`: Directus already authenticated the caller (Studio upload), so no ingestion key is asked for. */
	async function ingest(req: Request, res: Response, channelId: string, authenticated: boolean) {
		res.setHeader('Cache-Control', 'no-store');
		const stored: string[] = [];
		let channel: Channel | null = null;
		// Read the key and the URL the provider signed, then strip the key from the request before anything logs it.
		const presented = authenticated ? null : keyFromRequest(req.headers, req.query as Record<string, unknown>);

		const publicUrl =
			String(env['PUBLIC_URL'] ?? `${req.protocol}://${req.get('host')}`).replace(/\/$/, '') + req.originalUrl;

		const { key: _key, ...query } = req.query as Record<string, string>;
		redactIngestionKey(req);

		try {
			channel = await channels.get(channelId);
			if (!channel || !channel.enabled) throw new IngestError(404, 'CHANNEL_NOT_FOUND', 'Unknown or disabled channel');

			try {
				await limiter.consume(channel.id);
			} catch {
				res.setHeader('Retry-After', '60');
				throw new IngestError(429, 'RATE_LIMITED', 'Too many requests for this channel');
			}

			if (!authenticated) {
				if (!presented)
					throw new IngestError(401, 'KEY_MISSING', 'Ingestion key required (X-Ingestion-Key, Authorization or ?key=)');
				if (!channel.keyHash || !safeEqual(hashKey(presented.key), channel.keyHash))
					throw new IngestError(401, 'KEY_INVALID', 'Invalid ingestion key');
			}

			const adapter = adapters[channel.provider];
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

			if (kind === 'multipart') await readMultipart(req, channel, request, stored);
			else {
				request.rawBody = await readBody(req, channel.maxRequestBytes);
				if (kind === 'form') request.fields = parseForm(request.rawBody);
			}

			const now = new Date();
			const settings = settingsOf(channel);
			adapter.verify(request, settings, now);
			const parsed = adapter.parse(request, settings, now);

			const drafts: DraftWithFiles[] = [];
			for (const draft of parsed.activities) assertDraftStorable(draft, MEDIA_HOSTS[channel.provider]);

			for (const draft of parsed.activities) {
				const fileIds = draft.files.map((file) => file.id);

				for (const inline of draft.inlineFiles) {
					const badName = filenameRefusal(inline.filename);
					if (badName) throw new IngestError(400, 'INVALID_FILENAME', `Attachment file name refused: ${badName}`);
					if (inline.content.length > channel.maxFileBytes)
						throw new IngestError(413, 'FILE_TOO_LARGE', `Attachment exceeds ${channel.maxFileBytes} bytes`);
					const saved = await files.storeBuffer(channel, inline.content, inline.filename, inline.type);
					stored.push(saved.id);
					if (!mimeAllowed(saved.type, channel.allowedMimeTypes))
						throw new IngestError(415, 'FILE_TYPE_REFUSED', `File type ${saved.type} is not allowed on this channel`);
					fileIds.push(saved.id);
				}

				drafts.push({ ...draft, inlineFiles: [], fileIds });
			}

			const results = drafts.length ? await writer.write(channel, drafts) : [];
			stored.length = 0; // committed (or handed to the writer's duplicate clean-up)
			const allDuplicates = results.length > 0 && results.every((r) => r.duplicate);
			if (parsed.reply) return res.status(200).type(parsed.reply.contentType).send(parsed.reply.body);

			res
				.status(allDuplicates || results.length === 0 ? 200 : 202)
				.json({ data: results.length === 1 ? results[0] : results });
		} catch (error) {
			if (stored.length)
				await files
					.remove(stored)
					.catch((e) => ctx.logger.warn(e, 'Activity Hub: could not remove files of a refused request'));
			if (channel)
				void ctx
					.database('ingestion_channels')
					.where({ id: channel.id })
					.increment('rejected_count', 1)
					.catch(() => {});

			if (error instanceof IngestError) {
				const permanent = channel ? adapters[channel.provider].permanentRejectStatus : undefined;
				if (permanent && [400, 401, 403, 415, 422].includes(error.status)) error.status = permanent;
				return sendError(res, error);
			}

			ctx.logger.error(error, 'Activity Hub: ingest failed');
			sendError(res, new IngestError(500, 'INTERNAL', 'The activity could not be stored; retry later'));
		} finally {
			if (!req.complete) req.resume();
		}
	}

	function readMultipart(req: Request, channel: Channel, request: IngestRequest, stored: string[]): Promise<void> {
		return new Promise((resolve, reject) => {
			let parser: busboy.Busboy;

			try {
				parser = busboy({
					defParamCharset: 'utf8', // browsers send raw UTF-8 file names; busboy's default would garble them
					preservePath: true, // see the name as sent, so a path in it is refused rather than silently cut off
					headers: req.headers,
					limits: {
						fileSize: channel.maxFileBytes,
						files: channel.maxFiles,
						fields: 500,
						parts: channel.maxFiles + 500,
						fieldSize: 5 * 1024 * 1024,
					},
				});
			} catch {
				return reject(new IngestError(400, 'INVALID_MULTIPART', 'Malformed multipart body'));
			}

			let failure: IngestError | null = null;

			const fail = (error: IngestError) => {
				failure ??= error;
			};

			let received = 0;
			const pending: Promise<void>[] = [];

			req.on('data', (chunk: Buffer) => {
				received += chunk.length;

				if (received > channel.maxRequestBytes) {
					fail(new IngestError(413, 'TOO_LARGE', `Request exceeds ${channel.maxRequestBytes} bytes`));
					req.unpipe(parser);
					parser.destroy();
					finish();
				}
			});

			parser.on('field', (name, value, info) => {
				if (info.valueTruncated)
					fail(new IngestError(413, 'FIELD_TOO_LARGE', `Field ${name.slice(0, 50)} is too large`));
				request.fields.push([name, value]);
			});

			parser.on('file', (field, stream, info) => {
				if (failure) return stream.resume();
				const badName = filenameRefusal(info.filename);

				if (badName) {
					fail(new IngestError(400, 'INVALID_FILENAME', `File name refused: ${badName}`));
					return stream.resume();
				}

				let truncated = false;

				stream.on('limit', () => {
					truncated = true;
					fail(new IngestError(413, 'FILE_TOO_LARGE', `A file exceeds ${channel.maxFileBytes} bytes`));
				});

				pending.push(
					(async () => {
						const sniffed = await files.sniff(stream, info.mimeType);

						if (!mimeAllowed(sniffed.type, channel.allowedMimeTypes)) {
							fail(
								new IngestError(415, 'FILE_TYPE_REFUSED', `File type ${sniffed.type} is not allowed on this channel`),
							);

							sniffed.stream.resume();
							return;
						}

						const saved = await files.store(
							channel,
							sniffed.stream,
							info.filename ?? field,
							sniffed.type,
							sniffed.extension,
						);

						stored.push(saved.id);
						if (truncated) return;

						const file: StoredFile = {
							id: saved.id,
							field,
							filename: saved.filename,
							type: saved.type,
							size: saved.size,
						};

						request.files.push(file);
					})().catch((error) => {
						// An unread file stream would stall busboy (and the request) forever: drain it.
						stream.resume();

						fail(
							error instanceof IngestError
								? error
								: new IngestError(400, 'INVALID_MULTIPART', 'A file part could not be read'),
						);

						if (!(error instanceof IngestError))
							ctx.logger.warn(error, 'Activity Hub: a file part could not be stored');
					}),
				);
			});

			parser.on('filesLimit', () =>
				fail(new IngestError(413, 'TOO_MANY_FILES', `At most ${channel.maxFiles} files per request`)),
			);

			parser.on('fieldsLimit', () => fail(new IngestError(413, 'TOO_MANY_FIELDS', 'Too many form fields')));
			parser.on('partsLimit', () => fail(new IngestError(413, 'TOO_MANY_PARTS', 'Too many parts')));

			parser.on('error', () => {
				fail(new IngestError(400, 'INVALID_MULTIPART', 'Malformed or truncated multipart body'));
				finish();
			});

			let finished = false;

			function finish() {
				if (finished) return;
				finished = true;
				void Promise.allSettled(pending).then(() => (failure ? reject(failure) : resolve()));
			}

			parser.on('close', finish);
			req.pipe(parser);
		});
	}
});

const settingsOf = (channel: Channel) => ({
	provider: channel.provider,
	defaultType: channel.defaultType,
	defaultDirection: channel.defaultDirection,
	secrets: channel.secrets,
});

/** Twilio media take the account's Basic credentials; WhatsApp media the channel's Graph API access token. */
function mediaCredentials(channel: Channel, payload: { AccountSid?: string }): Record<string, string> {
	if (channel.provider === 'twilio' && channel.secrets.auth_token && payload.AccountSid)
		return {
			authorization: `Basic ${Buffer.from(`${payload.AccountSid}:${channel.secrets.auth_token}`).toString('base64')}`,
		};
	if (channel.provider === 'whatsapp' && channel.secrets.access_token)
		return { authorization: `Bearer ${channel.secrets.access_token}` };
	return {};
}

/** Per-channel request budget; shared by every instance through Redis when Directus is configured with REDIS. */
function channelRateLimiter(env: Record<string, unknown>) {
	const options = {
		points: Number(env['ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE'] ?? 6000),
		duration: 60,
		keyPrefix: 'activity-hub:ingest',
	};

	const redis = typeof env['REDIS'] === 'string' && env['REDIS'] ? env['REDIS'] : null;
	if (!redis) return new RateLimiterMemory(options);
	const client = new Redis(redis, { enableOfflineQueue: false, lazyConnect: false, maxRetriesPerRequest: 1 });
	client.on('error', () => {}); // reported through the limiter's insurance fallback instead
	// If Redis is unreachable, each instance keeps limiting on its own rather than refusing or letting everything in.
	return new RateLimiterRedis({ ...options, storeClient: client, insuranceLimiter: new RateLimiterMemory(options) });
}

function readBody(req: Request, limit: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;

		req.on('data', (chunk: Buffer) => {
			size += chunk.length;

			if (size > limit) {
				req.removeAllListeners('data');
				req.resume();
				reject(new IngestError(413, 'TOO_LARGE', `Request exceeds ${limit} bytes`));
				return;
			}

			chunks.push(chunk);
		});

		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', () => reject(new IngestError(400, 'BODY_UNREADABLE', 'The request body could not be read')));
	});
}

function sendError(res: Response, error: IngestError) {
	if (res.headersSent) return;
	res.status(error.status).json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
}
