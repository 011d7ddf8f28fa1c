// The Queue health panel's reads, each served by a partial index that holds only the rows it counts:
// completions per minute over the last hour and the most recent failures.
const INDEXES = [
	['activities_completed_idx', `(completed_at) WHERE status = 'completed'`],
	['activities_failed_idx', `(date_updated) WHERE status = 'failed'`],
];

export async function up(knex) {
	for (const [name, definition] of INDEXES)
		await knex.raw(`CREATE INDEX IF NOT EXISTS ${name} ON activities ${definition}`);
}
