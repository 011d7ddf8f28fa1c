// The "Activity Agent" role and policy for AI workers and flows (API only: agents take no Studio seat).
// The Core tier allows only whole-collection, all-field permissions; what agents may do beyond reading is
// enforced by the queue endpoints (claim, heartbeat, complete, fail), which require this policy.
export const AGENT_ROLE_ID = '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a70';
export const AGENT_POLICY_ID = '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a71';

const ACCESS_ID = '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a72';

const PERMISSIONS = [
	['contacts', 'read'],
	['contact_notes', 'read'],
	['contact_notes', 'create'],
	['activities', 'read'],
	['activity_files', 'read'],
	['directus_files', 'read'],
];

export async function up(knex) {
	if (!(await knex('directus_roles').where({ id: AGENT_ROLE_ID }).first()))
		await knex('directus_roles').insert({
			id: AGENT_ROLE_ID,
			name: 'Activity Agent',
			icon: 'smart_toy',
			description: 'AI agents and workers processing the activity queue',
		});
	if (!(await knex('directus_policies').where({ id: AGENT_POLICY_ID }).first()))
		await knex('directus_policies').insert({
			id: AGENT_POLICY_ID,
			name: 'Activity Hub Agent',
			icon: 'smart_toy',
			description: 'Claim, heartbeat, complete and fail activities; read contacts and files; write notes',
			admin_access: false,
			app_access: false,
			enforce_tfa: false,
		});
	if (!(await knex('directus_access').where({ id: ACCESS_ID }).first()))
		await knex('directus_access').insert({
			id: ACCESS_ID,
			role: AGENT_ROLE_ID,
			user: null,
			policy: AGENT_POLICY_ID,
			sort: 1,
		});

	for (const [collection, action] of PERMISSIONS) {
		const exists = await knex('directus_permissions').where({ policy: AGENT_POLICY_ID, collection, action }).first();
		if (!exists)
			await knex('directus_permissions').insert({
				policy: AGENT_POLICY_ID,
				collection,
				action,
				fields: '*',
				permissions: null,
				validation: null,
				presets: null,
			});
	}
}
