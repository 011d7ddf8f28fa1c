// Provider media (Twilio MediaUrlN and RecordingUrl, WhatsApp media ids, Zoom recordings) into Directus Files, after
// the activity is committed and in the background; what cannot be fetched is recorded on the activity's metadata.
// A Zoom transcript (WebVTT) is also parsed into `processed_data.transcript`.
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import type { Channel } from '../runtime/channels.js';
import { emitUpdated } from '../runtime/events.js';
import { openMedia } from '../runtime/media.js';
import { isPublicAddress, MEDIA_HOSTS, mediaUrlRefusal, whatsappMediaUrl } from '../shared/node/media.js';
import type { UpdateMedia } from '../shared/node/providers/index.js';
import { parseVtt } from '../shared/transcript.js';
import { mergeProcessedData } from '../runtime/transcripts.js';
import type { PipelineParts } from './parts.js';
import { hubMetrics } from '../metrics/index.js';

/** Fetches `items`, by default the media a committed activity row lists in `payload.media`. */
export type MediaFetcher = (row: Record<string, unknown>, items?: UpdateMedia[]) => Promise<void>;

/** Fetches the media a committed activity row lists in `payload.media`. */
export function createMediaFetcher({
	database,
	channels,
	config,
	files,
	logger,
	schema,
}: Pick<PipelineParts, 'database' | 'channels' | 'config' | 'files' | 'logger' | 'schema'>): MediaFetcher {
	return async function fetchMedia(row: Record<string, unknown>, items?: UpdateMedia[]) {
		const channel = await channels.get(String(row['channel']));
		const hosts = channel ? MEDIA_HOSTS[channel.provider] : undefined;
		if (!channel || !hosts) return;
		const payload = (row['payload'] ?? {}) as { media?: UpdateMedia[]; AccountSid?: string };

		const policy = {
			refuse: (url: string) => mediaUrlRefusal(url, hosts),
			addressAllowed: isPublicAddress,
			maxBytes: channel.maxFileBytes,
			timeoutMs: 30_000,
			maxRedirects: 3,
			gateway: config.mediaGatewayUrl,
		};

		const headers = mediaCredentials(channel, payload);
		const errors: Array<{ url: string; error: string }> = [];
		let stored = 0;

		for (const item of items ?? payload.media ?? []) {
			try {
				let source = item.url;
				const credentials = item.authorization ? { authorization: item.authorization } : headers;

				if (channel.provider === 'whatsapp') {
					if (!headers['authorization']) throw new Error('the channel has no WhatsApp access_token to download media');
					const answer = await openMedia(item.url, policy, headers);
					source = whatsappMediaUrl(JSON.parse(await text(answer.body))) ?? '';
					if (!source) throw new Error('the Graph API gave no media URL');
				}

				const { body, contentType } = await openMedia(source, policy, credentials);
				let stream: Readable = body;

				if (item.kind === 'transcript') {
					const bytes = await buffer(body);
					const utterances = parseVtt(bytes.toString('utf8'));
					await mergeProcessedData(database, String(row['id']), { transcript: utterances, transcript_source: 'zoom' });
					stream = Readable.from([bytes]);
				}

				const sniffed = await files.sniff(stream, item.contentType ?? contentType);
				const base = item.name ?? `${row['type']}-${new URL(item.url).pathname.split('/').pop() || 'media'}`;
				const name = item.name ? base : `${base}.${sniffed.extension}`;
				const saved = await files.store(channel, sniffed.stream, name, sniffed.type, sniffed.extension);
				await database('activity_files').insert({ activities_id: row['id'], directus_files_id: saved.id });
				stored++;
			} catch (error) {
				errors.push({ url: item.url.slice(0, 500), error: error instanceof Error ? error.message : String(error) });
			}
		}

		if (errors.length) {
			hubMetrics().mediaFetchFailed(channel.provider, errors.length);

			logger.warn(
				`Activity Hub: ${errors.length} media file(s) of activity ${row['id']} not fetched: ${errors.map((e) => e.error).join('; ')}`,
			);

			const current = await database('activities').select('metadata').where({ id: row['id'] }).first();
			const metadata = typeof current?.metadata === 'string' ? JSON.parse(current.metadata) : (current?.metadata ?? {});

			await database('activities')
				.where({ id: row['id'] })
				.update({ metadata: JSON.stringify({ ...metadata, media_errors: errors }) });
		}

		if (stored || errors.length)
			emitUpdated(
				'activities',
				[row['id'] as string],
				{ media_stored: stored },
				{ database, schema: await schema(), accountability: null },
			);
	};
}

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
