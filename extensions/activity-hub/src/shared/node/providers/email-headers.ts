// Header reading over the three shapes mail providers post — Mailgun's `message-headers` (JSON list of [name,
// value]), SendGrid's raw `headers` block, Postmark's `Headers` list of {Name, Value} — and the message id and thread
// every e-mail provider stores (shared/threads.ts decides both from Message-ID, In-Reply-To and References).
import { emailIdentity } from '../../threads.js';

/** Looks a header up by name (case-insensitive); undefined when the message has none. */
export type HeaderLookup = (name: string) => string | undefined;

export function headerPairsLookup(json: string | undefined): HeaderLookup {
	let pairs: unknown = [];

	try {
		pairs = json ? JSON.parse(json) : [];
	} catch {
		pairs = [];
	}

	const list = Array.isArray(pairs) ? pairs.filter((entry) => Array.isArray(entry) && entry.length >= 2) : [];

	return (name) => {
		const pair = list.find((entry) => String(entry[0]).toLowerCase() === name.toLowerCase());
		return pair ? String(pair[1]) : undefined;
	};
}

export function rawHeadersLookup(raw: string | undefined): HeaderLookup {
	return (name) => {
		if (!raw) return undefined;
		const escaped = name.replace(/[-]/g, '\\-');
		const match = new RegExp(`^${escaped}:[ \\t]*(.*(?:\\r?\\n[ \\t].+)*)`, 'im').exec(raw);
		return match ? match[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : undefined;
	};
}

export function namedHeadersLookup(list: unknown): HeaderLookup {
	const entries = Array.isArray(list) ? (list as Array<{ Name?: unknown; Value?: unknown }>) : [];

	return (name) => {
		const entry = entries.find((item) => String(item?.Name ?? '').toLowerCase() === name.toLowerCase());
		return entry && entry.Value != null ? String(entry.Value) : undefined;
	};
}

/** The first lookup that knows a header wins (a provider's own field, then its header block). */
export const firstOf =
	(...lookups: HeaderLookup[]): HeaderLookup =>
	(name) => {
		for (const lookup of lookups) {
			const value = lookup(name);
			if (value !== undefined && value !== '') return value;
		}

		return undefined;
	};

/** The normalised Message-ID and the thread key of an e-mail, from its headers. */
export const emailIds = (header: HeaderLookup) =>
	emailIdentity({
		messageId: header('message-id'),
		inReplyTo: header('in-reply-to'),
		references: header('references'),
	});

export function messageIdFromHeaderPairs(json: string | undefined): string | null {
	return cleanMessageId(headerPairsLookup(json)('message-id'));
}

export function messageIdFromRawHeaders(raw: string | undefined): string | null {
	return cleanMessageId(rawHeadersLookup(raw)('message-id'));
}

/** The Message-ID as the provider wrote it (the channel's external_id, unchanged since 0.1.0). */
const cleanMessageId = (value: string | undefined) => (value ?? '').trim().slice(0, 255) || null;
