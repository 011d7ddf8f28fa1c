// The shipped AI flow (z0004) transcribes before it summarises: a "Transcribe recording" step between Claim and
// Summarise, so a call's or meeting's recording is summarised from its transcript. Only the flow the bundle seeded
// is touched, and only while it is wired as seeded (Claim → Summarise fed with {{claim}}): a team that rewired it
// keeps its flow. No flow is added (the Core tier allows five active flows).
import { AI_FLOW_ID } from './z0004-activity-hub-ai-flow.js';

const CLAIM_OPERATION_ID = '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a81';
const SUMMARISE_OPERATION_ID = '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a82';

export const TRANSCRIBE_OPERATION_ID = '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a83';

const options = (value) => {
	if (typeof value !== 'string') return value ?? {};

	try {
		return JSON.parse(value);
	} catch {
		return {};
	}
};

export async function up(knex) {
	if (!(await knex('directus_flows').where({ id: AI_FLOW_ID }).first())) return;
	if (await knex('directus_operations').where({ id: TRANSCRIBE_OPERATION_ID }).first()) return;
	const claim = await knex('directus_operations').where({ id: CLAIM_OPERATION_ID, flow: AI_FLOW_ID }).first();
	const summarise = await knex('directus_operations').where({ id: SUMMARISE_OPERATION_ID, flow: AI_FLOW_ID }).first();
	if (!claim || !summarise || claim.resolve !== SUMMARISE_OPERATION_ID) return;
	if (options(summarise.options).activities !== '{{claim}}') return;
	// Operation keys are unique per flow: a team's own "transcribe" step means the flow is theirs to change.
	if (await knex('directus_operations').where({ flow: AI_FLOW_ID, key: 'transcribe' }).first()) return;

	await knex('directus_operations').where({ id: CLAIM_OPERATION_ID }).update({ resolve: null });

	await knex('directus_operations').insert({
		id: TRANSCRIBE_OPERATION_ID,
		name: 'Transcribe recording',
		key: 'transcribe',
		type: 'activity-hub-transcribe',
		position_x: 37,
		position_y: 1,
		options: JSON.stringify({ activities: '{{claim}}' }),
		resolve: SUMMARISE_OPERATION_ID,
		reject: null,
		flow: AI_FLOW_ID,
	});

	await knex('directus_operations')
		.where({ id: SUMMARISE_OPERATION_ID })
		.update({
			position_x: 55,
			options: JSON.stringify({ ...options(summarise.options), activities: '{{transcribe}}' }),
		});

	await knex('directus_operations').where({ id: CLAIM_OPERATION_ID }).update({ resolve: TRANSCRIBE_OPERATION_ID });

	await knex('directus_flows').where({ id: AI_FLOW_ID }).update({
		description:
			'Claims queued activities every minute, transcribes recordings (ACTIVITY_HUB_TRANSCRIBE_URL) and stores an AI summary, facts and a note (ACTIVITY_HUB_LLM_URL).',
	});
}
