// A fresh test database of one vendor: a SQLite file, or a database on the harness's PostgreSQL server — empty, or
// cloned from one of the harness's templates (a bootstrapped plain Directus, or one with Activity Hub installed).
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { inject } from 'vitest';
import type { DatabaseConfig } from '../../scripts/lib/directus.mjs';

export type Vendor = 'sqlite' | 'pg';
export type DatabaseTemplate = 'empty' | 'plain' | 'installed';

export async function createTestDatabase(
	vendor: Vendor,
	dir: string,
	label: string,
	template: DatabaseTemplate,
): Promise<{ config: DatabaseConfig; db: Knex }> {
	const harness = inject('harness');

	if (vendor === 'sqlite') {
		const filename = join(dir, 'data.db');
		const source = { empty: null, plain: harness.plainSqliteTemplate, installed: harness.sqliteTemplate }[template];
		if (source) copyFileSync(source, filename);

		return {
			config: { client: 'sqlite3', filename },
			db: knex({ client: 'sqlite3', connection: { filename }, useNullAsDefault: true, pool: { min: 1, max: 1 } }),
		};
	}

	const pg = harness.pg!;
	const database = `${label}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
	const source = { empty: null, plain: pg.plainTemplate, installed: pg.template }[template];
	const connection = { host: pg.host, port: pg.port, user: pg.user, password: pg.password };
	const server = knex({ client: 'pg', connection: { ...connection, database: 'postgres' } });
	await server.raw(`CREATE DATABASE ${database}${source ? ` TEMPLATE ${source}` : ''}`);
	await server.destroy();

	return {
		config: { client: 'pg', ...connection, database },
		db: knex({ client: 'pg', connection: { ...connection, database }, pool: { min: 0, max: 4 } }),
	};
}
