// WhatsApp Cloud API: POST /{version}/{phone_number_id}/messages with the channel's access token (Bearer); a
// free-form text inside the 24-hour window, a template otherwise. Statuses arrive on the channel's webhook.
import type { DeliveryStatus } from '../../activity.js';
import type { WhatsAppTemplate } from '../../reply.js';
import type { HttpAnswer, HttpSend } from './http.js';

export type { WhatsAppTemplate } from '../../reply.js';
export const WHATSAPP_API_VERSION = 'v21.0';

export interface WhatsAppMessage {
	apiUrl: string;
	version: string;
	phoneNumberId: string;
	accessToken: string;
	/** E.164 with or without "+"; the API wants digits only. */
	to: string;
	text: string | null;
	template: WhatsAppTemplate | null;
}

export function whatsappSend(message: WhatsAppMessage): HttpSend {
	const to = message.to.replace(/^whatsapp:/, '').replace(/[^\d]/g, '');

	const content = message.template
		? {
				type: 'template',
				template: {
					name: message.template.name,
					language: { code: message.template.language },
					...(message.template.parameters?.length
						? {
								components: [
									{
										type: 'body',
										parameters: message.template.parameters.map((text) => ({ type: 'text', text })),
									},
								],
							}
						: {}),
				},
			}
		: { type: 'text', text: { preview_url: false, body: message.text ?? '' } };

	return {
		url: `${message.apiUrl}/${message.version}/${encodeURIComponent(message.phoneNumberId)}/messages`,
		headers: {
			authorization: `Bearer ${message.accessToken}`,
			'content-type': 'application/json',
			accept: 'application/json',
		},
		body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...content }),
	};
}

/** Success: `{ messages: [{ id: "wamid…" }] }`; failure: `{ error: { message, code, error_data: { details } } }`. */
export function whatsappAnswer(status: number, body: unknown): HttpAnswer {
	const json = (body && typeof body === 'object' ? body : {}) as {
		messages?: Array<{ id?: unknown }>;
		error?: { message?: unknown; code?: unknown; error_data?: { details?: unknown } };
	};

	const ok = status >= 200 && status < 300;
	const id = json.messages?.[0]?.id;
	const error = json.error;
	const details = typeof error?.error_data?.details === 'string' ? ` ${error.error_data.details}` : '';

	return {
		status,
		providerId: ok && typeof id === 'string' ? id : null,
		message:
			typeof error?.message === 'string'
				? `${error.message}${details}${error.code != null ? ` (WhatsApp ${String(error.code)})` : ''}`
				: `HTTP ${status}`,
	};
}

/** A `statuses[].status` of the webhook as a delivery status. */
export function whatsappDeliveryStatus(value: unknown): DeliveryStatus | null {
	switch (value) {
		case 'sent':
			return 'sent';
		case 'delivered':
			return 'delivered';
		case 'read':
			return 'read';
		case 'failed':
			return 'failed';
		default:
			return null;
	}
}
