// Indexes and unique constraints the schema snapshot cannot express (the queue's partial indexes are in z0003). Versions start with "z" so they sort
// after every core migration; the installer runs them after the snapshot has created the tables.
const INDEXES = [
	// Timeline: WHERE contact = ? ORDER BY occurred_at DESC.
	{ table: 'activities', name: 'activities_timeline_idx', columns: ['contact', 'occurred_at'] },
	{ table: 'activities', name: 'activities_channel_external_id_unique', columns: ['channel', 'external_id'], unique: true },
	{ table: 'contact_identities', name: 'contact_identities_lookup_unique', columns: ['kind', 'value', 'contact'], unique: true },
	{ table: 'contact_identities', name: 'contact_identities_contact_idx', columns: ['contact'] },
	{ table: 'contact_notes', name: 'contact_notes_activity_unique', columns: ['activity'], unique: true },
	{ table: 'contact_notes', name: 'contact_notes_timeline_idx', columns: ['contact', 'date_created'] },
	{ table: 'activity_files', name: 'activity_files_activity_idx', columns: ['activities_id'] },
	{ table: 'agent_preferences', name: 'agent_preferences_user_unique', columns: ['user'], unique: true },
];

export async function up(knex) {
	for (const { table } of INDEXES) {
		if (!(await knex.schema.hasTable(table)))
			throw new Error(`Activity Hub: table ${table} is missing — apply snapshots/activity-hub.json first (npm start does)`);
	}
	for (const index of INDEXES) {
		await knex.schema.alterTable(index.table, (t) => {
			if (index.unique) t.unique(index.columns, { indexName: index.name });
			else t.index(index.columns, index.name);
		});
	}
}

export async function down(knex) {
	for (const index of [...INDEXES].reverse()) {
		await knex.schema.alterTable(index.table, (t) => {
			if (index.unique) t.dropUnique(index.columns, index.name);
			else t.dropIndex(index.columns, index.name);
		});
	}
}
