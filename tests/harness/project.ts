// A plain Directus project (no Activity Hub yet) on a fresh database: the "existing project" teams install into.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import knex from 'knex';
import { inject } from 'vitest';
import { directusCli, directusEnv, freePort, startDirectus, type DirectusEnv } from '../../scripts/lib/directus.mjs';
import type { Vendor } from './instance.js';
import { ADMIN } from './shared.js';

export interface PlainProject {
	env: DirectusEnv;
	url: string;
	/** REST call with the admin token. */
	api: (method: string, path: string, body?: unknown) => Promise<any>;
	/** Start Directus; with Activity Hub's extensions unless `withBundle` is false. */
	start: (withBundle?: boolean, extra?: Record<string, string>) => ReturnType<typeof startDirectus>;
}

export async function plainProject(vendor: Vendor, label: string): Promise<PlainProject> {
	const harness = inject('harness');
	const dataDir = mkdtempSync(join(harness.root, `${label}-${vendor}-`));
	let db: Record<string, unknown>;
	if (vendor === 'sqlite') db = { client: 'sqlite3', filename: join(dataDir, 'project.db') };
	else {
		const pg = harness.pg!;
		const database = `${label}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
		const server = knex({ client: 'pg', connection: { host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'postgres' } });
		await server.raw(`CREATE DATABASE ${database}`);
		await server.destroy();
		db = { client: 'pg', host: pg.host, port: pg.port, user: pg.user, password: pg.password, database };
	}
	const none = join(dataDir, 'none');
	const env = directusEnv({ db, port: await freePort(), dataDir, admin: ADMIN, extra: { ACTIVITY_HUB_DEFAULT_REGION: 'US' } });
	await directusCli(['bootstrap'], { ...env, MIGRATIONS_PATH: none });
	const url = `http://127.0.0.1:${env['PORT']}`;
	return {
		env,
		url,
		async api(method, path, body) {
			const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN.token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
			const text = await response.text();
			if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
			return text ? JSON.parse(text) : null;
		},
		start: (withBundle = true, extra = {}) =>
			startDirectus(withBundle ? { ...env, ...extra } : { ...env, ...extra, EXTENSIONS_PATH: none, EXTENSIONS_MUST_LOAD: 'false', MIGRATIONS_PATH: none }),
	};
}
