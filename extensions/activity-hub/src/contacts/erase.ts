// Erasure on request (GDPR Art. 17): the contact, its activities (those linked to it and unmatched ones from its
// addresses), their notes, attachments (rows and stored bytes), its identities, and the rows of Directus's revisions
// and activity log about any of them — then one audit entry (who, when, counts; no personal data). Refused with 409
// while one of its activities is leased. One transaction under the exclusive contact lock; files after its commit.
import type { Knex } from 'knex';
import { ContactLeasedError, NotFoundError } from '../shared/errors.js';
import { identityKey } from '../shared/identity.js';
import { counterpartyIdentities, resolveMatch } from '../shared/matching.js';
import { QUEUE_STATES } from '../queue/index.js';
import { lockContacts } from '../runtime/contact-lock.js';
import { dbTime } from '../runtime/context.js';
import { emitDeleted, emitUpdated } from '../runtime/events.js';
import { chunked, type ContactScope, parseCandidates, sameId } from './scope.js';

type Id = number | string;

export interface ErasureCounts {
	activities: number;
	notes: number;
	files: number;
	identities: number;
	revisions: number;
	activity_log: number;
	match_candidates: number;
}

/** Rows of directus_revisions and directus_activity about the given items. */
async function eraseHistory(trx: Knex.Transaction, items: Array<{ collection: string; ids: Id[] }>) {
	let revisions = 0;
	let log = 0;

	for (const { collection, ids } of items) {
		const keys = ids.map(String);

		await chunked(keys, async (chunk) => {
			const activity = (await trx('directus_activity').where({ collection }).whereIn('item', chunk).select('id')).map(
				(row: { id: Id }) => row.id,
			);

			// Revisions about the items, and any revision of the activity rows about them (nested writes).
			revisions += Number(await trx('directus_revisions').where({ collection }).whereIn('item', chunk).delete());

			for (let i = 0; i < activity.length; i += 500)
				revisions += Number(
					await trx('directus_revisions')
						.whereIn('activity', activity.slice(i, i + 500))
						.delete(),
				);

			for (let i = 0; i < activity.length; i += 500)
				log += Number(
					await trx('directus_activity')
						.whereIn('id', activity.slice(i, i + 500))
						.delete(),
				);

			return [];
		});
	}

	return { revisions, log };
}

export async function eraseContact(scope: ContactScope, id: Id, who: string) {
	const { database, source, region } = scope;
	const pk = source.primaryKey;
	let fileIds: string[] = [];
	let activityIds: string[] = [];
	let noteIds: Id[] = [];
	const resolved: Array<{ id: string } & ReturnType<typeof resolveMatch>> = [];

	const counts = await database.transaction(async (trx): Promise<ErasureCounts> => {
		await lockContacts(trx, 'exclusive');
		const contact = await trx(source.collection).where(pk, id).first();
		if (!contact) throw new NotFoundError('No such contact');
		const contactId = contact[pk] as Id;

		const identities = await trx('contact_identities').where({ contact: contactId }).select('id', 'kind', 'value');
		const own = new Set(identities.map((row: { kind: 'email' | 'phone'; value: string }) => identityKey(row)));
		const linked = await trx('activities').where({ contact: contactId }).select('id', 'status');

		if (linked.some((row: { status: string }) => row.status === QUEUE_STATES.processing))
			throw new ContactLeasedError();

		// Orphans from its addresses are its activities too; ambiguous ones lose it from their candidates.
		const orphans = await trx('activities')
			.whereIn('match_status', ['unmatched', 'ambiguous'])
			.whereNull('contact')
			.select('id', 'status', 'direction', 'sender', 'recipient', 'match_status', 'match_candidates');

		const fromItsAddresses: string[] = [];

		for (const row of orphans) {
			const candidates = parseCandidates(row.match_candidates);

			if (row.match_status === 'ambiguous' && candidates.some((c) => sameId(c, contactId))) {
				resolved.push({ id: row.id, ...resolveMatch(candidates.filter((c) => !sameId(c, contactId))) });
				continue;
			}

			const theirs = counterpartyIdentities(row, region);

			if (row.match_status === 'unmatched' && theirs.length > 0 && theirs.every((i) => own.has(identityKey(i)))) {
				if (row.status === QUEUE_STATES.processing) throw new ContactLeasedError();
				fromItsAddresses.push(row.id);
			}
		}

		activityIds = [...linked.map((row: { id: string }) => row.id), ...fromItsAddresses];

		const junction = await chunked(activityIds, (chunk) =>
			trx('activity_files').whereIn('activities_id', chunk).select('id', 'directus_files_id'),
		);

		const candidateFiles = [...new Set(junction.map((row: { directus_files_id: string }) => row.directus_files_id))];

		// A file another activity also holds stays (with that activity).
		const shared = new Set(
			(
				await chunked(candidateFiles, (chunk) =>
					trx('activity_files')
						.whereIn('directus_files_id', chunk)
						.whereNotIn(
							'id',
							junction.map((row: { id: Id }) => row.id),
						)
						.select('directus_files_id'),
				)
			).map((row: { directus_files_id: string }) => row.directus_files_id),
		);

		fileIds = candidateFiles.filter((file) => !shared.has(file));

		noteIds = (await trx('contact_notes').where({ contact: contactId }).select('id')).map((row: { id: Id }) => row.id);

		const history = await eraseHistory(trx, [
			{ collection: source.collection, ids: [contactId] },
			{ collection: 'activities', ids: activityIds },
			{ collection: 'contact_notes', ids: noteIds },
			{ collection: 'activity_files', ids: junction.map((row: { id: Id }) => row.id) },
			{ collection: 'directus_files', ids: fileIds },
			{ collection: 'contact_identities', ids: identities.map((row: { id: Id }) => row.id) },
		]);

		for (const change of resolved)
			await trx('activities')
				.where({ id: change.id })
				.update({
					contact: change.contact,
					match_status: change.match_status,
					match_candidates: change.match_candidates ? JSON.stringify(change.match_candidates) : null,
				});

		await chunked(noteIds, async (chunk) => [await trx('contact_notes').whereIn('id', chunk).delete()]);
		await chunked(activityIds, async (chunk) => [await trx('activity_files').whereIn('activities_id', chunk).delete()]);
		await chunked(activityIds, async (chunk) => [await trx('activities').whereIn('id', chunk).delete()]);
		await trx('contact_identities').where({ contact: contactId }).delete();
		await trx(source.collection).where(pk, contactId).delete();

		const erased: ErasureCounts = {
			activities: activityIds.length,
			notes: noteIds.length,
			files: fileIds.length,
			identities: identities.length,
			revisions: history.revisions,
			activity_log: history.log,
			match_candidates: resolved.length,
		};

		// The audit entry: an activity-log row for the deletion with a revision holding only the counts.
		const [logged] = await trx('directus_activity')
			.insert({
				action: 'delete',
				user: who,
				timestamp: dbTime(trx, new Date()),
				collection: source.collection,
				item: String(contactId),
				origin: 'activity-hub:erase',
			})
			.returning('id');

		await trx('directus_revisions').insert({
			activity: typeof logged === 'object' ? (logged as { id: Id }).id : logged,
			collection: source.collection,
			item: String(contactId),
			data: JSON.stringify({ erased: true, erased_by: who, ...erased }),
			delta: null,
		});

		return erased;
	});

	// The stored bytes (and Directus's transformed copies) with the file rows, through Directus's FilesService.
	if (fileIds.length) {
		const files = new scope.services.FilesService({ schema: scope.schema, accountability: null, knex: database });
		await files.deleteMany(fileIds);

		// FilesService logs its own deletions (ids only); nothing of the file's name or metadata remains.
		await database.transaction((trx) => eraseHistory(trx, [{ collection: 'directus_files', ids: fileIds }]));
	}

	const events = { database, schema: scope.schema, accountability: null };
	emitDeleted('activities', activityIds, events);
	emitDeleted('contact_notes', noteIds, events);
	emitDeleted(source.collection, [id], events);

	for (const change of resolved)
		emitUpdated(
			'activities',
			[change.id],
			{ contact: change.contact, match_status: change.match_status, match_candidates: change.match_candidates },
			events,
		);

	scope.logger.info(`Activity Hub: erased contact ${id} by ${who} (${JSON.stringify(counts)})`);
	return { id, erased: true, counts };
}
