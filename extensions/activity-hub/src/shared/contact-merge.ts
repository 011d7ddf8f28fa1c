// Pure parts of merging contacts and finding duplicates: the union of e-mail or phone lists (no duplicates by
// normalised value, the surviving contact's entries first, in the shape they have), and the keys two contacts share
// when they are likely the same person (an address, or the same normalised name and company).
import { extractContactIdentities, type IdentityKind, normaliseEmail, normalisePhone } from './identity.js';

const parseList = (value: unknown): unknown[] | null => {
	if (value == null || value === '') return [];

	if (typeof value === 'string') {
		const text = value.trim();

		if (text.startsWith('[')) {
			try {
				const parsed = JSON.parse(text);
				return Array.isArray(parsed) ? parsed : null;
			} catch {
				return null;
			}
		}

		return [text];
	}

	return Array.isArray(value) ? value : null;
};

const entryValue = (entry: unknown, kind: IdentityKind, region?: string): string | null => {
	let raw: unknown = null;
	if (typeof entry === 'string' || typeof entry === 'number') raw = String(entry);
	else if (entry && typeof entry === 'object')
		raw = (entry as Record<string, unknown>)[kind === 'email' ? 'email' : 'number'];
	return kind === 'email' ? normaliseEmail(raw) : normalisePhone(raw, region);
};

/**
 * The surviving contact's list with every entry of the merged ones whose normalised value it lacks. Entries that
 * cannot be read are kept from the survivor and dropped from the merged ones; a survivor whose field is a single
 * value (not a list) keeps it: `null` means "leave the field as it is".
 */
export function mergeIdentityLists(
	into: unknown,
	from: unknown[],
	kind: IdentityKind,
	region?: string,
): unknown[] | null {
	const list = parseList(into);
	if (list === null || (typeof into === 'string' && !into.trim().startsWith('[') && into.trim() !== '')) return null;
	const seen = new Set(list.map((entry) => entryValue(entry, kind, region)).filter(Boolean));
	const out = [...list];

	for (const value of from) {
		for (const entry of parseList(value) ?? []) {
			const normalised = entryValue(entry, kind, region);
			if (!normalised || seen.has(normalised)) continue;
			seen.add(normalised);
			out.push(entry);
		}
	}

	return out;
}

/** Lower-case, accents folded, punctuation and extra spaces removed: "  José  O'Neil " → "jose oneil". */
export function normaliseName(value: unknown): string {
	if (typeof value !== 'string') return '';

	return value
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s]/gu, '')
		.replace(/\s+/g, ' ')
		.trim();
}

/** What makes two contacts likely duplicates: each address, and the normalised name with the company. */
export function duplicateKeys(
	contact: Record<string, unknown>,
	fields: { emailFields: string[]; phoneFields: string[] },
	region?: string,
): string[] {
	const keys = extractContactIdentities(contact, fields, region).identities.map((i) => `${i.kind}:${i.value}`);
	const name = normaliseName([contact['first_name'], contact['last_name']].filter(Boolean).join(' '));
	const company = normaliseName(contact['company']);
	if (name) keys.push(`name:${name}|${company}`);
	return keys;
}

/** Groups of contact ids that share a key (each group once, ids sorted, largest groups first). */
export function duplicateGroups(
	contacts: Array<{ id: number | string; keys: string[] }>,
): Array<{ reason: string; ids: Array<number | string> }> {
	const byKey = new Map<string, Set<number | string>>();
	for (const { id, keys } of contacts) for (const key of keys) byKey.set(key, (byKey.get(key) ?? new Set()).add(id));
	const seen = new Set<string>();
	const groups: Array<{ reason: string; ids: Array<number | string> }> = [];

	for (const [key, ids] of byKey) {
		if (ids.size < 2) continue;
		const sorted = [...ids].sort((a, b) => String(a).localeCompare(String(b), 'en', { numeric: true }));
		const signature = sorted.join(',');
		if (seen.has(signature)) continue;
		seen.add(signature);
		groups.push({ reason: key, ids: sorted });
	}

	return groups.sort((a, b) => b.ids.length - a.ids.length || a.reason.localeCompare(b.reason));
}
