// The install record: which version is installed, which steps ran, which collections the bundle owns and where its
// contacts come from. A database-only table (no Directus collection: it counts towards no licence limit and shows
// nowhere in Studio's content), created by the first install.
import type { Knex } from 'knex';
import type { ContactPlan } from '../shared/install-plan.js';

export const RECORD_TABLE = 'activity_hub_install';

export interface SchemaRecord {
	/** Of the bundle's schema and the contact settings it was installed with: a change re-applies the schema. */
	fingerprint: string;
	owned: string[];
	contacts: ContactPlan;
}

export interface InstallRecord {
	version: string | null;
	schema: SchemaRecord | null;
	steps: Set<string>;
}

const STEP_PREFIX = 'step:';

/** The record, or null when nothing was ever installed here (no table). */
export async function readRecord(database: Knex): Promise<InstallRecord | null> {
	if (!(await database.schema.hasTable(RECORD_TABLE))) return null;
	const rows: Array<{ key: string; value: string }> = await database(RECORD_TABLE).select('key', 'value');
	const value = (key: string) => rows.find((row) => row.key === key)?.value;
	const schema = value('schema');
	return {
		version: value('version') ?? null,
		schema: schema ? (JSON.parse(schema) as SchemaRecord) : null,
		steps: new Set(
			rows.filter((row) => row.key.startsWith(STEP_PREFIX)).map((row) => row.key.slice(STEP_PREFIX.length)),
		),
	};
}

export async function ensureRecordTable(database: Knex) {
	if (await database.schema.hasTable(RECORD_TABLE)) return;

	try {
		await database.schema.createTable(RECORD_TABLE, (table) => {
			table.string('key', 128).primary();
			table.text('value').notNullable();
			table.string('updated_at', 32).notNullable();
		});
	} catch (error) {
		// Another instance created it between the check and the create.
		if (!(await database.schema.hasTable(RECORD_TABLE))) throw error;
	}
}

async function put(database: Knex, key: string, value: string) {
	const row = { key, value, updated_at: new Date().toISOString() };
	await database(RECORD_TABLE).insert(row).onConflict('key').merge(['value', 'updated_at']);
}

export const recordSchema = (database: Knex, schema: SchemaRecord) => put(database, 'schema', JSON.stringify(schema));
export const recordStep = (database: Knex, step: string, how: 'applied' | 'applied by 0.1.0') =>
	put(database, `${STEP_PREFIX}${step}`, how);
export const recordVersion = (database: Knex, version: string) => put(database, 'version', version);
