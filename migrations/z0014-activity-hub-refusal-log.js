// The refusal log (refused webhooks per channel): a table of the bundle's own, not a Directus collection — it holds
// remote addresses and is read only through the admins' /activity-hub/channels/:id/refusals, so it is neither in the
// schema snapshot nor reachable through /items for anyone but admins. Removed with its channel (ON DELETE CASCADE).
// Its indexes serve the channel setup (newest first), the per-channel cap and the age pruning.
export async function up(knex) {
	if (!(await knex.schema.hasTable('activity_hub_refusals')))
		await knex.schema.createTable('activity_hub_refusals', (table) => {
			table.bigIncrements('id').primary();
			table.uuid('channel').notNullable().references('id').inTable('ingestion_channels').onDelete('CASCADE');
			table.string('provider', 32).notNullable();
			table.timestamp('refused_at', { useTz: true }).notNullable();
			table.integer('status').notNullable();
			table.string('reason', 64).notNullable();
			table.string('remote_address', 64).nullable();
			table.bigInteger('content_length').nullable();
		});

	await knex.raw('CREATE INDEX IF NOT EXISTS activity_hub_refusals_channel_idx ON activity_hub_refusals (channel, id)');
	await knex.raw('CREATE INDEX IF NOT EXISTS activity_hub_refusals_age_idx ON activity_hub_refusals (refused_at)');
}
