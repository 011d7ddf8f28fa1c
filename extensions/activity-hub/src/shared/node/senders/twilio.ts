// Twilio Programmable Messaging: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, Basic auth
// with the account SID and auth token; StatusCallback is the channel's webhook URL, where MessageStatus arrives.
import type { DeliveryStatus } from '../../activity.js';
import type { HttpAnswer, HttpSend } from './http.js';

export interface TwilioMessage {
	apiUrl: string;
	accountSid: string;
	authToken: string;
	/** The channel's number (`+1…`, or `whatsapp:+1…`), unless a messaging service sends. */
	from: string | null;
	messagingServiceSid: string | null;
	to: string;
	body: string;
	statusCallback: string | null;
}

export function twilioSend(message: TwilioMessage): HttpSend {
	const form = new URLSearchParams({ To: message.to, Body: message.body });
	if (message.messagingServiceSid) form.set('MessagingServiceSid', message.messagingServiceSid);
	else if (message.from) form.set('From', message.from);
	if (message.statusCallback) form.set('StatusCallback', message.statusCallback);
	const credentials = Buffer.from(`${message.accountSid}:${message.authToken}`).toString('base64');

	return {
		url: `${message.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(message.accountSid)}/Messages.json`,
		headers: {
			authorization: `Basic ${credentials}`,
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'application/json',
		},
		body: form.toString(),
	};
}

/** Twilio answers 201 with the Message resource (its `sid`), or an error object `{ code, message, status }`. */
export function twilioAnswer(status: number, body: unknown): HttpAnswer {
	const json = (body && typeof body === 'object' ? body : {}) as { sid?: unknown; message?: unknown; code?: unknown };
	const ok = status >= 200 && status < 300;
	const code = json.code != null ? ` (Twilio ${String(json.code)})` : '';

	return {
		status,
		providerId: ok && typeof json.sid === 'string' ? json.sid : null,
		message: typeof json.message === 'string' ? `${json.message}${code}` : `HTTP ${status}`,
	};
}

/** A MessageStatus of Twilio's status callback as a delivery status (null: not one we track, e.g. `accepted`). */
export function twilioDeliveryStatus(value: string | undefined): DeliveryStatus | null {
	switch (value) {
		case 'sent':
			return 'sent';
		case 'delivered':
			return 'delivered';
		case 'read':
			return 'read';
		case 'failed':
		case 'undelivered':
			return 'failed';
		default:
			return null;
	}
}
