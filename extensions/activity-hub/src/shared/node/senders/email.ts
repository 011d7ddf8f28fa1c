// A reply by e-mail: its headers (a generated Message-ID, In-Reply-To and References from the thread, `Re:` on
// the subject) and the SMTP relay of the channel (`settings.smtp: { host, port, secure, username, from? }`, the
// password the channel's `password` secret), and what an SMTP outcome means for the message.
import { randomUUID } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { messageIdList, normaliseMessageId } from '../../threads.js';
import type { SendAttempt } from '../../delivery.js';
import { SEND_CONCURRENCY } from '../../limits.js';

export interface SmtpSettings {
	host: string;
	port: number;
	secure: boolean;
	username: string | null;
	from: string | null;
}

/** The channel's SMTP relay, or null when `settings.smtp` does not name a usable one. */
export function smtpSettings(settings: Record<string, unknown>): SmtpSettings | null {
	const smtp = settings['smtp'] as Record<string, unknown> | undefined;
	if (!smtp || typeof smtp !== 'object') return null;
	const host = typeof smtp['host'] === 'string' ? smtp['host'].trim() : '';
	const port = Number(smtp['port'] ?? (smtp['secure'] ? 465 : 587));
	if (!host || /[\s/]/.test(host) || !Number.isInteger(port) || port < 1 || port > 65_535) return null;

	return {
		host,
		port,
		secure: smtp['secure'] === true,
		username: typeof smtp['username'] === 'string' && smtp['username'] ? smtp['username'] : null,
		from: typeof smtp['from'] === 'string' && smtp['from'] ? smtp['from'] : null,
	};
}

/**
 * nodemailer's SMTP transport options for a channel's relay: what the sender uses, and the bench's baseline. Pooled:
 * a relay's connections (its greeting, TLS and AUTH) are reused for up to SEND_CONCURRENCY messages at once, and
 * closed after `timeoutMs` idle. Never re-queued: nodemailer would send a message again on a new connection when
 * the old one closed mid-send, after the relay may have accepted it — such a message is `unknown` instead.
 */
export function smtpTransportOptions(smtp: SmtpSettings, password: string | null | undefined, timeoutMs: number) {
	return {
		pool: true as const,
		maxConnections: SEND_CONCURRENCY,
		maxRequeues: 0,
		host: smtp.host,
		port: smtp.port,
		secure: smtp.secure,
		...(smtp.username ? { auth: { user: smtp.username, pass: password ?? '' } } : {}),
		connectionTimeout: timeoutMs,
		greetingTimeout: timeoutMs,
		socketTimeout: timeoutMs,
	};
}

/**
 * The pooled nodemailer transport for those options. Built here, so the sender and the bench's baseline use the one
 * nodemailer the package bundles (≥ 10.1: Nagle off on its sockets; 10.0 waited ~40 ms for a delayed ACK per message).
 */
export function smtpClient(smtp: SmtpSettings, password: string | null | undefined, timeoutMs: number) {
	return createTransport(smtpTransportOptions(smtp, password, timeoutMs));
}

/** `Re: subject` once (shared/reply.ts: Studio's reply box prefills the same). */
export { replySubject } from '../../reply.js';

/** A new Message-ID on the sender's domain (stored without brackets, as shared/threads.ts normalises them). */
export function newMessageId(from: string) {
	const domain = /@([^@>\s]+)>?\s*$/.exec(from)?.[1]?.toLowerCase() ?? 'activity-hub.invalid';
	return `${randomUUID()}@${domain}`;
}

/** In-Reply-To and References of a reply to the message `parentId` whose own References were `parentReferences`. */
export function threadHeaders(parentId: string | null, parentReferences: unknown) {
	const parent = normaliseMessageId(parentId);
	const references = [...messageIdList(parentReferences), ...(parent ? [parent] : [])];

	return {
		inReplyTo: parent ? `<${parent}>` : null,
		references: [...new Set(references)].map((id) => `<${id}>`),
	};
}

/** What nodemailer's outcome means: an SMTP reply code maps to 4xx transient / 5xx permanent. */
export function smtpAttempt(error: unknown): SendAttempt {
	const failure = error as {
		responseCode?: number;
		response?: string;
		code?: string;
		command?: string;
		message?: string;
	};

	const text = failure.response ?? failure.message ?? 'SMTP error';

	if (typeof failure.responseCode === 'number') {
		// 4xx is "try again later" in SMTP; 5xx is final.
		const status = failure.responseCode >= 500 ? 400 : 503;
		return { kind: 'response', status, message: `SMTP ${failure.responseCode}: ${text}` };
	}

	if (failure.code === 'ECONNECTION' || failure.code === 'EDNS' || failure.command === 'CONN')
		return { kind: 'not-sent', message: `${failure.code ?? 'ECONNECTION'}: ${text}` };
	return { kind: 'lost', message: `${failure.code ?? 'SMTP'}: ${text}` };
}
