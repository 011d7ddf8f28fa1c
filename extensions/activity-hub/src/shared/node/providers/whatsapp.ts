// WhatsApp Cloud API (Meta). X-Hub-Signature-256 = "sha256=" + hex(HMAC-SHA256(app secret, raw body)).
// One activity per messages[] entry; status updates (statuses[]) create none. wa_id has no leading "+".
import { createHmac } from 'node:crypto';
import { safeEqual } from '../keys.js';
import { whatsappDeliveryStatus } from '../senders/whatsapp.js';
import {
	type ActivityDraft,
	type DeliveryUpdate,
	draftDefaults,
	IngestError,
	jsonBody,
	type ProviderAdapter,
	text,
} from './types.js';

export function whatsappSignature(appSecret: string, rawBody: Buffer): string {
	return 'sha256=' + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

/** GET handshake: echo hub.challenge when hub.verify_token matches; null when it does not. */
export function whatsappChallenge(
	query: Record<string, string>,
	verifyToken: string | null | undefined,
): string | null {
	if (!verifyToken || query['hub.mode'] !== 'subscribe') return null;
	if (!safeEqual(query['hub.verify_token'] ?? '', verifyToken)) return null;
	return query['hub.challenge'] ?? null;
}

interface WaMessage {
	from?: string;
	id?: string;
	timestamp?: string;
	type?: string;
	text?: { body?: string };
	[media: string]: unknown;
}

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'];

export const WHATSAPP_GRAPH_URL = 'https://graph.facebook.com/v21.0';

const plus = (digits: string | undefined) => (digits ? `+${digits.replace(/^\+/, '')}` : null);

interface WaStatus {
	id?: string;
	status?: string;
	errors?: Array<{ code?: number; title?: string; message?: string; error_data?: { details?: string } }>;
}

export const whatsapp: ProviderAdapter = {
	accepts: ['json'],
	verify(request, channel) {
		const secret = channel.secrets.app_secret;
		if (!secret) return;
		const signature = request.headers['x-hub-signature-256'];
		if (!signature) throw new IngestError(401, 'SIGNATURE_MISSING', 'X-Hub-Signature-256 is required on this channel');
		if (!safeEqual(whatsappSignature(secret, request.rawBody), signature.toLowerCase()))
			throw new IngestError(401, 'SIGNATURE_INVALID', 'X-Hub-Signature-256 does not match');
	},
	parse(request, channel, now) {
		const body = jsonBody(request) as { object?: string; entry?: unknown } | null;
		if (!body || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry))
			throw new IngestError(422, 'INVALID_FIELDS', 'Not a WhatsApp Business Account webhook');
		const activities: ActivityDraft[] = [];
		const deliveries: DeliveryUpdate[] = [];

		for (const entry of body.entry as Array<{ changes?: Array<{ value?: Record<string, unknown> }> }>) {
			for (const change of entry?.changes ?? []) {
				const value = change?.value ?? {};

				const numberMetadata = value['metadata'] as
					{ display_phone_number?: string; phone_number_id?: string } | undefined;

				const businessNumber = numberMetadata?.display_phone_number;

				// The business number's id: where a reply is sent from (POST /{version}/{phone_number_id}/messages).
				const phoneNumberId =
					typeof numberMetadata?.phone_number_id === 'string' ? numberMetadata.phone_number_id : null;

				const profiles =
					(value['contacts'] as Array<{ wa_id?: string; profile?: { name?: string } }> | undefined) ?? [];

				// Statuses of messages we sent update those messages (by their wamid) and create no activity.
				for (const entry of (value['statuses'] as WaStatus[] | undefined) ?? []) {
					const status = whatsappDeliveryStatus(entry?.status);
					if (!status || typeof entry.id !== 'string' || !entry.id) continue;
					const reason = entry.errors?.[0];

					const error =
						status === 'failed'
							? [
									reason?.title,
									reason?.message ?? reason?.error_data?.details,
									reason?.code && `(WhatsApp ${reason.code})`,
								]
									.filter(Boolean)
									.join(' ') || 'WhatsApp reports the message as failed'
							: null;

					deliveries.push({ providerId: entry.id.slice(0, 255), status, error });
				}

				for (const message of (value['messages'] as WaMessage[] | undefined) ?? []) {
					if (!message?.id || !message.from)
						throw new IngestError(422, 'INVALID_FIELDS', 'WhatsApp message without id or from');
					const draft = draftDefaults(channel, now);
					draft.type = 'whatsapp';
					draft.direction = 'inbound';
					draft.external_id = message.id.slice(0, 255);
					draft.sender = plus(message.from);
					draft.recipient = plus(businessNumber);
					draft.occurred_at = message.timestamp ? new Date(Number(message.timestamp) * 1000) : now;
					const mediaType = MEDIA_TYPES.find((type) => message.type === type);

					const media = mediaType
						? (message[mediaType] as { id?: string; caption?: string; mime_type?: string })
						: undefined;

					draft.content =
						text(message.text?.body) ??
						text(media?.caption) ??
						(mediaType ? `[${mediaType}]` : `[${message.type ?? 'message'}]`);

					draft.payload = { message, business_number: businessNumber ?? null };
					// Media arrive as ids: the Graph API gives a short-lived download URL for the channel's access token.
					if (media?.id && /^\d+$/.test(media.id))
						draft.media.push({ url: `${WHATSAPP_GRAPH_URL}/${media.id}`, contentType: media.mime_type });

					draft.metadata = {
						wa_id: message.from,
						profile_name: profiles.find((p) => p.wa_id === message.from)?.profile?.name ?? null,
						media_id: media?.id ?? null,
						phone_number_id: phoneNumberId,
					};

					activities.push(draft);
				}
			}
		}

		return { activities, deliveries };
	},
};
