// Who may work the queue: admins and holders of the Activity Hub Agent policy.
import type { Knex } from 'knex';
import { AGENT_POLICY_ID } from '../../../../migrations/z0002-activity-hub-agent-access.js';
import type { Accountability } from './context.js';

const agentCache = new Map<string, { agent: boolean; expires: number }>();

/** Admins and holders of the Activity Hub Agent policy (through a role or directly) may work the queue. */
export async function isAgent(database: Knex, accountability: Accountability | null | undefined): Promise<boolean> {
	if (!accountability?.user) return false;
	if (accountability.admin) return true;
	const cacheKey = `${accountability.user}:${(accountability.roles ?? [accountability.role]).join(',')}`;
	const cached = agentCache.get(cacheKey);
	if (cached && cached.expires > Date.now()) return cached.agent;

	const roles = (accountability.roles ?? (accountability.role ? [accountability.role] : [])).filter(
		Boolean,
	) as string[];

	const row = await database('directus_access')
		.where({ policy: AGENT_POLICY_ID })
		.andWhere((q) => {
			q.where('user', accountability.user!);
			if (roles.length) q.orWhereIn('role', roles);
		})
		.first();

	agentCache.set(cacheKey, { agent: Boolean(row), expires: Date.now() + 30_000 });
	return Boolean(row);
}

/** An agent that is not an admin (its notes are the agent's, not a person's). */
export async function isAgentUser(database: Knex, accountability: Accountability | null | undefined) {
	return Boolean(accountability?.user) && !accountability?.admin && (await isAgent(database, accountability));
}
