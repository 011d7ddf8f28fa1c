// Indexes and unique constraints the schema snapshot cannot express (the queue's partial indexes are in z0003).
// An install step: the bundle's installer runs it once, after the snapshot has created the tables; IF NOT EXISTS
// keeps it a no-op on databases where 0.1.0 already made these (as a unique constraint of the same name on PostgreSQL).
const INDEXES = [
	// Timeline: WHERE contact = ? ORDER BY occurred_at DESC.
	{ table: 'activities', name: 'activities_timeline_idx', columns: ['contact', 'occurred_at'] },
	{
		table: 'activities',
		name: 'activities_channel_external_id_unique',
		columns: ['channel', 'external_id'],
		unique: true,
	},
	{
		table: 'contact_identities',
		name: 'contact_identities_lookup_unique',
		columns: ['kind', 'value', 'contact'],
		unique: true,
	},
	{ table: 'contact_identities', name: 'contact_identities_contact_idx', columns: ['contact'] },
	{ table: 'contact_notes', name: 'contact_notes_activity_unique', columns: ['activity'], unique: true },
	{ table: 'contact_notes', name: 'contact_notes_timeline_idx', columns: ['contact', 'date_created'] },
	{ table: 'activity_files', name: 'activity_files_activity_idx', columns: ['activities_id'] },
	{ table: 'agent_preferences', name: 'agent_preferences_user_unique', columns: ['user'], unique: true },
];

export async function up(knex) {
	for (const index of INDEXES) {
		const columns = index.columns.map(() => '??').join(', ');

		await knex.raw(`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ?? ON ?? (${columns})`, [
			index.name,
			index.table,
			...index.columns,
		]);
	}
}
