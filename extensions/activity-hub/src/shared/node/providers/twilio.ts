// Twilio SMS/MMS, voice status callbacks, recording callbacks and transcribeCallback requests
// (application/x-www-form-urlencoded). A transcription never creates an activity: it attaches its text to the
// call's (the recording's, else the completed call's) as `processed_data.transcript`.
// X-Twilio-Signature = base64(HMAC-SHA1(auth token, URL + Σ sorted(key + value))). As Twilio's own helper does,
// the URL is tried with and without its port, and repeated keys contribute their values in sorted order.
import { createHmac } from 'node:crypto';
import { safeEqual } from '../keys.js';
import type { Direction } from '../../activity.js';
import { twilioDeliveryStatus } from '../senders/twilio.js';
import { draftDefaults, IngestError, type IngestRequest, type ProviderAdapter, text, toDate } from './types.js';

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export function twilioSignature(authToken: string, url: string, fields: Array<[string, string]>): string {
	const keys = [...new Set(fields.map(([key]) => key))].sort();
	let data = url;

	for (const key of keys) {
		for (const value of fields
			.filter(([k]) => k === key)
			.map(([, v]) => v)
			.sort())
			data += key + value;
	}

	return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** The URL as signed, plus its variant with the default port added or removed. */
export function urlVariants(url: string): string[] {
	const parsed = new URL(url);
	const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
	const credentials = parsed.username ? `${parsed.username}:${parsed.password}@` : '';
	const rest = parsed.pathname + parsed.search;
	return [
		...new Set([
			url,
			`${parsed.protocol}//${credentials}${parsed.hostname}:${port}${rest}`,
			`${parsed.protocol}//${credentials}${parsed.hostname}${rest}`,
		]),
	];
}

const field = (request: IngestRequest, name: string) => request.fields.find(([key]) => key === name)?.[1];

function direction(value: string | undefined, fallback: Direction): Direction {
	if (!value) return fallback;
	return value.startsWith('outbound') ? 'outbound' : 'inbound';
}

export const twilio: ProviderAdapter = {
	accepts: ['form'],
	verify(request, channel) {
		const token = channel.secrets.auth_token;
		if (!token) return;
		const signature = request.headers['x-twilio-signature'];
		if (!signature) throw new IngestError(401, 'SIGNATURE_MISSING', 'X-Twilio-Signature is required on this channel');

		const valid = urlVariants(request.publicUrl).some((url) =>
			safeEqual(twilioSignature(token, url, request.fields), signature),
		);

		if (!valid)
			throw new IngestError(401, 'SIGNATURE_INVALID', 'X-Twilio-Signature does not match the configured public URL');
	},
	parse(request, channel, now) {
		const draft = draftDefaults(channel, now);
		const from = field(request, 'From') ?? null;
		const to = field(request, 'To') ?? null;
		draft.sender = from;
		draft.recipient = to;
		draft.payload = Object.fromEntries(request.fields);
		const messageSid = field(request, 'MessageSid') ?? field(request, 'SmsMessageSid');
		const recordingSid = field(request, 'RecordingSid');
		const callSid = field(request, 'CallSid');
		const transcriptionSid = field(request, 'TranscriptionSid');
		const messageStatus = field(request, 'MessageStatus');

		if (transcriptionSid) {
			if (!recordingSid && !callSid)
				throw new IngestError(422, 'INVALID_FIELDS', 'A Twilio transcription without RecordingSid or CallSid');
			const status = field(request, 'TranscriptionStatus') ?? 'unknown';
			const transcript = text(field(request, 'TranscriptionText'));
			const transcription = { sid: transcriptionSid.slice(0, 64), status: status.slice(0, 40), source: 'twilio' };

			return {
				activities: [],
				updates: [
					{
						keys: [recordingSid, callSid ? `${callSid}:completed` : null].filter((k): k is string => !!k),
						type: 'call',
						processedData:
							status === 'completed' && transcript
								? { transcript: [{ start: 0, end: 0, text: transcript }], transcription }
								: { transcription },
						otherwise: null,
					},
				],
				reply: { contentType: 'text/xml', body: EMPTY_TWIML },
			};
		}

		// A status callback of a message we sent (StatusCallback): it updates that message, it is no activity.
		if (messageSid && messageStatus && !recordingSid) {
			const status = twilioDeliveryStatus(messageStatus);
			const code = field(request, 'ErrorCode');
			const error = status === 'failed' ? `Twilio reports ${messageStatus}${code ? ` (error ${code})` : ''}` : null;

			return {
				activities: [],
				reply: { contentType: 'text/xml', body: EMPTY_TWIML },
				deliveries: status ? [{ providerId: messageSid, status, error }] : [],
			};
		}

		if (recordingSid) {
			draft.type = 'call';
			draft.external_id = recordingSid;
			const seconds = field(request, 'RecordingDuration');
			draft.subject = 'Call recording';
			draft.content = `Call recording${seconds ? ` (${seconds} s)` : ''}, status ${field(request, 'RecordingStatus') ?? 'unknown'}`;
			draft.occurred_at = toDate(field(request, 'RecordingStartTime'), now);
			const url = field(request, 'RecordingUrl');
			if (url) draft.media.push({ url, contentType: 'audio/wav' });

			draft.metadata = {
				call_sid: callSid ?? null,
				recording_sid: recordingSid,
				duration_seconds: seconds ? Number(seconds) : null,
			};
		} else if (messageSid) {
			const whatsapp = /^whatsapp:/i.test(from ?? '') || /^whatsapp:/i.test(to ?? '');
			draft.type = whatsapp ? 'whatsapp' : 'sms';
			draft.external_id = messageSid;
			draft.content = text(field(request, 'Body'));
			const count = Math.min(Number(field(request, 'NumMedia') ?? 0) || 0, 10);

			for (let index = 0; index < count; index++) {
				const url = field(request, `MediaUrl${index}`);
				if (url) draft.media.push({ url, contentType: field(request, `MediaContentType${index}`) });
			}

			draft.metadata = { message_sid: messageSid, num_media: count };
		} else if (callSid) {
			const status = field(request, 'CallStatus') ?? 'unknown';
			draft.type = 'call';
			draft.direction = direction(field(request, 'Direction'), channel.defaultDirection);
			draft.external_id = `${callSid}:${status}`;
			const seconds = field(request, 'CallDuration');
			draft.subject = `Call ${status}`;
			draft.content = `Call ${status}${seconds ? ` after ${seconds} s` : ''}`;
			draft.metadata = { call_sid: callSid, call_status: status, duration_seconds: seconds ? Number(seconds) : null };
		} else {
			throw new IngestError(
				422,
				'INVALID_FIELDS',
				'Not a Twilio message, call or recording callback (no MessageSid, CallSid or RecordingSid)',
			);
		}

		return { activities: [draft], reply: { contentType: 'text/xml', body: EMPTY_TWIML } };
	},
};
