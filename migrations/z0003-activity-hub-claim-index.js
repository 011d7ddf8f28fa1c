// Claiming on PostgreSQL reads the worker's own and the global queued activities in available_at order; this
// partial index serves both (only rows still queued are in it, so it stays small).
export async function up(knex) {
	await knex.raw(`CREATE INDEX IF NOT EXISTS activities_queued_owner_idx ON activities (owner, available_at) WHERE status = 'raw'`);
}

export async function down(knex) {
	await knex.raw('DROP INDEX IF EXISTS activities_queued_owner_idx');
}
