// Ad-hoc profiling aid (not part of npm run bench): installs Activity Hub on PostgreSQL and SQLite, writes the search
// and analytics bench's 1,000,000 activities once, then answers on http://127.0.0.1:$PORT (default 7777) until
// stopped, so query shapes can be tried on the bench data without reloading it:
//   POST /sql       { vendor, sql, bindings?, explain? }  → the rows (or the plan) and the milliseconds taken
//   POST /analytics { vendor, days?, runs? }              → src/runtime/analytics.ts, freshly imported, timed
// [VENDORS=pg,sqlite] tsx bench/profile-analytics.ts [activities]
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import knex, { type Knex } from 'knex';
import { directusEnv, freePort, installActivityHub } from '../scripts/lib/directus.mjs';
import { startPostgres } from '../scripts/lib/postgres.mjs';
import { percentile } from './load.js';
import { seedActivities } from './search.js';

const total = Number(process.argv[2] ?? 1_000_000);
const root = mkdtempSync(join(os.tmpdir(), 'activity-hub-analytics-'));
const pg = await startPostgres(root);
await pg.createDatabase('prof');
const pgConnection = { host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'prof' };
const sqliteFile = join(root, 'prof.db');
const now = Date.now();

const admin = {
	email: 'a@example.com',
	password: 'password-123',
	token: 'prof-token',
	secret: 'prof-secret-0123456789abcdefghijklmnopq',
};

const dbs: Record<string, Knex> = {};

for (const vendor of (process.env.VENDORS ?? 'pg,sqlite').split(',') as Array<'pg' | 'sqlite'>) {
	const config = vendor === 'pg' ? { client: 'pg', ...pgConnection } : { client: 'sqlite3', filename: sqliteFile };

	const env = directusEnv({ db: config, port: await freePort(), dataDir: join(root, vendor), admin });
	await installActivityHub(env);

	dbs[vendor] =
		vendor === 'pg'
			? knex({ client: 'pg', connection: pgConnection, pool: { min: 1, max: 10 } })
			: knex({
					client: 'sqlite3',
					connection: { filename: sqliteFile },
					useNullAsDefault: true,
					pool: { min: 1, max: 1 },
				});

	const begin = performance.now();
	await seedActivities(dbs[vendor]!, vendor, total, now);
	console.log(`${vendor}: ${total} activities in ${Math.round((performance.now() - begin) / 1000)} s`);
}

const rowsOf = (result: any): any[] => (Array.isArray(result) ? result : result.rows);
const port = Number(process.env.PORT ?? 7777);

createServer(async (req, res) => {
	let body = '';
	for await (const chunk of req) body += chunk;

	try {
		const input = JSON.parse(body || '{}');
		const db = dbs[input.vendor ?? 'pg']!;
		const took: number[] = [];
		let result: unknown;

		if (req.url === '/sql') {
			const explain = input.vendor === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN (ANALYZE, BUFFERS) ';
			const prefix = input.explain ? explain : '';

			for (let i = 0; i < (input.runs ?? 1); i++) {
				const begin = performance.now();
				result = rowsOf(await db.raw(prefix + input.sql, input.bindings ?? []));
				took.push(performance.now() - begin);
			}
		} else {
			const { analytics } = await import(`../extensions/activity-hub/src/runtime/analytics.ts?${Date.now()}`);
			const to = new Date(now);
			const from = new Date(now - (input.days ?? 30) * 86_400_000);

			for (let i = 0; i < (input.runs ?? 10); i++) {
				const begin = performance.now();
				result = await analytics(db, { from, to });
				took.push(performance.now() - begin);
			}
		}

		res.end(JSON.stringify({ p50: percentile(took, 0.5), took, result }, null, 1));
	} catch (error) {
		res.writeHead(400).end(String((error as Error).stack));
	}
}).listen(port, '127.0.0.1', () => console.log(`ready on ${port}; data in ${root}`));
