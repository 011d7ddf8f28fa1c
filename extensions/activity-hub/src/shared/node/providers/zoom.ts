// Zoom webhooks (JSON), the app's Secret Token as `secret_token`. x-zm-signature = "v0=" + hex(HMAC-SHA256(secret
// token, `v0:${x-zm-request-timestamp}:${raw body}`)), the timestamp within ±5 minutes. endpoint.url_validation is
// answered with { plainToken, encryptedToken = hex(HMAC-SHA256(secret token, plainToken)) } and stores nothing.
// meeting.ended and recording.completed are upserts of one meeting activity per meeting instance (its uuid):
// recording.completed fetches the audio/video and the VTT transcript with the event's download_token.
import { createHmac } from 'node:crypto';
import { safeEqual } from '../keys.js';
import { personOf } from './bookings.js';
import {
	type ActivityUpdate,
	draftDefaults,
	IngestError,
	jsonBody,
	type ProviderAdapter,
	text,
	toDate,
	type UpdateMedia,
} from './types.js';

export const ZOOM_TOLERANCE_SECONDS = 5 * 60;

export function zoomSignature(secretToken: string, timestamp: string, rawBody: Buffer): string {
	const mac = createHmac('sha256', secretToken)
		.update(Buffer.concat([Buffer.from(`v0:${timestamp}:`, 'utf8'), rawBody]))
		.digest('hex');

	return `v0=${mac}`;
}

/** The endpoint.url_validation answer. */
export function zoomValidation(secretToken: string, plainToken: string) {
	return { plainToken, encryptedToken: createHmac('sha256', secretToken).update(plainToken).digest('hex') };
}

/** Recording files worth keeping: audio, video and the audio transcript (chat, timeline and captions are not). */
const KEPT_FILES: Record<string, { contentType: string; kind: UpdateMedia['kind'] }> = {
	M4A: { contentType: 'audio/mp4', kind: 'recording' },
	MP4: { contentType: 'video/mp4', kind: 'recording' },
	TRANSCRIPT: { contentType: 'text/vtt', kind: 'transcript' },
};

interface ZoomObject {
	uuid?: unknown;
	id?: unknown;
	topic?: unknown;
	host_id?: unknown;
	host_email?: unknown;
	start_time?: unknown;
	end_time?: unknown;
	duration?: unknown;
	timezone?: unknown;
	participants?: unknown;
	recording_files?: unknown;
	share_url?: unknown;
}

export const zoom: ProviderAdapter = {
	accepts: ['json'],
	verify(request, channel, now) {
		const secret = channel.secrets.secret_token;

		if (!secret) {
			const body = request.rawBody.toString('utf8');
			if (body.includes('endpoint.url_validation'))
				throw new IngestError(422, 'SECRET_MISSING', 'Enter the Zoom app’s Secret Token as secret_token first');
			return;
		}

		const signature = request.headers['x-zm-signature'];
		const timestamp = request.headers['x-zm-request-timestamp'];
		if (!signature || !timestamp)
			throw new IngestError(
				401,
				'SIGNATURE_MISSING',
				'x-zm-signature and x-zm-request-timestamp are required on this channel',
			);
		if (!/^\d{1,13}$/.test(timestamp))
			throw new IngestError(401, 'SIGNATURE_INVALID', 'x-zm-request-timestamp is not a time');
		// Zoom sends seconds; milliseconds are read too.
		const seconds = timestamp.length > 11 ? Number(timestamp) / 1000 : Number(timestamp);
		if (Math.abs(now.getTime() / 1000 - seconds) > ZOOM_TOLERANCE_SECONDS)
			throw new IngestError(401, 'SIGNATURE_EXPIRED', 'x-zm-request-timestamp is not within 5 minutes');
		if (!safeEqual(zoomSignature(secret, timestamp, request.rawBody), signature.trim()))
			throw new IngestError(401, 'SIGNATURE_INVALID', 'x-zm-signature does not match');
	},
	parse(request, channel, now) {
		const body = jsonBody(request) as {
			event?: unknown;
			event_ts?: unknown;
			download_token?: unknown;
			payload?: { plainToken?: unknown; object?: ZoomObject };
		} | null;

		if (!body || typeof body !== 'object' || typeof body.event !== 'string')
			throw new IngestError(422, 'INVALID_FIELDS', 'Not a Zoom webhook (no event)');

		if (body.event === 'endpoint.url_validation') {
			const plain = text(body.payload?.plainToken, 500);
			if (!plain) throw new IngestError(422, 'INVALID_FIELDS', 'endpoint.url_validation without payload.plainToken');
			return {
				activities: [],
				reply: {
					contentType: 'application/json',
					body: JSON.stringify(zoomValidation(channel.secrets.secret_token!, plain)),
				},
			};
		}

		if (body.event !== 'meeting.ended' && body.event !== 'recording.completed') return { activities: [] };
		const meeting = body.payload?.object;
		const uuid = text(meeting?.uuid, 200);
		if (!meeting || !uuid)
			throw new IngestError(422, 'INVALID_FIELDS', `Zoom ${body.event} without payload.object.uuid`);
		const start = meeting.start_time ? toDate(meeting.start_time, now) : null;
		const durationMinutes = Number(meeting.duration);

		let end = meeting.end_time ? toDate(meeting.end_time, now) : null;
		if (!end && start && Number.isFinite(durationMinutes) && body.event === 'meeting.ended')
			end = new Date(start.getTime() + durationMinutes * 60_000);

		const participants = (Array.isArray(meeting.participants) ? meeting.participants : [])
			.filter((p: any) => p && typeof p === 'object')
			.map((p: any) => personOf(p.user_name ?? p.name, p.email ?? p.user_email));

		const host = personOf(null, meeting.host_email);
		const attendees = participants.filter((p) => !p.email || p.email !== host.email);
		const topic = text(meeting.topic, 1000) ?? 'Zoom meeting';
		const key = `zoom:${uuid}`;

		const payload: Record<string, unknown> = {
			source: 'zoom',
			meeting_id: meeting.id ?? null,
			meeting_uuid: uuid,
			title: topic,
			...(start ? { start: start.toISOString() } : {}),
			...(end ? { end: end.toISOString() } : {}),
			...(Number.isFinite(durationMinutes) ? { duration_minutes: durationMinutes } : {}),
			...(host.email ? { host } : { host_id: text(meeting.host_id, 100) }),
			...(participants.length ? { attendees } : {}),
			...(body.event === 'meeting.ended' ? { status: 'ended' } : {}),
		};

		const media: UpdateMedia[] = [];

		if (body.event === 'recording.completed') {
			const token = text(body.download_token, 4000);
			const files = Array.isArray(meeting.recording_files) ? meeting.recording_files : [];

			payload['recordings'] = files.slice(0, 20).map((file: any) => ({
				id: text(file?.id, 100),
				file_type: text(file?.file_type, 40),
				recording_type: text(file?.recording_type, 80),
				recording_start: text(file?.recording_start, 40),
				recording_end: text(file?.recording_end, 40),
				file_size: typeof file?.file_size === 'number' ? file.file_size : null,
			}));

			for (const file of files.slice(0, 20)) {
				const kept = KEPT_FILES[String(file?.file_type ?? '').toUpperCase()];
				const url = text(file?.download_url, 2000);
				if (!kept || !url || (file.status && file.status !== 'completed')) continue;
				const extension = String(file.file_extension ?? file.file_type).toLowerCase();

				media.push({
					url,
					contentType: kept.contentType,
					kind: kept.kind,
					name: `meeting-${String(file.recording_type ?? kept.kind)}.${extension}`,
					...(token ? { authorization: `Bearer ${token}` } : {}),
				});
			}
		}

		const content =
			body.event === 'meeting.ended'
				? `Zoom meeting ended${Number.isFinite(durationMinutes) ? ` after ${durationMinutes} min` : ''}`
				: 'Zoom meeting recorded';

		const draft = {
			...draftDefaults(channel, now),
			type: 'meeting' as const,
			direction: channel.defaultDirection,
			external_id: key,
			subject: topic,
			content,
			sender: host.email,
			recipient:
				attendees
					.map((p) => p.email)
					.filter(Boolean)
					.join(', ') || null,
			occurred_at: start ?? now,
			payload,
			metadata: { meeting_uuid: uuid },
			attendees: attendees.map((p) => p.email).filter((email): email is string => !!email),
		};

		const update: ActivityUpdate = {
			keys: [key],
			// Both events complete the one meeting: neither replaces the other, each adds what it knows.
			eventAt: null,
			set: {
				subject: topic,
				...(start ? { occurred_at: start } : {}),
				...(body.event === 'meeting.ended' ? { content } : {}),
			},
			payload,
			metadata: { meeting_uuid: uuid },
			media,
			otherwise: draft,
		};

		return { activities: [], updates: [update] };
	},
};
