// Message identity and conversations, defined once: the normalised RFC 5322 Message-ID that makes one activity per
// e-mail across channels (`activities.message_id`, unique), and the `thread_key` that groups a conversation — for
// e-mail from the References/In-Reply-To headers (never the subject), for SMS and WhatsApp per channel and
// counterparty. Pure: every provider adapter and the mailbox sync derive both through these functions.
import type { ActivityType } from './activity.js';
import { appendTo } from './maps.js';

/** The longest id the columns hold (the schema's max_length for message_id and thread_key). */
export const MESSAGE_ID_MAX = 255;

const BRACKETED = /<([^<>\s]*)>/g;

/**
 * One Message-ID as stored: the text inside the first angle brackets (or the bare token when a provider dropped
 * them), without whitespace or comments, its domain part lower-cased (the local part is kept: it is case-sensitive).
 */
export function normaliseMessageId(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	return messageIdList(value)[0] ?? null;
}

/** Every Message-ID in a header value (References lists several), in order, normalised and without repeats. */
export function messageIdList(value: unknown): string[] {
	if (Array.isArray(value)) return dedupe(value.flatMap((item) => messageIdList(item)));
	if (typeof value !== 'string') return [];
	const text = value.replace(/\([^()]*\)/g, ' ').trim();
	if (!text) return [];
	const bracketed = [...text.matchAll(BRACKETED)].map((match) => match[1]!);
	const ids = bracketed.length ? bracketed : text.split(/[\s,]+/);
	return dedupe(ids.map(cleanId).filter((id): id is string => id !== null));
}

function cleanId(raw: string): string | null {
	const id = raw.replace(/^<|>$/g, '').trim();
	if (!id || /\s/.test(id)) return null;
	const at = id.lastIndexOf('@');
	const normal = at > 0 ? `${id.slice(0, at)}@${id.slice(at + 1).toLowerCase()}` : id;
	return normal.length <= MESSAGE_ID_MAX ? normal : null;
}

const dedupe = (ids: string[]) => [...new Set(ids)];

export interface EmailHeaders {
	messageId?: unknown;
	inReplyTo?: unknown;
	references?: unknown;
}

/** The thread an e-mail belongs to: the first id of References, else In-Reply-To, else its own id. */
export function emailThreadKey(headers: EmailHeaders): string | null {
	return (
		messageIdList(headers.references)[0] ??
		normaliseMessageId(headers.inReplyTo) ??
		normaliseMessageId(headers.messageId) ??
		null
	);
}

/** What an e-mail draft carries: its normalised id and its thread. */
export function emailIdentity(headers: EmailHeaders): { message_id: string | null; thread_key: string | null } {
	const messageId = normaliseMessageId(headers.messageId);
	return { message_id: messageId, thread_key: emailThreadKey({ ...headers, messageId }) };
}

/** Types whose conversation is the channel and the other party (no headers to thread on). */
export const CONVERSATION_TYPES: readonly ActivityType[] = ['sms', 'whatsapp'];

/** The conversation key of an SMS or WhatsApp message: per channel and (normalised) counterparty. */
export function conversationKey(type: ActivityType, channelId: string, counterparty: string | null): string | null {
	if (!CONVERSATION_TYPES.includes(type) || !counterparty) return null;
	return `${type}:${channelId}:${counterparty}`.slice(0, MESSAGE_ID_MAX);
}

/** A timeline row as the grouping reads it. */
export interface ThreadRow {
	id: string;
	type: string;
	thread_key?: string | null;
	occurred_at: string;
	sender: string | null;
	recipient: string | null;
}

export type TimelineEntry<T extends ThreadRow> =
	| { kind: 'single'; key: string; activity: T }
	| {
			kind: 'thread';
			key: string;
			/** Newest first, as the timeline lists them. */
			activities: T[];
			latest: T;
			count: number;
			/** Addresses of everyone in the thread (senders first), lower-cased, without repeats. */
			participants: string[];
	  };

const addressesOf = (value: string | null) =>
	(value ?? '')
		.split(',')
		.map((part) => (/<([^<>]+)>\s*$/.exec(part)?.[1] ?? part).trim().toLowerCase())
		.filter(Boolean);

/**
 * The dual timeline's entries: e-mails that share a thread_key become one thread entry, at the place of its newest
 * message (rows come newest first); everything else stays a single entry. Only what is loaded is grouped: older
 * messages of a thread join it as their page loads.
 */
export function timelineEntries<T extends ThreadRow>(rows: T[]): Array<TimelineEntry<T>> {
	const threads = new Map<string, T[]>();

	for (const row of rows) if (row.type === 'email' && row.thread_key) appendTo(threads, row.thread_key, row);

	const entries: Array<TimelineEntry<T>> = [];
	const placed = new Set<string>();

	for (const row of rows) {
		const members = row.type === 'email' && row.thread_key ? threads.get(row.thread_key)! : null;

		if (!members || members.length < 2) {
			entries.push({ kind: 'single', key: row.id, activity: row });
			continue;
		}

		if (placed.has(row.thread_key!)) continue;
		placed.add(row.thread_key!);
		const sorted = [...members].sort((a, b) => b.occurred_at.localeCompare(a.occurred_at));

		const participants = [
			...new Set([...sorted.flatMap((m) => addressesOf(m.sender)), ...sorted.flatMap((m) => addressesOf(m.recipient))]),
		];

		entries.push({
			kind: 'thread',
			key: `thread:${row.thread_key}`,
			activities: sorted,
			latest: sorted[0]!,
			count: sorted.length,
			participants,
		});
	}

	return entries;
}
