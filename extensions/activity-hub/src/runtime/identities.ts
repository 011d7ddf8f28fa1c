// The identity index (kind, normalised value) → contact, and re-matching of orphans when contacts change.
import type { Knex } from 'knex';
import { appendTo } from '../shared/maps.js';
import { extractContactIdentities, type Identity, identityKey } from '../shared/identity.js';
import { type ContactSource, counterpartyIdentities, matchFrom, type MatchResult } from '../shared/matching.js';
import type { Direction } from '../shared/activity.js';

/** Contacts per identity ("kind:value") for a whole batch, in one query. */
export async function lookupIdentities(
	database: Knex,
	identities: Identity[],
): Promise<Map<string, Array<number | string>>> {
	const found = new Map<string, Array<number | string>>();
	const byKind = new Map<string, Set<string>>();
	for (const identity of identities)
		byKind.set(identity.kind, (byKind.get(identity.kind) ?? new Set()).add(identity.value));

	for (const [kind, values] of byKind) {
		const list = [...values];

		for (let i = 0; i < list.length; i += 500) {
			const rows = await database('contact_identities')
				.select('value', 'contact')
				.where({ kind })
				.whereIn('value', list.slice(i, i + 500));

			for (const row of rows) {
				const key = identityKey({ kind: kind as Identity['kind'], value: row.value });
				appendTo(found, key, row.contact);
			}
		}
	}

	return found;
}

export async function matchActivity(
	database: Knex,
	activity: { direction: Direction; sender: string | null; recipient: string | null },
	region?: string,
): Promise<MatchResult> {
	const identities = counterpartyIdentities(activity, region);
	return matchFrom(await lookupIdentities(database, identities), identities);
}

/** Re-index the given contacts (create, update, import); returns their identities. Malformed values are skipped and reported. */
export async function reindexContacts(
	database: Knex,
	source: ContactSource,
	ids: Array<number | string>,
	region: string | undefined,
	warn: (message: string) => void,
): Promise<Identity[]> {
	const indexed: Identity[] = [];
	if (ids.length === 0) return indexed;
	const fields = [source.primaryKey, ...source.emailFields, ...source.phoneFields];

	for (let start = 0; start < ids.length; start += 500) {
		const chunk = ids.slice(start, start + 500);
		const contacts = await database(source.collection).select(fields).whereIn(source.primaryKey, chunk);
		const rows: Array<{ kind: string; value: string; contact: number | string }> = [];

		for (const contact of contacts) {
			const id = contact[source.primaryKey];
			const { identities, warnings } = extractContactIdentities(contact, source, region);
			for (const warning of warnings) warn(`Activity Hub: contact ${id}: ${warning}`);
			for (const identity of identities) rows.push({ ...identity, contact: id });
			indexed.push(...identities);
		}

		await database.transaction(async (trx) => {
			await trx('contact_identities').whereIn('contact', chunk).delete();
			for (let i = 0; i < rows.length; i += 200) await trx('contact_identities').insert(rows.slice(i, i + 200));
		});
	}

	return indexed;
}

/** Index every contact of the source, page by page, and link the orphans it resolves (after an install adopts a collection). */
export async function indexAllContacts(
	database: Knex,
	source: ContactSource,
	region: string | undefined,
	warn: (message: string) => void,
) {
	let indexed = 0;
	let linked = 0;

	for (let after: unknown = null; ;) {
		const query = database(source.collection).select(source.primaryKey).orderBy(source.primaryKey).limit(2000);
		if (after !== null) query.where(source.primaryKey, '>', after as string | number);
		const ids = (await query).map((row: Record<string, string | number>) => row[source.primaryKey]!);
		if (ids.length === 0) return { indexed, linked };
		const identities = await reindexContacts(database, source, ids, region, warn);
		linked += identities.length ? (await rematchOrphans(database, region, identities)).length : 0;
		indexed += ids.length;
		after = ids[ids.length - 1];
	}
}

/**
 * Link unmatched and ambiguous activities that the current index now resolves, in batches. Returns the ids
 * changed, with their new match, so the caller can emit update events.
 */
export async function rematchOrphans(
	database: Knex,
	region: string | undefined,
	onlyFor?: Identity[],
	batchSize = 1000,
): Promise<Array<{ id: string } & MatchResult>> {
	const wanted = onlyFor ? new Set(onlyFor.map(identityKey)) : null;
	const changed: Array<{ id: string } & MatchResult> = [];
	let after: string | null = null;

	for (;;) {
		const query = database('activities')
			.select('id', 'direction', 'sender', 'recipient', 'match_status')
			.whereIn('match_status', ['unmatched', 'ambiguous']);

		if (after !== null) query.andWhere('id', '>', after);

		const batch: Array<{
			id: string;
			direction: Direction;
			sender: string | null;
			recipient: string | null;
			match_status: string;
		}> = await query.orderBy('id').limit(batchSize);

		if (batch.length === 0) break;
		after = batch[batch.length - 1]!.id;

		const relevant = batch
			.map((activity) => ({ activity, identities: counterpartyIdentities(activity, region) }))
			.filter(
				({ identities }) => identities.length > 0 && (!wanted || identities.some((i) => wanted.has(identityKey(i)))),
			);

		// One index lookup for the whole batch of orphans.
		const found = await lookupIdentities(
			database,
			relevant.flatMap(({ identities }) => identities),
		);

		for (const { activity, identities } of relevant) {
			const match = matchFrom(found, identities);
			if (match.match_status === activity.match_status && match.match_status !== 'ambiguous') continue;

			await database('activities')
				.where({ id: activity.id })
				.whereIn('match_status', ['unmatched', 'ambiguous'])
				.update({
					contact: match.contact,
					match_status: match.match_status,
					match_candidates: match.match_candidates ? JSON.stringify(match.match_candidates) : null,
				});

			changed.push({ id: activity.id, ...match });
		}

		if (batch.length < batchSize) break;
	}

	return changed;
}
