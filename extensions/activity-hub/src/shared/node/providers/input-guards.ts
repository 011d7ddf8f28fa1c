// Guards every body passes before an adapter reads it and every draft passes before it is written: strict UTF-8,
// bounded JSON shape and form size, no NUL characters (PostgreSQL text and jsonb cannot hold them, and they are
// never legitimate in a message), and media URLs within the provider's policy. Each refusal is a 4xx.
import { mediaUrlRefusal } from '../media.js';
import { HubError as IngestError } from '../../errors.js';
import type { ActivityDraft, ActivityUpdate } from './types.js';

export const MAX_JSON_DEPTH = 64;
export const MAX_JSON_NODES = 20_000;
export const MAX_FORM_FIELDS = 1_000;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(body: Buffer): string {
	try {
		return utf8.decode(body);
	} catch {
		throw new IngestError(400, 'INVALID_UTF8', 'The body is not valid UTF-8');
	}
}

/** JSON.parse plus limits on nesting and size, checked without recursion (a hostile body must not blow the stack). */
export function parseJson(body: Buffer): unknown {
	let value: unknown;

	try {
		value = JSON.parse(decodeUtf8(body));
	} catch (error) {
		if (error instanceof IngestError) throw error;
		throw new IngestError(400, 'INVALID_JSON', 'Body is not valid JSON');
	}

	const stack: Array<[unknown, number]> = [[value, 1]];
	let nodes = 0;

	while (stack.length) {
		const [node, depth] = stack.pop()!;
		if (++nodes > MAX_JSON_NODES)
			throw new IngestError(413, 'TOO_MANY_FIELDS', `JSON bodies may hold at most ${MAX_JSON_NODES} values`);
		if (node === null || typeof node !== 'object') continue;
		if (depth > MAX_JSON_DEPTH)
			throw new IngestError(422, 'TOO_DEEP', `JSON may nest at most ${MAX_JSON_DEPTH} levels`);
		for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
	}

	return value;
}

/** application/x-www-form-urlencoded, strictly: malformed percent-escapes or invalid UTF-8 are refused, not replaced. */
export function parseForm(body: Buffer): Array<[string, string]> {
	const text = decodeUtf8(body);
	if (!text) return [];
	const pairs = text.split('&');
	if (pairs.length > MAX_FORM_FIELDS)
		throw new IngestError(413, 'TOO_MANY_FIELDS', `At most ${MAX_FORM_FIELDS} form fields`);

	const decode = (part: string) => {
		try {
			return decodeURIComponent(part.replace(/\+/g, ' '));
		} catch {
			throw new IngestError(400, 'INVALID_FORM', 'The form body has a malformed percent-escape');
		}
	};

	return pairs.filter(Boolean).map((pair) => {
		const at = pair.indexOf('=');
		return at < 0 ? [decode(pair), ''] : [decode(pair.slice(0, at)), decode(pair.slice(at + 1))];
	});
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What no text column can hold faithfully: NUL, or half a UTF-16 surrogate pair (it would be stored as U+FFFD). */
function unstorableText(value: unknown): 'NUL_CHARACTER' | 'LONE_SURROGATE' | null {
	const check = (text: string) => {
		if (text.includes('\u0000')) return 'NUL_CHARACTER';
		return LONE_SURROGATE.test(text) ? 'LONE_SURROGATE' : null;
	};

	const stack = [value];

	while (stack.length) {
		const node = stack.pop();

		if (typeof node === 'string') {
			const problem = check(node);
			if (problem) return problem;
		} else if (node && typeof node === 'object' && !(node instanceof Date) && !Buffer.isBuffer(node)) {
			for (const [key, child] of Object.entries(node)) {
				const problem = check(key);
				if (problem) return problem;
				stack.push(child);
			}
		}
	}

	return null;
}

const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * A draft's text made storable instead of refused, for mail read from a mailbox (no sender to answer with a 422):
 * NUL characters dropped, half surrogate pairs replaced by U+FFFD. Files are left as they are.
 */
export function storableDraft<T extends ActivityDraft>(draft: T): T {
	const clean = (node: unknown): unknown => {
		if (typeof node === 'string') return node.replaceAll('\u0000', '').replace(LONE_SURROGATES, '\ufffd');
		if (Array.isArray(node)) return node.map(clean);
		if (node && typeof node === 'object' && !(node instanceof Date) && !Buffer.isBuffer(node))
			return Object.fromEntries(Object.entries(node).map(([key, child]) => [clean(key), clean(child)]));
		return node;
	};

	const { files, inlineFiles, ...fields } = draft;
	return { ...(clean(fields) as object), files, inlineFiles } as T;
}

/** Refuses a draft the database could not store faithfully or whose media we would not fetch. */
export function assertDraftStorable(draft: ActivityDraft, mediaHosts: string[] | undefined): void {
	const { files: _files, inlineFiles: _inline, ...fields } = draft;
	const problem = unstorableText(fields);
	if (problem === 'NUL_CHARACTER') throw new IngestError(422, problem, 'NUL characters are not accepted in any field');
	if (problem) throw new IngestError(422, problem, 'Text with half a UTF-16 surrogate pair is not valid Unicode');

	for (const item of draft.media) {
		const refusal = mediaHosts ? mediaUrlRefusal(item.url, mediaHosts) : 'this provider has no media hosts';
		if (refusal) throw new IngestError(422, 'MEDIA_URL_REFUSED', `Media URL refused: ${refusal}`);
	}
}

/** The same refusals for a change to a stored activity: its text and its media URLs. */
export function assertUpdateStorable(update: ActivityUpdate, mediaHosts: string[] | undefined): void {
	const { otherwise, media, ...fields } = update;

	assertDraftStorable(
		{ ...(otherwise ?? {}), files: [], inlineFiles: [], media: media ?? [], ...fields } as unknown as ActivityDraft,
		mediaHosts,
	);

	if (otherwise) assertDraftStorable(otherwise, mediaHosts);
}
