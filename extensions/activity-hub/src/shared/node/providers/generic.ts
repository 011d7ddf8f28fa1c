// Plain JSON from any sender. Optional Standard Webhooks signature (webhook-id/-timestamp/-signature, ±5 min),
// required once the channel has a `whsec_` secret; `webhook-id` is then the dedupe key.
import { Webhook } from 'standardwebhooks';
import { isActivityType, isDirection } from '../../activity.js';
import {
	type ChannelSettings,
	draftDefaults,
	IngestError,
	type IngestRequest,
	jsonBody,
	type ProviderAdapter,
	text,
} from './types.js';

const STRING_FIELDS = ['sender', 'recipient', 'subject', 'content', 'external_id'] as const;

const MAX_LENGTH: Record<(typeof STRING_FIELDS)[number], number> = {
	sender: 320,
	recipient: 2000,
	subject: 1000,
	content: 1_000_000,
	external_id: 255,
};

export const generic: ProviderAdapter = {
	accepts: ['json'],
	verify(request, channel) {
		const secret = channel.secrets.webhook_secret;
		if (!secret) return;

		const headers = {
			'webhook-id': request.headers['webhook-id'] ?? '',
			'webhook-timestamp': request.headers['webhook-timestamp'] ?? '',
			'webhook-signature': request.headers['webhook-signature'] ?? '',
		};

		if (!headers['webhook-id'] || !headers['webhook-timestamp'] || !headers['webhook-signature'])
			throw new IngestError(401, 'SIGNATURE_MISSING', 'Standard Webhooks headers are required on this channel');

		try {
			new Webhook(secret).verify(request.rawBody.toString('utf8'), headers);
		} catch {
			throw new IngestError(
				401,
				'SIGNATURE_INVALID',
				'Standard Webhooks signature is invalid or outside the ±5 min window',
			);
		}
	},
	parse(request: IngestRequest, channel: ChannelSettings, now: Date) {
		const body = jsonBody(request);
		if (!body || typeof body !== 'object' || Array.isArray(body))
			throw new IngestError(422, 'INVALID_FIELDS', 'Body must be a JSON object');
		const input = unwrapEnvelope(body as Record<string, unknown>);
		const problems: string[] = [];
		const draft = draftDefaults(channel, now);

		if (input['type'] !== undefined) {
			if (isActivityType(input['type'])) draft.type = input['type'];
			else problems.push('type must be one of email, call, sms, whatsapp, meeting, file, note, other');
		}

		if (input['direction'] !== undefined) {
			if (isDirection(input['direction'])) draft.direction = input['direction'];
			else problems.push('direction must be inbound or outbound');
		}

		for (const field of STRING_FIELDS) {
			const value = input[field];
			if (value === undefined || value === null) continue;
			if (typeof value !== 'string') problems.push(`${field} must be a string`);
			else if (value.length > MAX_LENGTH[field])
				problems.push(`${field} is longer than ${MAX_LENGTH[field]} characters`);
			else draft[field] = text(value);
		}

		if (input['occurred_at'] !== undefined) {
			const date = typeof input['occurred_at'] === 'string' ? new Date(input['occurred_at']) : new Date(NaN);
			if (Number.isNaN(date.getTime())) problems.push('occurred_at must be an ISO 8601 date');
			else draft.occurred_at = date;
		}

		if (input['metadata'] !== undefined) {
			const metadata = input['metadata'];
			if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata))
				problems.push('metadata must be an object');
			else draft.metadata = metadata as Record<string, unknown>;
		}

		if (problems.length) throw new IngestError(422, 'INVALID_FIELDS', problems.join('; '));

		const webhookId = request.headers['webhook-id'];
		if (channel.secrets.webhook_secret && webhookId) draft.external_id = webhookId.slice(0, 255);
		draft.payload = { ...(body as Record<string, unknown>) };
		return { activities: [draft] };
	},
};

/**
 * Standard Webhooks senders wrap events as {type: "<event>", timestamp, data: {...}}. The event's data carries
 * the activity; common alternative names (from, to, text, body) are accepted there.
 */
function unwrapEnvelope(body: Record<string, unknown>): Record<string, unknown> {
	const data = body['data'];
	if (!data || typeof data !== 'object' || Array.isArray(data) || isActivityType(body['type'])) return body;
	const event = data as Record<string, unknown>;
	const { from, to, text: textValue, body: bodyValue, timestamp: _t, ...rest } = event;
	const { channel: _channel, ...fields } = rest;

	const metadata = {
		event_type: body['type'] ?? null,
		...(typeof event['metadata'] === 'object' && event['metadata'] ? (event['metadata'] as object) : {}),
	};

	return {
		...fields,
		sender: fields['sender'] ?? from,
		recipient: fields['recipient'] ?? to,
		content: fields['content'] ?? textValue ?? bodyValue,
		occurred_at: fields['occurred_at'] ?? body['timestamp'],
		metadata,
	};
}
