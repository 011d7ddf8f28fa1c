// Running Directus with Activity Hub: the Node 22 binary, the CLI, the bundle's own install command and a started
// server. Shared by `npm start`, the test harness and the benchmarks (plain ESM so `node` runs it as is). The bundle
// installs itself when Directus starts; nothing here writes schema of its own.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SNAPSHOT_PATH = join(ROOT, 'snapshots', 'activity-hub.json');
export const EXTENSIONS_DIR = join(ROOT, 'extensions');
export const CLI = join(ROOT, 'node_modules', 'directus', 'cli.js');

// Directus's MIGRATIONS_PATH defaults to ./migrations, which here holds the bundle's install steps (built into the
// package): this repository's Directus points it at an empty folder, as any project without custom migrations has.
const NO_MIGRATIONS = join(ROOT, 'node_modules', '.activity-hub-no-migrations');

/** Where the Node 22 the project carries lives: npm installs the one `node-<platform>-<arch>` package that fits. */
export const CARRIED_NODE_DIR = join(ROOT, 'node_modules', `node-${process.platform}-${process.arch}`);

/** Directus 12 needs Node ≥ 22: use the one the project carries, whatever Node runs this script. */
export function nodeBinary() {
	const carried = join(CARRIED_NODE_DIR, 'bin', 'node');
	return existsSync(carried) ? carried : process.execPath;
}

// Ports are picked below the kernel's ephemeral range: an outgoing connection (to PostgreSQL, Redis, a mail server)
// takes its local port from that range, so it can never take a picked port between the check and the server's bind.
const PICKED_FROM = 20000;

const EPHEMERAL_FROM = (() => {
	try {
		return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
	} catch {
		return 0; // not Linux: the kernel's own pick below
	}
})();

const pickedPorts = new Set();

/** How much of a server's output `startDirectus` keeps (at most twice this between trims). */
const OUTPUT_KEPT_CHARS = 4_000_000;

function listenOn(port) {
	return new Promise((resolve) => {
		const server = createServer();
		server.unref();
		server.on('error', () => resolve(null));

		server.listen(port, '127.0.0.1', () => {
			const bound = server.address().port;
			server.close(() => resolve(bound));
		});
	});
}

/** A port free on 127.0.0.1 for a server about to start, never handed out twice by this process. */
export async function freePort() {
	for (let attempt = 0; EPHEMERAL_FROM - PICKED_FROM >= 1000 && attempt < 100; attempt++) {
		const port = PICKED_FROM + Math.floor(Math.random() * (EPHEMERAL_FROM - PICKED_FROM));
		if (pickedPorts.has(port) || (await listenOn(port)) === null) continue;
		pickedPorts.add(port);
		return port;
	}

	const port = await listenOn(0);
	if (port === null) throw new Error('no free port on 127.0.0.1');
	return port;
}

/**
 * Environment for one Directus instance. `db` is `{ client: 'sqlite3', filename }` or
 * `{ client: 'pg', host, port, user, password, database }`.
 */
/** Directus's DB_* variables for a connection config (`{ client: 'sqlite3', filename }` or PostgreSQL's fields). */
export function databaseEnv(db) {
	return db.client === 'sqlite3'
		? { DB_CLIENT: 'sqlite3', DB_FILENAME: db.filename }
		: {
				DB_CLIENT: 'pg',
				DB_HOST: db.host,
				DB_PORT: String(db.port),
				DB_USER: db.user,
				DB_PASSWORD: db.password ?? '',
				DB_DATABASE: db.database,
			};
}

export function directusEnv({ db, port, dataDir, publicUrl, admin, extra = {} }) {
	mkdirSync(join(dataDir, 'uploads'), { recursive: true });
	mkdirSync(join(dataDir, 'temp'), { recursive: true });
	mkdirSync(NO_MIGRATIONS, { recursive: true });

	return {
		HOST: '127.0.0.1',
		PORT: String(port),
		PUBLIC_URL: publicUrl ?? `http://127.0.0.1:${port}`,
		SECRET: admin.secret,
		ADMIN_EMAIL: admin.email,
		ADMIN_PASSWORD: admin.password,
		ADMIN_TOKEN: admin.token,
		ACCEPT_TERMS: 'true',
		TELEMETRY: 'false',
		WEBSOCKETS_ENABLED: 'true',
		EXTENSIONS_PATH: EXTENSIONS_DIR,
		EXTENSIONS_MUST_LOAD: 'true',
		MIGRATIONS_PATH: NO_MIGRATIONS,
		STORAGE_LOCATIONS: 'local',
		STORAGE_LOCAL_ROOT: join(dataDir, 'uploads'),
		// Directus bundles the app extensions into TEMP_PATH (default ./node_modules/.directus): shared by every
		// instance run from this checkout (and any checkout sharing its node_modules), so each would serve whichever
		// bundle was written last.
		TEMP_PATH: join(dataDir, 'tmp'),
		LOG_LEVEL: 'warn',
		LOG_STYLE: 'raw',
		// Directus hands each request its one frozen schema instead of a deep copy (the copy was a fifth of the
		// reply path's CPU); the bundle never mutates the schema, so tests run the stricter, faster setting.
		CACHE_SCHEMA_FREEZE_ENABLED: 'true',
		...databaseEnv(db),
		...extra,
	};
}

/** Run the Directus CLI under Node 22; resolves with its output, rejects on a non-zero exit. */
export function directusCli(args, env, { cwd = ROOT, cli = CLI } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(nodeBinary(), [cli, ...args], {
			cwd,
			env: { ...process.env, ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
		});

		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('error', reject);

		child.on('close', (code) => {
			if (code === 0) resolve({ stdout, stderr });
			else reject(new Error(`directus ${args.join(' ')} exited ${code}\n${stdout}\n${stderr}`.slice(0, 6000)));
		});
	});
}

/**
 * Install or upgrade Activity Hub in a database without starting the server: `directus bootstrap` (a fresh database
 * gets Directus's system tables and admin), then the bundle's own `directus activity-hub install` — the same code
 * that runs when Directus starts with the extension. Needs the built bundle.
 */
export async function installActivityHub(env, log = () => {}, options = {}) {
	log('bootstrapping Directus');
	await directusCli(['bootstrap'], env, options);
	log('installing Activity Hub');
	const { stdout } = await directusCli(['activity-hub', 'install'], env, options);
	for (const line of stdout.split('\n'))
		if (line.startsWith('Activity Hub')) log(line.replace(/^Activity Hub:? ?/, ''));
}

export async function waitForPing(url, { timeoutMs = 60_000, child } = {}) {
	const deadline = Date.now() + timeoutMs;

	while (Date.now() < deadline) {
		if (child && child.exitCode !== null) throw new Error(`Directus exited with ${child.exitCode} before answering`);

		try {
			const response = await fetch(`${url}/server/ping`);
			if (response.ok) return;
		} catch {
			// not listening yet
		}

		await new Promise((resolve) => setTimeout(resolve, 150));
	}

	throw new Error(`Directus at ${url} did not answer /server/ping within ${timeoutMs} ms`);
}

/**
 * Start `directus start`; resolves once /server/ping answers, within `startTimeoutMs` (a machine loaded by tests in
 * parallel starts Directus slowly). `stop()` ends it (SIGTERM, then SIGKILL).
 */
export async function startDirectus(
	env,
	{ inheritOutput = false, onOutput, cwd = ROOT, cli = CLI, startTimeoutMs = 180_000 } = {},
) {
	const child = spawn(nodeBinary(), [cli, 'start'], {
		cwd,
		env: { ...process.env, ...env },
		stdio: inheritOutput ? 'inherit' : ['ignore', 'pipe', 'pipe'],
	});

	// Kept whole up to a bound (a test searches all of it: a line from the start, a secret nowhere); errors show the end.
	let output = '';

	if (!inheritOutput) {
		const collect = (chunk) => {
			output += chunk;
			if (output.length > 2 * OUTPUT_KEPT_CHARS) output = output.slice(-OUTPUT_KEPT_CHARS); // amortised: no copy per chunk
			onOutput?.(String(chunk));
		};

		child.stdout.on('data', collect);
		child.stderr.on('data', collect);
	}

	const url = env.PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`;

	try {
		await waitForPing(`http://127.0.0.1:${env.PORT}`, { child, timeoutMs: startTimeoutMs });
	} catch (error) {
		child.kill('SIGKILL');
		throw new Error(`${error.message}\n${output.slice(-20_000)}`);
	}

	const exited = new Promise((resolve) => child.once('exit', resolve));
	return {
		url,
		child,
		output: () => output,
		async stop(signal = 'SIGTERM') {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill(signal);
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(timer);
		},
	};
}
