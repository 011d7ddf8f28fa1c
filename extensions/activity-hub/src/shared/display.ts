// How activities read on screen: plain-text excerpts (email HTML reduced to text, never rendered), relative times,
// phone numbers, durations and local times, and the timeline query for a page and for live rows.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { normalisePhone } from './identity.js';
import { transcriptText } from './transcript.js';
import { uiLocale } from './messages.js';

/** Email bodies may be HTML: reduce to text (scripts and styles dropped, tags removed, common entities decoded). */
export function plainText(value: unknown): string {
	if (typeof value !== 'string') return '';
	if (!/<[a-z!/][^>]*>/i.test(value)) return value;
	return value
		.replace(/<(script|style|head|template)[\s\S]*?<\/\1\s*>/gi, ' ')
		.replace(/<br\s*\/?>|<\/?(p|div|li|tr|h\d)(\s[^>]*)?>/gi, '\n')
		.replace(/<[^>]*>/g, ' ')
		.replace(/&nbsp;/g, ' ')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;|&apos;/g, "'")
		.replace(/&amp;/g, '&')
		.replace(/[ \t]+/g, ' ')
		.replace(/\s*\n\s*/g, '\n')
		.trim();
}

export function excerpt(value: unknown, max = 280): string {
	const text = plainText(value);
	return text.length > max ? `${text.slice(0, max).trimEnd()}…` : text;
}

export function relativeTime(iso: string | null | undefined, now: number, locale = uiLocale()): string {
	if (!iso) return '';
	let seconds = Math.round((now - new Date(iso).getTime()) / 1000);
	if (Number.isNaN(seconds)) return '';
	// The screen's clock ticks every 30 s and servers' clocks drift: a just-arrived row is "now", not "in 1 second".
	if (seconds < 0 && seconds > -300) seconds = 0;
	const [, unit, size] = TIME_UNITS.find(([below]) => Math.abs(seconds) < below)!;
	return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-Math.round(seconds / size), unit);
}

/** [below this many seconds, unit, seconds per unit, fraction digits] for elapsed(). */
const WAIT_UNITS: Array<[number, string, number, number]> = [
	[60, 'second', 1, 0],
	[3600, 'minute', 60, 0],
	[86400, 'hour', 3600, 1],
	[Infinity, 'day', 86400, 1],
];

/** A wait such as the oldest queued activity's, short and in the UI's language: "45 sec", "12 min", "3.5 hr", "2 days". */
export function elapsed(seconds: number, locale = uiLocale()): string {
	const [, unit, size, digits] = WAIT_UNITS.find(([below]) => seconds < below)!;
	const value = Number((seconds / size).toFixed(digits));

	return new Intl.NumberFormat(locale, {
		style: 'unit',
		unit,
		unitDisplay: 'short',
		maximumFractionDigits: digits,
	}).format(value);
}

/** The region of a locale such as `de-DE` (`DE`), the home of numbers shown in national format. */
export const regionOf = (locale: string) => locale.split(/[-_]/)[1]?.toUpperCase();

/**
 * A sender or recipient as people read it: e-mail addresses as they are, phone numbers (stored as E.164, maybe with
 * `whatsapp:`/`tel:`) in national format when they belong to the UI's region and international format otherwise.
 */
export function formatAddress(address: unknown, homeRegion = regionOf(uiLocale())): string {
	if (typeof address !== 'string') return '';
	const text = address.trim();
	const number = text.replace(/^(whatsapp|tel):/i, '');
	if (text.includes('@') || !number.startsWith('+')) return text;
	const parsed = parsePhoneNumberFromString(number);
	if (!parsed?.isPossible()) return text;
	return parsed.country && parsed.country === homeRegion ? parsed.formatNational() : parsed.formatInternational();
}

/** A call's length: `m:ss`, or `h:mm:ss` from an hour on; empty for no or a negative length. */
export function duration(seconds: unknown): string {
	const total = typeof seconds === 'number' ? Math.round(seconds) : Number.NaN;
	if (!Number.isFinite(total) || total < 0) return '';
	const pad = (n: number) => String(n).padStart(2, '0');
	const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
	return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** A moment in the viewer's own time zone and language (the tooltip of a relative time). */
export function localTime(iso: string | null | undefined, locale = uiLocale(), timeZone?: string): string {
	if (!iso) return '';
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return '';

	return new Intl.DateTimeFormat(locale, {
		year: 'numeric',
		month: 'short',
		day: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		timeZoneName: 'short',
		...(timeZone ? { timeZone } : {}),
	}).format(date);
}

/** A contact's name from whichever name fields its collection has, else its first e-mail, else `#id`. */
export function contactLabel(row: Record<string, unknown> | null | undefined): string {
	if (!row) return '';

	const name = [row['first_name'], row['last_name']]
		.filter((part) => typeof part === 'string' && part.trim())
		.join(' ');

	if (name) return name;
	for (const field of ['name', 'title', 'company'])
		if (typeof row[field] === 'string' && (row[field] as string).trim()) return row[field] as string;
	const emails = row['emails'];
	const first = Array.isArray(emails) ? emails[0] : null;
	const email = typeof first === 'string' ? first : (first as { email?: unknown } | null)?.email;
	return typeof email === 'string' && email ? email : `#${String(row['id'] ?? '')}`;
}

/**
 * What a search looks for: the text as typed and, when it reads as a phone number (`+1 202 555 0143`), its E.164 form
 * too, as senders and recipients are stored.
 */
export function searchTerms(search: string | null | undefined): string[] {
	const text = search?.trim();
	if (!text) return [];
	const phone = /^[\d\s()+./-]{6,}$/.test(text) ? normalisePhone(text) : null;
	return phone && phone !== text ? [text, phone] : [text];
}

/** [used below this many seconds, unit, seconds per unit] */
const TIME_UNITS: Array<[number, Intl.RelativeTimeFormatUnit, number]> = [
	[60, 'second', 1],
	[3600, 'minute', 60],
	[86400, 'hour', 3600],
	[86400 * 30, 'day', 86400],
	[86400 * 365, 'month', 86400 * 30],
	[Infinity, 'year', 86400 * 365],
];

export interface TimelineFilters {
	contact?: string | number | null;
	type?: string | null;
	status?: string | null;
	channel?: string | null;
	owner?: string | null;
	search?: string | null;
	/** Keyset paging: rows at or before this time (see nextPage for the offset that skips the ones shown). */
	before?: string | null;
}

/** Filters that match a field exactly, and the fields the text search looks in (server query and live rows alike). */
const EXACT_FILTERS = ['type', 'status', 'channel', 'owner'] as const;
/** What the timeline's search reads; `transcript_text` is the plain text of `processed_data.transcript`. */
const SEARCHED_FIELDS = ['subject', 'content', 'sender', 'recipient', 'transcript_text'] as const;

/** The Directus filter for one timeline page: served by the (contact, occurred_at) index for a contact's page. */
export function timelineFilter(filters: TimelineFilters): Record<string, unknown> {
	const and: Record<string, unknown>[] = [];
	if (filters.contact != null && filters.contact !== '') and.push({ contact: { _eq: filters.contact } });

	for (const field of EXACT_FILTERS) {
		const value = filters[field];
		if (value) and.push({ [field]: { _eq: value } });
	}

	const terms = searchTerms(filters.search);
	if (terms.length)
		and.push({ _or: terms.flatMap((term) => SEARCHED_FIELDS.map((field) => ({ [field]: { _icontains: term } }))) });
	if (filters.before) and.push({ occurred_at: { _lte: filters.before } });
	return and.length ? { _and: and } : {};
}

/**
 * Where the next page starts, sorted by (-occurred_at, -id): at the oldest time shown, skipping the rows already
 * shown at exactly that time. Unlike a plain offset, rows arriving live at the top do not shift the pages.
 */
export function nextPage<T extends object>(
	shown: T[],
	key: keyof T & string = 'occurred_at' as keyof T & string,
): { before: string; offset: number } | null {
	const last = shown.at(-1)?.[key];
	if (typeof last !== 'string') return null;
	return { before: last, offset: shown.filter((row) => row[key] === last).length };
}

/** A timeline page and the activity fields it shows (also what the live subscription asks for). */
export const TIMELINE_PAGE = 50;
export const TIMELINE_FIELDS = [
	'id',
	'type',
	'direction',
	'status',
	'channel',
	'contact',
	'owner',
	'subject',
	'content',
	'sender',
	'recipient',
	'occurred_at',
	'thread_key',
	'last_error',
	'lease_owner',
	'attempts',
	'processed_data',
	'metadata',
	'match_status',
	'match_candidates',
	// Outbound messages: their delivery ticks, failure reason and Retry / Mark as sent follow these live.
	'delivery_status',
	'delivery_error',
	'attachments.directus_files_id.id',
	'attachments.directus_files_id.type',
	'attachments.directus_files_id.filename_download',
];

/** The `/items/activities` query of one timeline page (the UI and the benchmark send exactly this). */
export function timelineQuery(filters: TimelineFilters, after: { before: string; offset: number } | null = null) {
	return {
		filter: timelineFilter({ ...filters, before: after?.before ?? null }),
		sort: ['-occurred_at', '-id'],
		limit: TIMELINE_PAGE,
		offset: after?.offset ?? 0,
		fields: TIMELINE_FIELDS,
	};
}

/** Rows of the next page minus those already shown (keyset pages overlap on equal timestamps). */
export function appendPage<T extends { id: string | number }>(shown: T[], page: T[]): T[] {
	const seen = new Set(shown.map((row) => String(row.id)));
	return [...shown, ...page.filter((row) => !seen.has(String(row.id)))];
}

/** Whether a row (from a live event) belongs on screen under these filters; mirrors timelineFilter. */
export function matchesFilters(row: Record<string, unknown>, filters: TimelineFilters): boolean {
	const same = (a: unknown, b: unknown) => String(a ?? '') === String(b ?? '');
	if (filters.contact != null && filters.contact !== '' && !same(row['contact'], filters.contact)) return false;

	for (const field of EXACT_FILTERS) {
		const value = filters[field];
		if (value && !same(row[field], value)) return false;
	}

	const terms = searchTerms(filters.search).map((term) => term.toLowerCase());
	if (terms.length)
		return SEARCHED_FIELDS.some((field) => {
			// Live rows carry processed_data, not the hidden plain-text column.
			const raw =
				field === 'transcript_text'
					? (row[field] ?? transcriptText((row['processed_data'] as { transcript?: unknown } | null)?.transcript))
					: row[field];

			const value = String(raw ?? '').toLowerCase();
			return terms.some((term) => value.includes(term));
		});
	return true;
}

/** A page of notes and the note fields shown (the activity a note was made from keeps its type, channel and time). */
export const NOTE_PAGE = 50;
export const NOTE_FIELDS = [
	'id',
	'contact',
	'content',
	'author',
	'source',
	'date_created',
	'activity.id',
	'activity.type',
	'activity.direction',
	'activity.channel',
	'activity.occurred_at',
];

/** The `/items/contact_notes` query of one page of a contact's notes, newest first, keyset-paged like activities. */
export function noteQuery(contact: string | number, after: { before: string; offset: number } | null = null) {
	const and: Record<string, unknown>[] = [{ contact: { _eq: contact } }];
	if (after) and.push({ date_created: { _lte: after.before } });
	return {
		filter: { _and: and },
		sort: ['-date_created', '-id'],
		limit: NOTE_PAGE,
		offset: after?.offset ?? 0,
		fields: NOTE_FIELDS,
	};
}
