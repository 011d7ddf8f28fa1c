// A plain Directus 12 project, as a team has it before adding Activity Hub: its own folder with a package.json that
// depends only on `directus`, its own database, Directus's default paths (./extensions, ./uploads, no migrations),
// and — once `addExtension()` is called — the extension unpacked from the `npm pack` tarball into ./extensions.
// Its node_modules links to this repository's install of the same pinned directus release (an `npm install
// directus@12.4.0` would fetch exactly those files again and take minutes); nothing else of the repository is used.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { inject } from 'vitest';
import {
	databaseEnv,
	directusCli,
	freePort,
	ROOT,
	type RunningDirectus,
	startDirectus,
} from '../../scripts/lib/directus.mjs';
import { createTestDatabase, type Vendor } from './databases.js';
import { hostRelease } from './host-release.js';
import { ADMIN } from './shared.js';

export const PACKAGE_NAME = 'directus-extension-activity-hub';

export interface PlainProject {
	dir: string;
	env: Record<string, string>;
	url: string;
	db: Knex;
	/** REST call with the admin token; throws on a non-2xx answer. */
	api: (method: string, path: string, body?: unknown) => Promise<any>;
	/** Unpack the extension's release tarball into ./extensions, as a team installs it. */
	addExtension: () => void;
	/** `directus start` in the project's folder; `extra` adds environment variables. close() stops what is still running. */
	start: (extra?: Record<string, string>) => Promise<RunningDirectus>;
	/** The project's own Directus CLI (e.g. `activity-hub install`). */
	cli: (args: string[], extra?: Record<string, string>) => Promise<{ stdout: string; stderr: string }>;
	/** Stops every Directus this project started (a no-op for those already stopped) and closes the database handle. */
	close: () => Promise<void>;
}

/** `host`: another Directus release (see host-release.ts) instead of the pinned 12.4.0. */
export async function plainProject(
	vendor: Vendor,
	label: string,
	{ bootstrap = true, host }: { bootstrap?: boolean; host?: string } = {},
): Promise<PlainProject> {
	const harness = inject('harness');
	const dir = mkdtempSync(join(harness.root, `${label}-${vendor}-`));

	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify({ name: `${label}-project`, private: true, dependencies: { directus: host ?? '12.4.0' } }, null, 2),
	);

	symlinkSync(join(host ? hostRelease(host) : ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
	mkdirSync(join(dir, 'extensions'));
	// The pinned release starts from the harness's bootstrapped template (what `directus bootstrap` would write again);
	// another release bootstraps with its own CLI, since its system tables differ.
	const fromTemplate = bootstrap && !host;
	const { config, db } = await createTestDatabase(vendor, dir, label, fromTemplate ? 'plain' : 'empty');
	const dbEnv = databaseEnv(config);
	const port = await freePort();

	const env = {
		...dbEnv,
		HOST: '127.0.0.1',
		PORT: String(port),
		PUBLIC_URL: `http://127.0.0.1:${port}`,
		SECRET: ADMIN.secret,
		ADMIN_EMAIL: ADMIN.email,
		ADMIN_PASSWORD: ADMIN.password,
		ADMIN_TOKEN: ADMIN.token,
		ACCEPT_TERMS: 'true',
		TELEMETRY: 'false',
		WEBSOCKETS_ENABLED: 'true',
		LOG_LEVEL: 'info',
		LOG_STYLE: 'raw',
		ACTIVITY_HUB_DEFAULT_REGION: 'US',
		// Directus answers 503 "Under pressure" while its event loop lags, as it does for a moment after start on
		// a 2-core machine running several Directus processes; these tests are about installing, not load shedding.
		PRESSURE_LIMITER_ENABLED: 'false',
	};

	const location = { cwd: dir, cli: join(dir, 'node_modules', 'directus', 'cli.js') };
	if (bootstrap && !fromTemplate) await directusCli(['bootstrap'], env, location);
	const url = `http://127.0.0.1:${port}`;
	const running = new Set<RunningDirectus>();
	return {
		dir,
		env,
		url,
		db,
		async api(method, path, body) {
			const response = await fetch(`${url}${path}`, {
				method,
				headers: { authorization: `Bearer ${ADMIN.token}`, 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			});

			const text = await response.text();
			if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
			return text ? JSON.parse(text) : null;
		},
		addExtension() {
			const into = join(dir, 'extensions');
			execFileSync('tar', ['-xzf', harness.tarball, '-C', into]);
			renameSync(join(into, 'package'), join(into, PACKAGE_NAME));
		},
		async start(extra = {}) {
			const server = await startDirectus({ ...env, ...extra }, location);
			running.add(server);
			return server;
		},
		cli: (args, extra = {}) => directusCli(args, { ...env, ...extra }, location),
		async close() {
			await Promise.all([...running].map((server) => server.stop()));
			await db.destroy();
		},
	};
}

/** The names of the collections Directus knows in this project (system ones left out). */
export async function userCollections(project: PlainProject): Promise<string[]> {
	const { data } = await project.api('GET', '/collections');
	return data
		.map((c: { collection: string }) => c.collection)
		.filter((name: string) => !name.startsWith('directus_'))
		.sort();
}

export const extensionFiles = (project: PlainProject) =>
	readdirSync(join(project.dir, 'extensions', PACKAGE_NAME)).sort();
