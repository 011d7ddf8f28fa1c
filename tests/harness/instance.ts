// A real Directus process with Activity Hub, on a fresh clone of the template database of one vendor.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { inject } from 'vitest';
import { directusEnv, freePort, startDirectus } from '../../scripts/lib/directus.mjs';
import { createTestDatabase, type Vendor } from './databases.js';
import { ADMIN } from './shared.js';

export type { Vendor } from './databases.js';

export interface Instance {
	vendor: Vendor;
	url: string;
	token: string;
	env: Record<string, string>;
	db: Knex;
	output: () => string;
	/** Every log line of this process that mentions Activity Hub (kept in full, unlike output()). */
	hubLog: string[];
	stop: (signal?: NodeJS.Signals) => Promise<void>;
	/** SIGKILL this Directus process, keeping the database (and this handle to it) for a sibling to carry on. */
	kill: () => Promise<void>;
	/** PostgreSQL only: restart the database server under this instance (`immediate` is a crash: WAL recovery). */
	restartDatabase: (mode?: 'immediate' | 'fast') => Promise<void>;
	/** Start another Directus process on the same database (multi-instance tests). */
	sibling: (extra?: Record<string, string>) => Promise<{
		url: string;
		stop: (signal?: NodeJS.Signals) => Promise<void>;
		output: () => string;
		hubLog: string[];
	}>;
}

export const vendors = (): Vendor[] => {
	const harness = inject('harness');
	return [...(harness.sqliteTemplate ? (['sqlite'] as const) : []), ...(harness.pg ? (['pg'] as const) : [])];
};

export async function startInstance(vendor: Vendor, extra: Record<string, string> = {}): Promise<Instance> {
	const harness = inject('harness');
	const dataDir = mkdtempSync(join(harness.root, `${vendor}-`));
	const { config: dbConfig, db } = await createTestDatabase(vendor, dataDir, 'ah', 'installed');

	const start = async (extraEnv: Record<string, string>) => {
		const port = await freePort();

		const env = directusEnv({
			db: dbConfig,
			port,
			dataDir,
			admin: ADMIN,
			// Directus's pressure limiter answers 503 "Under pressure" while the event loop lags, as it does on a busy
			// 2-core machine; suites assert exact statuses (no 5xx), so they run without it. Load shedding is Directus's.
			extra: { ACTIVITY_HUB_DEFAULT_REGION: 'US', PRESSURE_LIMITER_ENABLED: 'false', ...extraEnv },
		});

		const hubLog: string[] = [];

		const onOutput = (chunk: string) =>
			hubLog.push(...chunk.split('\n').filter((line) => line.includes('Activity Hub')));

		return { env, server: await startDirectus(env, { onOutput }), hubLog };
	};

	const { env, server, hubLog } = await start(extra);
	return {
		vendor,
		url: server.url,
		token: ADMIN.token,
		env,
		db,
		output: server.output,
		hubLog,
		async stop(signal) {
			await server.stop(signal);
			await db.destroy();
		},
		kill: () => server.stop('SIGKILL'),
		async restartDatabase(mode = 'immediate') {
			if (vendor !== 'pg') throw new Error('restartDatabase needs PostgreSQL');
			const reply = await fetch(`${harness.pg!.control}/restart?mode=${mode}`, { method: 'POST' });
			if (!reply.ok) throw new Error(`database restart failed: ${await reply.text()}`);
		},
		async sibling(more = {}) {
			const { server: other, hubLog: otherLog } = await start({ ...extra, ...more });
			return { url: other.url, stop: other.stop, output: other.output, hubLog: otherLog };
		},
	};
}
