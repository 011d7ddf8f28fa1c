// Mailbox channels (IMAP): one fetched RFC 5322 message → one e-mail draft. Inbox mail is inbound, Sent mail
// outbound (matched on its recipients). The plain text is the message's own, or its HTML reduced to text
// (mailparser); the HTML is kept in the payload. Attachments and inline images become inline files the mailbox
// sync stores under the channel's limits: one over the size or count limit is left out and listed in
// `payload.skipped_attachments`, never refusing the message. Malformed MIME is stored with what parses.
// A mailbox channel takes no webhooks: its adapter refuses every POST.
import { createHash } from 'node:crypto';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import type { Direction } from '../../activity.js';
import { emailIdentity } from '../../threads.js';
import { type ActivityDraft, type ChannelSettings, draftDefaults, IngestError, type ProviderAdapter } from './types.js';

export const imap: ProviderAdapter = {
	accepts: [],
	verify() {
		throw new IngestError(409, 'NOT_A_WEBHOOK_CHANNEL', 'This channel reads a mailbox; it takes no webhooks');
	},
	parse() {
		throw new IngestError(409, 'NOT_A_WEBHOOK_CHANNEL', 'This channel reads a mailbox; it takes no webhooks');
	},
};

export interface MailLimits {
	maxFileBytes: number;
	maxFiles: number;
}

export interface SkippedPart {
	filename: string;
	type: string;
	size: number;
	reason: string;
}

export interface MailSource {
	raw: Buffer;
	direction: Direction;
	folder: string;
	uid: number;
	/** The server's INTERNALDATE: when the Date header is missing or unreadable. */
	internalDate?: Date | null;
}

const MAX_HTML = 1_000_000;
const MAX_TEXT = 100_000;

const addresses = (value: AddressObject | AddressObject[] | undefined) =>
	(Array.isArray(value) ? value : [value]).flatMap((object) => object?.value ?? []);

const formatted = (entry: { name?: string; address?: string }) =>
	entry.name ? `${entry.name} <${entry.address ?? ''}>` : (entry.address ?? '');

/** An id for a message that has no Message-ID: the hash of its bytes (the same copy in any folder has the same). */
export const contentId = (raw: Buffer) => `sha256:${createHash('sha256').update(raw).digest('hex')}`;

/** The draft for one fetched message; `skipped` lists the parts left out. Never throws for a bad message. */
export async function parseMailMessage(
	source: MailSource,
	channel: ChannelSettings,
	limits: MailLimits,
	now: Date,
): Promise<{ draft: ActivityDraft; skipped: SkippedPart[] }> {
	const draft = draftDefaults(channel, now);
	draft.type = 'email';
	draft.direction = source.direction;
	let parsed: ParsedMail | null = null;
	let parseError: string | null = null;

	try {
		parsed = await simpleParser(source.raw, { keepCidLinks: true, skipTextToHtml: true, skipImageLinks: true });
	} catch (error) {
		parseError = error instanceof Error ? error.message : String(error);
	}

	const skipped: SkippedPart[] = [];

	const ids = emailIdentity({
		messageId: parsed?.messageId ?? rawHeader(source.raw, 'message-id'),
		inReplyTo: parsed?.inReplyTo ?? rawHeader(source.raw, 'in-reply-to'),
		references: parsed?.references ?? rawHeader(source.raw, 'references'),
	});

	draft.message_id = ids.message_id;
	draft.external_id = ids.message_id ?? contentId(source.raw);
	draft.thread_key = ids.thread_key ?? draft.external_id;

	const from = addresses(parsed?.from)[0];
	const to = addresses(parsed?.to);
	const cc = addresses(parsed?.cc);
	draft.sender = (from?.address || rawHeader(source.raw, 'from') || '').slice(0, 320) || null;

	draft.recipient =
		[...to, ...cc]
			.map((entry) => entry.address)
			.filter(Boolean)
			.join(', ')
			.slice(0, 10_000) || null;

	draft.subject = (parsed ? parsed.subject : rawHeader(source.raw, 'subject'))?.slice(0, 1000) || null;
	const html = typeof parsed?.html === 'string' ? parsed.html : null;

	draft.content =
		(parsed?.text?.trim() ? parsed.text.trim() : null)?.slice(0, MAX_TEXT) ??
		(parsed ? null : rawBody(source.raw).slice(0, MAX_TEXT) || null);

	const date = parsed?.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null;
	draft.occurred_at = date ?? source.internalDate ?? now;
	const kept: Array<{ filename: string; type: string; size: number; inline: boolean }> = [];

	for (const [index, attachment] of (parsed?.attachments ?? []).entries()) {
		const filename = attachment.filename || `${attachment.related ? 'inline' : 'attachment'}-${index + 1}`;
		const part = { filename, type: attachment.contentType || 'application/octet-stream', size: attachment.size };

		if (attachment.size > limits.maxFileBytes)
			skipped.push({ ...part, reason: `larger than the channel's ${limits.maxFileBytes} byte file limit` });
		else if (draft.inlineFiles.length >= limits.maxFiles)
			skipped.push({ ...part, reason: `more than the channel's ${limits.maxFiles} files` });
		else {
			draft.inlineFiles.push({ filename, type: part.type, content: attachment.content });
			kept.push({ ...part, inline: Boolean(attachment.related) });
		}
	}

	draft.payload = {
		folder: source.folder,
		uid: source.uid,
		html: html ? html.slice(0, MAX_HTML) : null,
		...(html && html.length > MAX_HTML ? { html_truncated: true } : {}),
		attachments: kept,
		...(skipped.length ? { skipped_attachments: skipped } : {}),
		...(parseError ? { parse_error: parseError.slice(0, 500) } : {}),
	};

	draft.metadata = {
		message_id: ids.message_id,
		from_name: from?.name || null,
		to: to.map(formatted),
		cc: cc.map(formatted),
		in_reply_to: parsed?.inReplyTo ?? null,
		mailbox: { folder: source.folder, uid: source.uid },
	};

	return { draft, skipped };
}

/** A header straight from the bytes, for a message mailparser could not read. */
function rawHeader(raw: Buffer, name: string): string | undefined {
	const head =
		raw
			.subarray(0, 65_536)
			.toString('latin1')
			.split(/\r?\n\r?\n/)[0] ?? '';

	const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].+)*)`, 'im').exec(head);
	return match ? match[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : undefined;
}

const rawBody = (raw: Buffer) => {
	const text = raw.subarray(0, MAX_TEXT * 2).toString('utf8');
	const split = text.search(/\r?\n\r?\n/);
	return (split >= 0 ? text.slice(split) : text).trim();
};
