// One activity per e-mail across channels, and threads: the UNIQUE index on the normalised Message-ID (partial:
// activities without one — SMS, calls, notes — are not constrained) that makes concurrent deliveries of one message
// from two channels or two providers yield one row, and the index the timeline's thread reads use
// (WHERE thread_key = ? ORDER BY occurred_at). Idempotent (IF NOT EXISTS) and additive.
const INDEXES = [
	`CREATE UNIQUE INDEX IF NOT EXISTS activities_message_id_unique ON activities (message_id) WHERE message_id IS NOT NULL`,
	`CREATE INDEX IF NOT EXISTS activities_thread_idx ON activities (thread_key, occurred_at) WHERE thread_key IS NOT NULL`,
];

export async function up(knex) {
	for (const statement of INDEXES) await knex.raw(statement);
}
