// Search across everything, the pure part: the request's parameters checked once, the text turned into an FTS5
// expression (SQLite; PostgreSQL parses it with websearch_to_tsquery), the keyset cursor over (score, kind, id), and
// highlights: the database marks matched words with two private-use characters, which become text fragments here —
// never HTML, so Studio shows them as text whatever an e-mail contains.
import { ACTIVITY_TYPES, isActivityType } from './activity.js';
import { InvalidPayloadError } from './errors.js';
import { isUuid } from './ids.js';
import { MAX_SEARCH_PAGE, MAX_SEARCH_QUERY, SEARCH_PAGE } from './limits.js';

/** What the database puts around a matched word in a highlight. */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

/** The fields a highlight names, in the order they are shown. */
export const SEARCH_FIELDS = ['subject', 'content', 'summary', 'transcript', 'sender', 'recipient'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

export type SearchKind = 'activity' | 'note';

export interface SearchCursor {
	/** The score of the last result shown (higher is better). */
	score: number;
	kind: SearchKind;
	id: string;
}

export interface SearchParams {
	q: string;
	contact: string | null;
	type: string | null;
	channel: string | null;
	limit: number;
	after: SearchCursor | null;
}

export interface Fragment {
	text: string;
	match: boolean;
}

export interface Highlight {
	field: SearchField;
	fragments: Fragment[];
}

/** A word as both indexes see one: letters and digits (FTS5's unicode61 splits on everything else). */
const WORD = /[\p{L}\p{N}]+/gu;

export const hasWord = (text: string) => new RegExp(WORD.source, 'u').test(text);

const single = (value: unknown, name: string): string | null => {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value === 'number') return String(value);
	if (typeof value !== 'string') throw new InvalidPayloadError(`${name} must be given once, as text`);
	return value;
};

/** The request's parameters (a query string or a tool's arguments), or INVALID_PAYLOAD naming the first bad one. */
export function searchParams(input: Record<string, unknown>): SearchParams {
	const q = single(input['q'], 'q')?.trim() ?? '';
	if (!q || !hasWord(q)) throw new InvalidPayloadError('q must contain a word to search for');
	if (q.length > MAX_SEARCH_QUERY) throw new InvalidPayloadError(`q may be at most ${MAX_SEARCH_QUERY} characters`);

	const type = single(input['type'], 'type');
	if (type !== null && !isActivityType(type))
		throw new InvalidPayloadError(`type must be one of ${ACTIVITY_TYPES.join(', ')}`);

	const channel = single(input['channel'], 'channel');
	if (channel !== null && !isUuid(channel)) throw new InvalidPayloadError('channel must be a channel id');

	const contact = single(input['contact'], 'contact');
	if (contact !== null && contact.length > 64) throw new InvalidPayloadError('contact must be a contact id');

	const rawLimit = single(input['limit'], 'limit');
	const limit = rawLimit === null ? SEARCH_PAGE : Number(rawLimit);
	if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_PAGE)
		throw new InvalidPayloadError(`limit must be an integer from 1 to ${MAX_SEARCH_PAGE}`);

	return { q, contact, type, channel, limit, after: decodeSearchCursor(single(input['after'], 'after')) };
}

const toBase64Url = (text: string) =>
	btoa(String.fromCharCode(...new TextEncoder().encode(text)))
		.replace(/\+/g, '-')
		.replace(/\//g, '_')
		.replace(/=+$/, '');

const fromBase64Url = (text: string) =>
	new TextDecoder('utf-8', { fatal: true }).decode(
		Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
	);

export const encodeSearchCursor = (cursor: SearchCursor) =>
	toBase64Url(JSON.stringify([cursor.score, cursor.kind, cursor.id]));

export function decodeSearchCursor(value: string | null): SearchCursor | null {
	if (value === null) return null;

	try {
		const [score, kind, id] = JSON.parse(fromBase64Url(value));
		if (typeof score === 'number' && Number.isFinite(score) && (kind === 'activity' || kind === 'note'))
			if (typeof id === 'string' && id.length <= 64) return { score, kind, id };
	} catch {
		// answered below
	}

	throw new InvalidPayloadError('after must be a next cursor a search returned');
}

/**
 * The typed text as an FTS5 expression, with the meaning PostgreSQL's websearch_to_tsquery gives it: words are all
 * required, "quoted words" a phrase, `or` between two terms either, `-word` excluded. Every word is quoted, so no
 * FTS5 operator or column filter can be injected. Null when nothing is left to require.
 */
export function ftsExpression(text: string): string | null {
	const terms: Array<{ words: string[]; not: boolean; or: boolean }> = [];
	let pendingOr = false;

	for (const [, phrase, negation, word] of text.matchAll(/"([^"]*)"?|(-?)([^\s"]+)/g)) {
		const raw = phrase ?? word ?? '';

		if (phrase === undefined && raw.toLowerCase() === 'or' && !negation) {
			pendingOr = terms.length > 0;
			continue;
		}

		const words = raw.match(WORD) ?? [];
		if (!words.length) continue;
		terms.push({ words, not: negation === '-', or: pendingOr && !negation });
		pendingOr = false;
	}

	const quote = (words: string[]) => words.map((w) => `"${w}"`).join(' + ');
	const groups: string[][] = [];
	const excluded: string[] = [];

	for (const term of terms) {
		if (term.not) excluded.push(quote(term.words));
		else if (term.or && groups.length) groups[groups.length - 1]!.push(quote(term.words));
		else groups.push([quote(term.words)]);
	}

	if (!groups.length) return null;
	const required = groups.map((group) => (group.length > 1 ? `(${group.join(' OR ')})` : group[0])).join(' AND ');
	return excluded.length ? `(${required}) NOT (${excluded.join(' OR ')})` : required;
}

/** Text the database marked up → fragments; HTML tags and runs of whitespace are dropped. */
export function fragments(marked: string): Fragment[] {
	const text = marked
		.replace(/<[^>]*>/g, ' ')
		.replace(/&nbsp;/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();

	const out: Fragment[] = [];
	let rest = text;

	while (rest) {
		const start = rest.indexOf(MARK_START);

		if (start < 0) {
			out.push({ text: rest, match: false });
			break;
		}

		if (start > 0) out.push({ text: rest.slice(0, start), match: false });
		const end = rest.indexOf(MARK_END, start);
		const stop = end < 0 ? rest.length : end;
		const matched = rest.slice(start + 1, stop);
		if (matched) out.push({ text: matched, match: true });
		rest = rest.slice(stop + 1);
	}

	// Consecutive fragments of one kind (a tag dropped between two matched parts) read as one.
	return out.reduce<Fragment[]>((joined, fragment) => {
		const last = joined[joined.length - 1];
		if (last && last.match === fragment.match) last.text += fragment.text;
		else joined.push({ ...fragment });
		return joined;
	}, []);
}

/** The highlights of one result: the fields (in SEARCH_FIELDS order) whose marked text holds a match. */
export function highlights(marked: Partial<Record<SearchField, string | null>>): Highlight[] {
	return SEARCH_FIELDS.flatMap((field) => {
		const value = marked[field];
		if (typeof value !== 'string' || !value.includes(MARK_START)) return [];
		const parts = fragments(value);
		return parts.some((part) => part.match) ? [{ field, fragments: parts }] : [];
	});
}
