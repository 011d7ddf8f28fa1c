// A database as Activity Hub 0.1.0 (the last release before self-install) left it, for the upgrade test: its snapshot
// merged into the project's and applied with `directus schema apply`, then its steps run as Directus migrations from
// a MIGRATIONS_PATH — exactly what its `npm run install-schema` did. Its files are kept in tests/fixtures.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlainProject } from './project.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/activity-hub-0.1.0', import.meta.url));

type Item = { collection: string; field?: string; schema?: unknown };
type Snapshot = { collections: Item[]; fields: Item[]; relations: Item[] };

/** 0.1.0's merge: the project's schema with the bundle's collections replaced by its own. */
function mergeLegacy(current: Snapshot, ours: Snapshot): Snapshot {
	const owned = new Set(ours.collections.map((c) => c.collection));
	const byKey = new Map(current.fields.map((f) => [`${f.collection}.${f.field}`, f]));
	return {
		...current,
		collections: [...current.collections.filter((c) => !owned.has(c.collection)), ...ours.collections],
		fields: [
			...current.fields.filter((f) => !owned.has(f.collection)),
			...ours.fields.map((f) => ({ ...f, schema: byKey.get(`${f.collection}.${f.field}`)?.schema ?? f.schema })),
		],
		relations: [...current.relations.filter((r) => !owned.has(r.collection)), ...ours.relations],
	};
}

export async function installLegacy(project: PlainProject) {
	const work = mkdtempSync(join(project.dir, 'legacy-'));
	await project.cli(['schema', 'snapshot', '--format', 'json', '--yes', join(work, 'current.json')]);
	const current = JSON.parse(readFileSync(join(work, 'current.json'), 'utf8'));
	const ours = JSON.parse(readFileSync(join(FIXTURE, 'activity-hub.json'), 'utf8'));
	writeFileSync(join(work, 'merged.json'), JSON.stringify(mergeLegacy(current, ours)));
	await project.cli(['schema', 'apply', '--yes', join(work, 'merged.json')]);
	await project.cli(['database', 'migrate:latest'], { MIGRATIONS_PATH: join(FIXTURE, 'migrations') });
}
