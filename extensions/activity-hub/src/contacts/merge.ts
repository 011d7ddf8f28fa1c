// Merging duplicate contacts: everything of `from` moves onto `into` (activities, notes — attachments travel with
// their activities —, identities, the candidates of ambiguous activities), the e-mail and phone lists are joined
// without duplicates, and the merged contacts are deleted; all in one transaction under the exclusive contact lock,
// so an ingest or a completion running beside it ends up on `into` (runtime/contact-lock.ts). `dryRun` counts what
// would move and writes nothing; repeating a merge finds nothing left to move.
import { mergeIdentityLists } from '../shared/contact-merge.js';
import { NotFoundError } from '../shared/errors.js';
import { resolveMatch } from '../shared/matching.js';
import { lockContacts } from '../runtime/contact-lock.js';
import { dbTime, dialectOf } from '../runtime/context.js';
import { emitDeleted, emitUpdated } from '../runtime/events.js';
import { reindexContacts } from '../runtime/identities.js';
import { chunked, type ContactScope, parseCandidates, sameId } from './scope.js';

type Id = number | string;

export interface MergeCounts {
	activities: number;
	notes: number;
	attachments: number;
	identities: number;
	match_candidates: number;
	emails_added: number;
	phones_added: number;
}

export interface MergeResult {
	into: Id;
	/** The contacts merged (and deleted, unless dry_run); those already gone are not listed. */
	merged: Id[];
	dry_run: boolean;
	counts: MergeCounts;
}

export async function mergeContacts(scope: ContactScope, into: Id, from: Id[], dryRun: boolean): Promise<MergeResult> {
	const { database, source, region } = scope;
	const pk = source.primaryKey;

	const moved = {
		activities: [] as string[],
		notes: [] as Id[],
		candidates: [] as Array<{ id: string } & ReturnType<typeof resolveMatch>>,
	};

	const result = await database.transaction(async (trx) => {
		await lockContacts(trx, 'exclusive');
		const target = await trx(source.collection).where(pk, into).first();
		if (!target) throw new NotFoundError('No such contact to merge into');
		const others = from.filter((id) => !sameId(id, into));

		// Their rows locked (PostgreSQL): nothing can newly refer to them until they are gone.
		const locked = () => {
			const query = trx(source.collection).whereIn(pk, others).select('*');
			return dialectOf(trx) === 'postgres' ? query.forUpdate() : query;
		};

		const merged = others.length ? await locked() : [];
		const ids: Id[] = merged.map((row: Record<string, Id>) => row[pk]!);

		const counts: MergeCounts = {
			activities: 0,
			notes: 0,
			attachments: 0,
			identities: 0,
			match_candidates: 0,
			emails_added: 0,
			phones_added: 0,
		};

		if (ids.length === 0) return { into, merged: [], dry_run: dryRun, counts };

		const activities = await chunked(ids, (chunk) => trx('activities').whereIn('contact', chunk).select('id'));
		moved.activities = activities.map((row: { id: string }) => row.id);
		const notes = await chunked(ids, (chunk) => trx('contact_notes').whereIn('contact', chunk).select('id'));
		moved.notes = notes.map((row: { id: Id }) => row.id);

		const attachments = await chunked(moved.activities, (chunk) =>
			trx('activity_files').whereIn('activities_id', chunk).select('id'),
		);

		const identities = await chunked(ids, (chunk) => trx('contact_identities').whereIn('contact', chunk).select('id'));
		const ambiguous = await trx('activities').where({ match_status: 'ambiguous' }).select('id', 'match_candidates');

		for (const row of ambiguous as Array<{ id: string; match_candidates: unknown }>) {
			const candidates = parseCandidates(row.match_candidates);
			if (!candidates.some((c) => ids.some((id) => sameId(id, c)))) continue;
			const next = candidates.map((c) => (ids.some((id) => sameId(id, c)) ? into : c));
			moved.candidates.push({ id: row.id, ...resolveMatch(next) });
		}

		const lists: Record<string, unknown[]> = {};

		for (const [kind, fields] of [
			['email', source.emailFields],
			['phone', source.phoneFields],
		] as const) {
			for (const field of fields) {
				if (!(field in target)) continue;

				const joined = mergeIdentityLists(
					target[field],
					merged.map((row: Record<string, unknown>) => row[field]),
					kind,
					region,
				);

				const before = mergeIdentityLists(target[field], [], kind, region)?.length ?? 0;
				if (!joined || joined.length === before) continue;
				lists[field] = joined;
				counts[kind === 'email' ? 'emails_added' : 'phones_added'] += joined.length - before;
			}
		}

		Object.assign(counts, {
			activities: moved.activities.length,
			notes: moved.notes.length,
			attachments: attachments.length,
			identities: identities.length,
			match_candidates: moved.candidates.length,
		});

		if (dryRun) return { into, merged: ids, dry_run: true, counts };

		// Activities first: a completion holding one of them writes its note after this, on `into` (or before, and the
		// notes' move below takes it along).
		await chunked(moved.activities, async (chunk) => [
			await trx('activities')
				.whereIn('id', chunk)
				.update({ contact: into, date_updated: dbTime(trx, new Date()) }),
		]);

		await chunked(ids, async (chunk) => [
			await trx('contact_notes').whereIn('contact', chunk).update({ contact: into }),
		]);

		for (const change of moved.candidates)
			await trx('activities')
				.where({ id: change.id })
				.update({
					contact: change.contact,
					match_status: change.match_status,
					match_candidates: change.match_candidates ? JSON.stringify(change.match_candidates) : null,
				});

		const update: Record<string, unknown> = {};
		for (const [field, list] of Object.entries(lists)) update[field] = JSON.stringify(list);
		if ('date_updated' in target) update['date_updated'] = dbTime(trx, new Date());
		if (Object.keys(update).length) await trx(source.collection).where(pk, into).update(update);

		await chunked(ids, async (chunk) => [await trx('contact_identities').whereIn('contact', chunk).delete()]);
		await chunked(ids, async (chunk) => [await trx(source.collection).whereIn(pk, chunk).delete()]);
		await reindexContacts(trx, source, [into], region, (message) => scope.logger.warn(message));
		return { into, merged: ids, dry_run: false, counts };
	});

	if (result.dry_run || result.merged.length === 0) return result;
	const events = { database, schema: scope.schema, accountability: null };
	emitUpdated('activities', moved.activities, { contact: into }, events);

	for (const change of moved.candidates)
		emitUpdated(
			'activities',
			[change.id],
			{ contact: change.contact, match_status: change.match_status, match_candidates: change.match_candidates },
			events,
		);

	emitUpdated('contact_notes', moved.notes, { contact: into }, events);
	emitUpdated(source.collection, [into], {}, events);
	emitDeleted(source.collection, result.merged, events);
	// Orphans the joined addresses now resolve.
	await scope.index.reindexNow([into]);
	return result;
}
