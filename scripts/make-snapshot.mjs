// Regenerate snapshots/activity-hub.json from scripts/schema-definition.ts: create the collections on a
// scratch SQLite Directus, take its snapshot and keep only what the bundle owns. Run: npm run snapshot (tsx runs
// it, so the TypeScript schema definition and the bundle's vocabulary it imports load as they are).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collections, relations } from './schema-definition.ts';
import { directusCli, directusEnv, freePort, SNAPSHOT_PATH, startDirectus } from './lib/directus.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'activity-hub-snapshot-'));
const port = await freePort();

const admin = {
	email: 'admin@example.com',
	password: 'snapshot-password',
	token: 'snapshot-token',
	secret: 'x'.repeat(40),
};

const env = directusEnv({
	db: { client: 'sqlite3', filename: join(dataDir, 'data.db') },
	port,
	dataDir,
	admin,
	// Directus's pressure limiter would refuse the burst of schema writes on a busy machine.
	extra: {
		EXTENSIONS_MUST_LOAD: 'false',
		EXTENSIONS_PATH: join(dataDir, 'no-extensions'),
		PRESSURE_LIMITER_ENABLED: 'false',
	},
});

const call = async (method, path, body) => {
	const response = await fetch(`http://127.0.0.1:${port}${path}`, {
		method,
		headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
		body: body ? JSON.stringify(body) : undefined,
	});

	if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
	return response.json();
};

try {
	await directusCli(['bootstrap'], { ...env, MIGRATIONS_PATH: join(dataDir, 'none') });
	const server = await startDirectus(env);

	try {
		for (const collection of collections) await call('POST', '/collections', collection);
		for (const relation of relations) await call('POST', '/relations', relation);
		const { data: snapshot } = await call('GET', '/schema/snapshot');
		const owned = new Set(collections.map((c) => c.collection));

		const ours = {
			version: snapshot.version,
			directus: snapshot.directus,
			vendor: snapshot.vendor,
			collections: snapshot.collections.filter((c) => owned.has(c.collection)),
			fields: snapshot.fields.filter((f) => owned.has(f.collection)),
			systemFields: [],
			relations: snapshot.relations.filter((r) => owned.has(r.collection)),
		};

		writeFileSync(SNAPSHOT_PATH, JSON.stringify(ours, null, '\t') + '\n');

		console.log(
			`wrote ${SNAPSHOT_PATH}: ${ours.collections.length} collections, ${ours.fields.length} fields, ${ours.relations.length} relations`,
		);
	} finally {
		await server.stop();
	}
} finally {
	rmSync(dataDir, { recursive: true, force: true });
}
