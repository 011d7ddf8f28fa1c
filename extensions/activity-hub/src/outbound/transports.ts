// One send attempt per provider: the request built by shared/node/senders, the call made here, its outcome
// classified as shared/delivery.ts's SendAttempt (answered, never sent, or lost after sending).
import type { SendAttempt } from '../shared/delivery.js';
import type { HttpAnswer, HttpSend } from '../shared/node/senders/http.js';
import { twilioAnswer, twilioSend } from '../shared/node/senders/twilio.js';
import { WHATSAPP_API_VERSION, whatsappAnswer, whatsappSend } from '../shared/node/senders/whatsapp.js';
import type { HubConfig } from '../shared/config.js';
import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import { smtpAttempt, smtpClient, smtpSettings, type SmtpSettings } from '../shared/node/senders/email.js';
import { type SendingChannel, setting } from './channels.js';

/** Errors of a request that never left this machine: nothing reached the provider, a retry is safe. */
const NOT_SENT = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'UND_ERR_CONNECT_TIMEOUT',
]);

export async function httpAttempt(
	send: HttpSend,
	answer: (status: number, body: unknown) => HttpAnswer,
	timeoutMs: number,
): Promise<SendAttempt> {
	let response: Response;

	try {
		response = await fetch(send.url, {
			method: 'POST',
			headers: send.headers,
			body: send.body,
			redirect: 'error',
			signal: AbortSignal.timeout(timeoutMs),
		});
	} catch (error) {
		const cause = (error as { cause?: { code?: string } }).cause;
		const code = cause?.code ?? '';
		if (NOT_SENT.has(code)) return { kind: 'not-sent', message: `${code}: the provider was not reached` };
		const name = (error as Error).name;
		const reason = name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : code || (error as Error).message;
		return { kind: 'lost', message: reason };
	}

	let body: unknown = null;

	try {
		const text = await response.text();
		body = text ? JSON.parse(text) : null;
	} catch {
		body = null;
	}

	const answered = answer(response.status, body);
	return { kind: 'response', status: answered.status, message: answered.message, providerId: answered.providerId };
}

/** The message as the sender leased it (the activity's row). */
export type OutboundRow = Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' ? value : '');

export async function sendOne(config: HubConfig, target: SendingChannel, row: OutboundRow): Promise<SendAttempt> {
	const { channel, settings } = target;

	const metadata = (row['metadata'] && typeof row['metadata'] === 'object' ? row['metadata'] : {}) as Record<
		string,
		unknown
	>;

	const payload = (row['payload'] && typeof row['payload'] === 'object' ? row['payload'] : {}) as Record<
		string,
		unknown
	>;

	const timeout = config.outbound.timeoutMs;

	switch (channel.provider) {
		case 'twilio':
			return httpAttempt(
				twilioSend({
					apiUrl: config.outbound.twilioApiUrl,
					accountSid: channel.secrets.account_sid ?? '',
					authToken: channel.secrets.auth_token ?? '',
					from: setting(settings, 'from') ?? (text(row['sender']) || null),
					messagingServiceSid: setting(settings, 'messaging_service_sid'),
					to: text(row['recipient']),
					body: text(row['content']),
					statusCallback: setting(settings, 'status_callback_url'),
				}),
				twilioAnswer,
				timeout,
			);

		case 'whatsapp': {
			const phoneNumberId = setting(settings, 'phone_number_id') ?? text(metadata['phone_number_id']);
			if (!phoneNumberId)
				return { kind: 'response', status: 400, message: 'The channel has no settings.phone_number_id' };
			const template = payload['template'] as { name: string; language: string; parameters?: string[] } | undefined;

			return httpAttempt(
				whatsappSend({
					apiUrl: config.outbound.whatsappApiUrl,
					version: setting(settings, 'api_version') ?? WHATSAPP_API_VERSION,
					phoneNumberId,
					accessToken: channel.secrets.access_token ?? '',
					to: text(row['recipient']),
					text: template ? null : text(row['content']),
					template: template ?? null,
				}),
				whatsappAnswer,
				timeout,
			);
		}

		case 'imap':
		case 'postmark':
		case 'mailgun':
		case 'sendgrid':
			return smtpSend(target, row, timeout);
		default:
			return { kind: 'response', status: 400, message: `Channels of provider ${channel.provider} cannot send` };
	}
}

/** An e-mail through the channel's SMTP relay, with the headers compose.ts stored on the message. */
async function smtpSend(
	{ channel, settings }: SendingChannel,
	row: OutboundRow,
	timeoutMs: number,
): Promise<SendAttempt> {
	const smtp = smtpSettings(settings);
	if (!smtp) return { kind: 'response', status: 400, message: 'The channel has no usable settings.smtp' };
	const payload = (row['payload'] && typeof row['payload'] === 'object' ? row['payload'] : {}) as Record<string, any>;
	const headers = (payload['email'] ?? {}) as { inReplyTo?: string | null; references?: string[] };

	const transport = smtpTransport(channel.id, smtp, channel.secrets.password, timeoutMs);

	try {
		const info = await transport.sendMail({
			from: text(row['sender']),
			to: text(row['recipient']),
			subject: text(row['subject']),
			text: text(row['content']),
			messageId: `<${text(row['message_id'])}>`,
			...(headers.inReplyTo ? { inReplyTo: headers.inReplyTo } : {}),
			...(headers.references?.length ? { references: headers.references } : {}),
		});

		return { kind: 'response', status: 250, message: String(info.response ?? 'sent'), providerId: null };
	} catch (error) {
		return smtpAttempt(error);
	}
}

/** Each channel's pooled SMTP transport, while its relay, username, password and timeout stay the same. */
const pools = new Map<string, { key: string; transport: Transporter }>();

function smtpTransport(channelId: string, smtp: SmtpSettings, password: string | null | undefined, timeoutMs: number) {
	const key = createHash('sha256')
		.update(JSON.stringify([smtp, password ?? null, timeoutMs]))
		.digest('hex');

	const cached = pools.get(channelId);
	if (cached?.key === key) return cached.transport;
	const transport = smtpClient(smtp, password, timeoutMs);
	pools.set(channelId, { key, transport });
	// The channel's settings or password changed: the old pool closes its free connections now, busy ones once
	// their message is sent (nodemailer's close()); nothing waits in its queue (at most SEND_CONCURRENCY in flight).
	cached?.transport.close();
	return transport;
}
