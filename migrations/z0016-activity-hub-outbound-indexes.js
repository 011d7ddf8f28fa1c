// Outbound messages (replies): the sender's claim and reaper read only messages waiting or being sent, through a
// partial index that holds just those rows; an Idempotency-Key is unique (its hash, with the caller's user).

/**
 * The pending index's condition. A query names it word for word beside its own status: SQLite uses a partial index
 * only when the query's WHERE has the index's terms (`delivery_status = 'queued'` alone does not imply this IN), and
 * otherwise scans every activity.
 */
export const PENDING_DELIVERY = `delivery_status IN ('queued', 'sending')`;

const INDEXES = [
	['activities_delivery_pending_idx', `(available_at) WHERE ${PENDING_DELIVERY}`, false],
	['activities_idempotency_key_unique', `(idempotency_key) WHERE idempotency_key IS NOT NULL`, true],
];

export async function up(knex) {
	for (const [name, definition, unique] of INDEXES)
		await knex.raw(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${name} ON activities ${definition}`);
}
