// Lease tokens are stored only as their SHA-256 (hex), like ingestion keys. Leases in flight when a database is
// upgraded still hold the plaintext token: hash it, so their workers complete as before and no read reveals it.
// In JS because SQLite has no sha256(); idempotent, since a stored hash (64 hex digits) is never hashed again.
import { createHash } from 'node:crypto';

const HASHED = /^[0-9a-f]{64}$/;
const BATCH = 500;

export async function up(knex) {
	let after = null;

	for (;;) {
		const query = knex('activities').where({ status: 'processing' }).whereNotNull('lease_token');
		if (after !== null) query.andWhere('id', '>', after);
		const rows = await query.orderBy('id').limit(BATCH).select('id', 'lease_token');

		for (const row of rows)
			if (!HASHED.test(row.lease_token))
				await knex('activities')
					.where({ id: row.id, lease_token: row.lease_token })
					.update({ lease_token: createHash('sha256').update(row.lease_token, 'utf8').digest('hex') });

		if (rows.length < BATCH) return;
		after = String(rows[rows.length - 1].id);
	}
}
