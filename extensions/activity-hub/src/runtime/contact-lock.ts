// One lock between the writes that read the identity index (ingest batches) and the writes that re-point or remove
// contacts (merge, erasure): on PostgreSQL a transaction-scoped advisory lock, shared by ingests and exclusive for a
// merge or erasure, so an ingest that matched a contact about to be merged commits before the merge moves its
// activities, and one that starts during the merge matches after it, on the contact it was merged into. SQLite has a
// single writer: its transactions are serialised anyway.
import type { Knex } from 'knex';
import { dialectOf } from './context.js';

/** 'AHCT' — the advisory lock's key; nothing else in the database uses it. */
const CONTACT_LOCK_KEY = 0x41484354;

export async function lockContacts(trx: Knex.Transaction, mode: 'shared' | 'exclusive') {
	if (dialectOf(trx) !== 'postgres') return;
	const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
	await trx.raw(`SELECT ${fn}(?)`, [CONTACT_LOCK_KEY]);
}
