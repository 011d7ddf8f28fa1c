// Normalisation of the identities we match on: e-mail addresses and phone numbers.
// Exact matching on normalised values only — no fuzzy "last N digits" matching (a +44 number must never
// match a US contact that happens to share its last ten digits).
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

export type IdentityKind = 'email' | 'phone';
export interface Identity {
	kind: IdentityKind;
	value: string;
}

/** One string per identity, for maps and sets ("email:ana@acme.example"). */
export const identityKey = (identity: Identity) => `${identity.kind}:${identity.value}`;

const EMAIL_SHAPE = /^[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[^\s@<>()"',;:]+$/;
// `Name <addr@host>` or `"Name, Jr." <addr@host>`: the address is what is inside the last angle brackets.
const DISPLAY_FORM = /<([^<>]+)>\s*$/;

/** Trim, take the address out of a display-name form, lower-case. `+tags` and dots are kept as they are. */
export function normaliseEmail(input: unknown): string | null {
	if (typeof input !== 'string') return null;
	let text = input.trim();
	if (text.length === 0 || text.length > 320) return null;
	const display = DISPLAY_FORM.exec(text);
	if (display) text = display[1]!.trim();
	text = text.replace(/^mailto:/i, '').toLowerCase();
	return EMAIL_SHAPE.test(text) ? text : null;
}

/**
 * E.164 through libphonenumber-js. `defaultRegion` applies only to numbers written without a country code.
 * Handles `whatsapp:` and `tel:` prefixes; SIP and Twilio `client:` identities are not phone numbers.
 */
export function normalisePhone(input: unknown, defaultRegion?: string): string | null {
	if (typeof input !== 'string' && typeof input !== 'number') return null;
	let text = String(input).trim();
	if (text.length === 0 || text.length > 64) return null;
	text = text.replace(/^(whatsapp|tel):/i, '').trim();
	if (/^(client|sip):/i.test(text) || /[a-z@]/i.test(text.replace(/\s*(ext\.?|x)\s*\d+$/i, ''))) return null;
	const region = defaultRegion ? (defaultRegion.toUpperCase() as CountryCode) : undefined;
	const parsed = parsePhoneNumberFromString(text, region ? { defaultCountry: region } : undefined);
	if (!parsed || !parsed.isPossible()) return null;
	return parsed.number;
}

/** WhatsApp ids (`wa_id`, `from`) are E.164 digits without the leading `+`. */
export function normaliseWhatsAppId(waId: unknown): string | null {
	if (typeof waId !== 'string' || !/^\d{6,17}$/.test(waId)) return normalisePhone(waId);
	return normalisePhone(`+${waId}`);
}

/** Sender/recipient strings seen on activities: an e-mail address (any form) or a phone number. */
export function identityOf(address: unknown, defaultRegion?: string): Identity | null {
	if (typeof address !== 'string') return null;
	const email = address.includes('@') ? normaliseEmail(address) : null;
	if (email) return { kind: 'email', value: email };
	const phone = normalisePhone(address, defaultRegion);
	return phone ? { kind: 'phone', value: phone } : null;
}

/** Split a recipients string such as `a@x.example, "B" <b@y.example>` into addresses. */
export function splitAddressList(list: unknown): string[] {
	if (Array.isArray(list)) return list.flatMap(splitAddressList);
	if (typeof list !== 'string') return [];
	const out: string[] = [];
	let current = '';
	let quoted = false;
	let angle = false;

	for (const char of list) {
		if (char === '"') quoted = !quoted;
		else if (char === '<') angle = true;
		else if (char === '>') angle = false;
		if (char === ',' && !quoted && !angle) {
			if (current.trim()) out.push(current.trim());
			current = '';
		} else current += char;
	}

	if (current.trim()) out.push(current.trim());
	return out;
}

export interface ContactIdentityFields {
	emailFields: string[];
	phoneFields: string[];
}

export interface ExtractedIdentities {
	identities: Identity[];
	warnings: string[];
}

/**
 * Every identity of a contact, from fields that may be plain strings, lists of strings, Atomic CRM style
 * lists (`[{email, type}]`, `[{number, type}]`) or such lists stored as JSON text. A malformed value is
 * skipped with a warning: one bad contact must never break ingestion or indexing.
 */
export function extractContactIdentities(
	contact: Record<string, unknown>,
	fields: ContactIdentityFields,
	defaultRegion?: string,
): ExtractedIdentities {
	const identities = new Map<string, Identity>();
	const warnings: string[] = [];

	const collect = (kind: IdentityKind, field: string, objectKey: 'email' | 'number') => {
		if (!(field in contact)) return;

		for (const raw of listValues(contact[field], objectKey, field, warnings)) {
			const value = kind === 'email' ? normaliseEmail(raw) : normalisePhone(raw, defaultRegion);
			if (value) identities.set(identityKey({ kind, value }), { kind, value });
			else if (raw !== '' && raw != null)
				warnings.push(`${field}: cannot read ${kind} ${JSON.stringify(raw).slice(0, 80)}`);
		}
	};

	for (const field of fields.emailFields) collect('email', field, 'email');
	for (const field of fields.phoneFields) collect('phone', field, 'number');
	return { identities: [...identities.values()], warnings };
}

function listValues(value: unknown, objectKey: string, field: string, warnings: string[]): unknown[] {
	if (value == null || value === '') return [];

	if (typeof value === 'string') {
		const trimmed = value.trim();

		if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
			try {
				return listValues(JSON.parse(trimmed), objectKey, field, warnings);
			} catch {
				warnings.push(`${field}: invalid JSON`);
				return [];
			}
		}

		return [trimmed];
	}

	if (typeof value === 'number') return [String(value)];

	if (Array.isArray(value)) {
		return value.flatMap((entry) => {
			if (typeof entry === 'string' || typeof entry === 'number') return [String(entry)];
			if (entry && typeof entry === 'object' && objectKey in entry)
				return [(entry as Record<string, unknown>)[objectKey]];
			warnings.push(`${field}: skipped an entry that is not a string or {${objectKey}}`);
			return [];
		});
	}

	warnings.push(`${field}: expected a list, found ${typeof value === 'object' ? 'an object' : typeof value}`);
	return [];
}
