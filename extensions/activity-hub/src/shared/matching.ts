// Who an activity is about, and what several or no matching contacts mean. Pure: the lookup is injected.
import type { Direction, MatchStatus } from './activity.js';
import { extractContactIdentities, type Identity, identityKey, identityOf, splitAddressList } from './identity.js';
import { CONFIG_DEFAULTS, readConfig } from './config.js';

/** The counterparty: the sender of an inbound activity, the recipients of an outbound one. */
export function counterpartyIdentities(
	activity: { direction: Direction; sender: string | null; recipient: string | null },
	defaultRegion?: string,
): Identity[] {
	const addresses = activity.direction === 'inbound' ? [activity.sender] : splitAddressList(activity.recipient ?? '');
	const seen = new Map<string, Identity>();

	for (const address of addresses) {
		const identity = identityOf(address, defaultRegion);
		if (identity) seen.set(identityKey(identity), identity);
	}

	return [...seen.values()];
}

export interface MatchResult {
	contact: number | string | null;
	match_status: MatchStatus;
	match_candidates: Array<number | string> | null;
}

/** One contact → matched; none → unmatched; several → ambiguous with the candidates, never a guess. */
export function resolveMatch(contacts: Array<number | string>): MatchResult {
	const unique = [...new Set(contacts)].sort((a, b) => String(a).localeCompare(String(b), 'en', { numeric: true }));
	if (unique.length === 1) return { contact: unique[0]!, match_status: 'matched', match_candidates: null };
	if (unique.length === 0) return { contact: null, match_status: 'unmatched', match_candidates: null };
	return { contact: null, match_status: 'ambiguous', match_candidates: unique };
}

/** The match for an activity's identities, given contacts found per identity key. */
export function matchFrom(found: Map<string, Array<number | string>>, identities: Identity[]): MatchResult {
	return resolveMatch(identities.flatMap((identity) => found.get(identityKey(identity)) ?? []));
}

export interface ContactSource {
	collection: string;
	/** Its primary key field (read from the schema at start; `id` until then). */
	primaryKey: string;
	emailFields: string[];
	phoneFields: string[];
}

/** Which collection and fields hold contacts' emails and phones (teams may have their own). A fresh object. */
export function contactSource(env: Record<string, unknown>): ContactSource {
	const { contacts } = readConfig(env);

	return {
		collection: contacts.collection,
		primaryKey: 'id',
		emailFields: [...(contacts.emailFields ?? CONFIG_DEFAULTS.ACTIVITY_HUB_CONTACT_EMAIL_FIELDS)],
		phoneFields: [...(contacts.phoneFields ?? CONFIG_DEFAULTS.ACTIVITY_HUB_CONTACT_PHONE_FIELDS)],
	};
}

/**
 * The contact to create for an unknown sender when a channel's policy asks for it: the identity we matched on,
 * and a name from the display-name form (`Ana Ruiz <ana@x>`) or the provider's profile name when there is one.
 */
export function contactForUnknownSender(sender: string | null, identity: Identity, profileName?: string | null) {
	const display = profileName?.trim() || (sender && /^\s*"?([^"<]+?)"?\s*</.exec(sender)?.[1]?.trim()) || '';
	const [first, ...rest] = display.split(/\s+/).filter(Boolean);
	return {
		first_name: first ?? (identity.kind === 'email' ? identity.value.split('@')[0]! : identity.value),
		last_name: rest.length ? rest.join(' ') : null,
		emails: identity.kind === 'email' ? [{ email: identity.value, type: 'other' }] : [],
		phones: identity.kind === 'phone' ? [{ number: identity.value, type: 'other' }] : [],
	};
}

/**
 * A contact's e-mail or phone list with one more identity, in the shape its entries have (`{email, type}`,
 * `{number, type}` or plain strings); null when the identity is already there or the field is not a list (a single
 * value is the team's to change).
 */
export function withIdentity(value: unknown, identity: Identity, defaultRegion?: string): unknown[] | null {
	const fields =
		identity.kind === 'email' ? { emailFields: ['f'], phoneFields: [] } : { emailFields: [], phoneFields: ['f'] };

	const present = extractContactIdentities({ f: value }, fields, defaultRegion).identities;
	if (present.some((known) => known.value === identity.value)) return null;
	let list: unknown = value == null || value === '' ? [] : value;

	if (typeof list === 'string' && list.trim().startsWith('[')) {
		try {
			list = JSON.parse(list);
		} catch {
			return null;
		}
	}

	if (!Array.isArray(list)) return null;
	const strings = list.length > 0 && list.every((entry) => typeof entry === 'string');
	const key = identity.kind === 'email' ? 'email' : 'number';
	return [...list, strings ? identity.value : { [key]: identity.value, type: 'other' }];
}

/** A meeting's attendees as identities, in the provider's order, each once. */
export function attendeeIdentities(addresses: string[], defaultRegion?: string): Identity[] {
	const seen = new Map<string, Identity>();

	for (const address of addresses) {
		const identity = identityOf(address, defaultRegion);
		if (identity && !seen.has(identityKey(identity))) seen.set(identityKey(identity), identity);
	}

	return [...seen.values()];
}

/**
 * A meeting is matched on every external attendee, and stays one activity: linked to the first attendee (in the
 * provider's order) who is exactly one contact, with every contact found listed in match_candidates when there are
 * several. An attendee address shared by several contacts links none of them (never a guess) but lists them; when
 * no attendee is exactly one contact and several were found, the meeting is ambiguous as any activity would be.
 */
export function matchAttendees(found: Map<string, Array<number | string>>, identities: Identity[]): MatchResult {
	const all: Array<number | string> = [];
	let first: number | string | null = null;

	for (const identity of identities) {
		const contacts = [...new Set(found.get(identityKey(identity)) ?? [])];
		if (first === null && contacts.length === 1) first = contacts[0]!;
		for (const contact of contacts) if (!all.includes(contact)) all.push(contact);
	}

	if (first === null) return resolveMatch(all);
	return { contact: first, match_status: 'matched', match_candidates: all.length > 1 ? all : null };
}
