// Outbound messages (replies): the sender's claim and reaper read only messages waiting or being sent, through a
// partial index that holds just those rows; an Idempotency-Key is unique (its hash, with the caller's user).
const INDEXES = [
	['activities_delivery_pending_idx', `(available_at) WHERE delivery_status IN ('queued', 'sending')`, false],
	['activities_idempotency_key_unique', `(idempotency_key) WHERE idempotency_key IS NOT NULL`, true],
];

export async function up(knex) {
	for (const [name, definition, unique] of INDEXES)
		await knex.raw(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${name} ON activities ${definition}`);
}
