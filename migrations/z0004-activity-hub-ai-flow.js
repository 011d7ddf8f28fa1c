// The shipped flow "Activity Hub: summarise with AI": on a schedule, claim a batch of queued activities and have an
// OpenAI-compatible model summarise them (ACTIVITY_HUB_LLM_URL, _MODEL, _API_KEY), writing summary and facts to
// processed_data and the summary as the contact's note. Seeded inactive: an admin turns it on once the model is
// configured. One of the Core tier's five flows.
export const AI_FLOW_ID = '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a80';

const CLAIM_OPERATION_ID = '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a81';
const SUMMARISE_OPERATION_ID = '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a82';

export async function up(knex) {
	if (await knex('directus_flows').where({ id: AI_FLOW_ID }).first()) return;

	await knex('directus_flows').insert({
		id: AI_FLOW_ID,
		name: 'Activity Hub: summarise with AI',
		icon: 'smart_toy',
		color: '#6644FF',
		description:
			'Claims queued activities every minute and stores an AI summary, facts and a note. Needs ACTIVITY_HUB_LLM_URL.',
		status: 'inactive',
		trigger: 'schedule',
		accountability: 'all',
		options: JSON.stringify({ cron: '0 * * * * *' }),
		operation: null,
	});

	await knex('directus_operations').insert({
		id: SUMMARISE_OPERATION_ID,
		name: 'Summarise with AI',
		key: 'summarise',
		type: 'activity-hub-summarise',
		position_x: 37,
		position_y: 1,
		options: JSON.stringify({ activities: '{{claim}}' }),
		resolve: null,
		reject: null,
		flow: AI_FLOW_ID,
	});

	await knex('directus_operations').insert({
		id: CLAIM_OPERATION_ID,
		name: 'Claim activities',
		key: 'claim',
		type: 'activity-hub-claim',
		position_x: 19,
		position_y: 1,
		options: JSON.stringify({ limit: 10, lease_seconds: 300 }),
		resolve: SUMMARISE_OPERATION_ID,
		reject: null,
		flow: AI_FLOW_ID,
	});

	await knex('directus_flows').where({ id: AI_FLOW_ID }).update({ operation: CLAIM_OPERATION_ID });
}
