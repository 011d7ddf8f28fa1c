// npm start: a running Directus with Activity Hub. Builds the bundle, bootstraps Directus (SQLite under ./data, or
// the database in DB_*) and starts it; the bundle installs itself as it starts, exactly as in any team's project.
// Prints the admin credentials; later runs reuse the database and the generated credentials.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { directusCli, directusEnv, ROOT, startDirectus } from './lib/directus.mjs';

function readDotEnv(path) {
	if (!existsSync(path)) return {};
	const values = {};

	for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
		const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
		if (match) values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
	}

	return values;
}

const settings = { ...readDotEnv(join(ROOT, '.env')), ...process.env };
const dataDir = resolve(ROOT, settings.DATA_DIR ?? 'data');
mkdirSync(dataDir, { recursive: true });

// Generated once per data directory, so restarts keep sessions, tokens and encrypted channel secrets valid.
const credentialsPath = join(dataDir, 'credentials.json');

const generated = existsSync(credentialsPath)
	? JSON.parse(readFileSync(credentialsPath, 'utf8'))
	: {
			secret: randomBytes(32).toString('base64url'),
			password: randomBytes(12).toString('base64url'),
			token: randomBytes(24).toString('base64url'),
		};

writeFileSync(credentialsPath, JSON.stringify(generated, null, 2), { mode: 0o600 });

const admin = {
	email: settings.ADMIN_EMAIL ?? 'admin@example.com',
	password: settings.ADMIN_PASSWORD ?? generated.password,
	token: settings.ADMIN_TOKEN ?? generated.token,
	secret: settings.SECRET ?? generated.secret,
};

const port = Number(settings.PORT ?? 8055);
const client = settings.DB_CLIENT === 'postgres' ? 'pg' : (settings.DB_CLIENT ?? 'sqlite3');

const db =
	client === 'sqlite3'
		? {
				client,
				filename: settings.DB_FILENAME ? resolve(ROOT, settings.DB_FILENAME) : join(dataDir, 'data.db'),
			}
		: {
				client: 'pg',
				host: settings.DB_HOST ?? '127.0.0.1',
				port: Number(settings.DB_PORT ?? 5432),
				user: settings.DB_USER ?? 'directus',
				password: settings.DB_PASSWORD ?? '',
				database: settings.DB_DATABASE ?? 'directus',
			};

// Every variable the user set (.env, then the shell) reaches Directus as set: METRICS_*, AUTH_*, REDIS, KEY, …
// Only the ones this script derived above (database, port, admin, secret) are its own.
const derived = new Set([
	'DB_CLIENT',
	'DB_FILENAME',
	'DB_HOST',
	'DB_PORT',
	'DB_USER',
	'DB_PASSWORD',
	'DB_DATABASE',
	'PORT',
	'ADMIN_EMAIL',
	'ADMIN_PASSWORD',
	'ADMIN_TOKEN',
	'SECRET',
]);

const passthrough = Object.fromEntries(
	Object.entries(settings).filter(([key, value]) => !derived.has(key) && typeof value === 'string'),
);

const env = directusEnv({
	db,
	port,
	dataDir,
	publicUrl: settings.PUBLIC_URL,
	admin,
	extra: { LOG_LEVEL: 'info', ...passthrough },
});

const step = (message) => console.log(`[activity-hub] ${message}`);
step('building the bundle');
const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
step('bootstrapping Directus');
await directusCli(['bootstrap'], env);
step('starting Directus (Activity Hub installs or upgrades itself)');
const server = await startDirectus(env, { inheritOutput: true });

console.log(`
  Activity Hub is running: ${server.url}/admin
  Admin e-mail:     ${admin.email}
  Admin password:   ${admin.password}
  Admin API token:  ${admin.token}
  (generated values are kept in ${credentialsPath})
`);

const shutdown = async () => {
	await server.stop();
	process.exit(0);
};

process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
