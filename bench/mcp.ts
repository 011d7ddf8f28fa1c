// BENCH_ONLY=mcp — claim + complete over MCP (/activity-hub/mcp, the SDK's client) against the HTTP API
// (/activity-hub/queue/*), the same 8 agents on the same instance in the same run, alternating rounds.
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { DatabaseConfig } from '../scripts/lib/directus.mjs';
import { AGENT_ROLE_ID } from '../migrations/z0002-activity-hub-agent-access.js';
import { type McpClient, mcpClient, tool } from '../tests/harness/mcp.js';
import { seedActivities } from '../tests/harness/seed.js';
import { fmt } from './load.js';

export interface BenchKit {
	database: (vendor: 'sqlite' | 'pg', name: string) => Promise<{ config: DatabaseConfig; db: Knex }>;
	instance: (
		config: DatabaseConfig,
		dataDir: string,
		extra?: Record<string, string>,
	) => Promise<{ url: string; stop: () => Promise<unknown> }>;
	channel: (url: string) => Promise<{ id: string; key: string }>;
	row: (measure: string, goal: string, figure: string, result: string, details: string) => void;
	N: (full: number) => number;
	root: string;
	adminToken: string;
}

const AGENTS = 8;
const BATCH = 10;

type Claimed = Array<{ id: string; lease_token: string }>;

/** One agent's loop: claim a batch, complete each activity on its own; the number completed. */
async function work(claimBatch: () => Promise<Claimed>, complete: (item: Claimed[number]) => Promise<boolean>) {
	let done = 0;

	for (;;) {
		const batch = await claimBatch();
		if (batch.length === 0) return done;
		for (const item of batch) if (await complete(item)) done++;
	}
}

export async function mcpBench({ database, instance, channel, row, N, root, adminToken }: BenchKit) {
	for (const vendor of ['pg', 'sqlite'] as const) {
		const { config, db } = await database(vendor, `mcp_${vendor}`);
		// Both sides measured to completion: Directus's pressure limiter would answer 503 on a busy machine.
		const server = await instance(config, join(root, `mcp-${vendor}`), { PRESSURE_LIMITER_ENABLED: 'false' });
		const ch = await channel(server.url);
		const tokens = Array.from({ length: AGENTS }, (_, i) => `bench-mcp-agent-${i}`);

		for (const token of tokens) {
			const reply = await fetch(`${server.url}/users`, {
				method: 'POST',
				headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
				body: JSON.stringify({ email: `${token}@example.com`, role: AGENT_ROLE_ID, token, status: 'active' }),
			});

			if (!reply.ok) throw new Error(`mcp bench: agent user ${reply.status} ${await reply.text()}`);
		}

		const clients: McpClient[] = await Promise.all(tokens.map((token) => mcpClient(server.url, token)));

		const post = async (token: string, path: string, body: unknown) =>
			fetch(`${server.url}/activity-hub/queue${path}`, {
				method: 'POST',
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});

		const claimBody = { limit: BATCH, lease_seconds: 60, channels: [ch.id] };

		const http = (token: string) =>
			work(
				async () => (await (await post(token, '/claim', claimBody)).json()).data,
				async (item) =>
					(await post(token, `/${item.id}/complete`, { lease_token: item.lease_token, processed_data: { ok: true } }))
						.status === 200,
			);

		const mcp = (client: McpClient) =>
			work(
				async () => (await tool<Claimed>(client, 'claim_activities', claimBody)).data ?? [],
				async (item) =>
					Boolean(
						(
							await tool(client, 'complete_activity', {
								id: item.id,
								lease_token: item.lease_token,
								processed_data: { ok: true },
							})
						).data,
					),
			);

		const round = async (jobs: number, run: () => Promise<number[]>) => {
			await seedActivities(db, jobs, { channel: ch.id, queued: true });
			const began = performance.now();
			const done = (await run()).reduce((a, b) => a + b, 0);
			return { done, seconds: (performance.now() - began) / 1000 };
		};

		const overHttp = () => Promise.all(tokens.map(http));
		const overMcp = () => Promise.all(clients.map(mcp));
		await round(AGENTS * BATCH, overHttp);
		await round(AGENTS * BATCH, overMcp);
		const jobs = N(2000);
		const totals = { http: { done: 0, seconds: 0 }, mcp: { done: 0, seconds: 0 } };

		// Alternate the order so that neither side always gets the warmer machine.
		for (const order of [['http', 'mcp'] as const, ['mcp', 'http'] as const])
			for (const side of order) {
				const result = await round(jobs, side === 'http' ? overHttp : overMcp);
				totals[side].done += result.done;
				totals[side].seconds += result.seconds;
			}

		const rate = (side: 'http' | 'mcp') => totals[side].done / totals[side].seconds;

		row(
			`claim + complete over MCP vs the HTTP API (8 agents, ${vendor})`,
			'report',
			`${fmt(rate('mcp'), 0)}/s vs ${fmt(rate('http'), 0)}/s`,
			`**${fmt(rate('mcp') / rate('http'), 2)}×**`,
			`the same 8 agents on one instance, claims of ${BATCH}, one complete per activity; ` +
				`${totals.mcp.done}/${2 * jobs} and ${totals.http.done}/${2 * jobs} completed over two alternating rounds`,
		);

		await Promise.all(clients.map((client) => client.close()));
		await server.stop();
		await db.destroy();
	}
}
