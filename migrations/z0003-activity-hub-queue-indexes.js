// The queue's indexes are partial: each holds only the rows one query reads (queued, leased, unmatched), so they
// stay small and a claim or completion — which moves a row out of them — maintains as little as possible.
// PostgreSQL claims read each priority tier in (available_at, id) order; a tier needs an index whose WHERE it
// matches exactly, because PostgreSQL cannot take order from an index whose leading column is tested with IS NULL.
const INDEXES = [
	// SQLite claims (one statement over all queued rows) and any queued scan.
	['activities_queued_idx', `(available_at, id) WHERE status = 'raw'`],
	// PostgreSQL tiers: the worker's own, the global, and other owners' queued activities.
	['activities_queued_owner_idx', `(owner, available_at, id) WHERE status = 'raw' AND owner IS NOT NULL`],
	['activities_queued_global_idx', `(available_at, id) WHERE status = 'raw' AND owner IS NULL`],
	['activities_queued_owned_idx', `(available_at, id) WHERE status = 'raw' AND owner IS NOT NULL`],
	// Expired leases: claims and the reaper.
	['activities_leased_idx', `(lease_expires_at) WHERE status = 'processing'`],
	// Re-matching walks unmatched and ambiguous activities by id.
	['activities_unmatched_idx', `(id) WHERE match_status IN ('unmatched', 'ambiguous')`],
];

export async function up(knex) {
	for (const [name, definition] of INDEXES)
		await knex.raw(`CREATE INDEX IF NOT EXISTS ${name} ON activities ${definition}`);
}
