// Linking an activity to a contact, optionally adding the activity's counterparty address to the contact so that the
// next message from it matches; and the contact search behind Studio's picker (names, e-mail addresses and phone
// numbers, normalised as the identity index stores them). Both act with the caller's accountability.
import { NotFoundError } from '../shared/errors.js';
import type { Knex } from 'knex';
import { contactLabel } from '../shared/display.js';
import { extractContactIdentities, type Identity, identityOf } from '../shared/identity.js';
import { type ContactSource, counterpartyIdentities, withIdentity } from '../shared/matching.js';
import type { Accountability, HubContext, SchemaOverview } from './context.js';

export interface CallerScope {
	services: HubContext['services'];
	database: Knex;
	schema: SchemaOverview;
	accountability: Accountability | null | undefined;
	source: ContactSource;
	region?: string | undefined;
}

export interface LinkResult {
	id: string;
	contact: number | string;
	match_status: 'matched';
	/** The address added to the contact (`add_address`), null when it was already there or there was none. */
	added_address: Identity | null;
}

export async function linkActivity(
	scope: CallerScope,
	id: string,
	contact: number | string,
	addAddress = false,
): Promise<LinkResult> {
	const { ItemsService } = scope.services;
	const options = { schema: scope.schema, accountability: scope.accountability, knex: scope.database };
	const contacts = new ItemsService(scope.source.collection, options);
	const found = await contacts.readOne(contact).catch(() => null);
	if (!found) throw new NotFoundError('No such contact');
	const activities = new ItemsService('activities', options);
	let added: Identity | null = null;

	if (addAddress) {
		const activity = await activities
			.readOne(id, { fields: ['id', 'direction', 'sender', 'recipient'] })
			.catch(() => null);

		if (!activity) throw new NotFoundError('No such activity');
		const [identity] = counterpartyIdentities(activity as Parameters<typeof counterpartyIdentities>[0], scope.region);

		if (identity) {
			const field = (identity.kind === 'email' ? scope.source.emailFields : scope.source.phoneFields)[0];
			const list = field ? withIdentity(found[field], identity, scope.region) : null;

			if (field && list) {
				// Through the service: the contact's own hooks re-index its identities and re-match orphans.
				await contacts.updateOne(contact, { [field]: list });
				added = identity;
			}
		}
	}

	await activities.updateOne(id, { contact, match_status: 'matched', match_candidates: null });
	return { id, contact, match_status: 'matched', added_address: added };
}

export interface ContactHit {
	id: number | string;
	name: string;
	detail: string;
}

const escapeLike = (text: string) => text.replace(/[!%_]/g, (char) => `!${char}`);

/** Up to `limit` contacts the caller may read whose name, e-mail or phone matches `query`. */
export async function searchContacts(scope: CallerScope, query: string, limit = 10): Promise<ContactHit[]> {
	const text = query.trim();
	if (!text) return [];
	const { ItemsService } = scope.services;

	const service = new ItemsService(scope.source.collection, {
		schema: scope.schema,
		accountability: scope.accountability,
	});

	const byIdentity = new Set<string | number>();
	const exact = identityOf(text, scope.region);

	if (exact)
		for (const row of await scope.database('contact_identities').select('contact').where(exact).limit(limit))
			byIdentity.add(row.contact);

	const digits = text.replace(/\D/g, '');
	const phoneLike = /^[\d\s()+./-]+$/.test(text) && digits.length >= 4;
	let partial: string | null = null;
	if (phoneLike) partial = digits;
	else if (text.length >= 3) partial = text.toLowerCase();

	if (partial)
		for (const row of await scope
			.database('contact_identities')
			.select('contact')
			.whereRaw("value like ? escape '!'", [`%${escapeLike(partial)}%`])
			.limit(limit))
			byIdentity.add(row.contact);

	const primary = scope.source.primaryKey;

	const [named, identified] = await Promise.all([
		service.readByQuery({ search: text, fields: ['*'], limit }),
		byIdentity.size
			? service.readByQuery({ filter: { [primary]: { _in: [...byIdentity] } }, fields: ['*'], limit })
			: [],
	]);

	const seen = new Set<string>();
	const hits: ContactHit[] = [];

	for (const row of [...identified, ...named] as Array<Record<string, unknown>>) {
		const id = row[primary] as number | string;
		if (seen.has(String(id)) || hits.length >= limit) continue;
		seen.add(String(id));
		const { identities } = extractContactIdentities(row, scope.source, scope.region);
		hits.push({ id, name: contactLabel({ ...row, id }), detail: identities.map((i) => i.value).join(', ') });
	}

	return hits;
}
