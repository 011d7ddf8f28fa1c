// Installs or upgrades what Activity Hub owns in the project's database, additively: the plan is decided (and a clash
// refused) before anything is written; then, under a cluster-wide lock, the schema is merged in and each missing step
// runs once, in its own transaction with its record, so a failure leaves the database resumable where it stopped.
import { createHash } from 'node:crypto';
import type { Snapshot as DirectusSnapshot, ExtensionsServices } from '@directus/types';
import type { Knex } from 'knex';
import { type ContactPlan, contactsTarget, mergeSnapshot, planInstall, type Snapshot } from '../shared/install-plan.js';
import { withInstallLock } from './lock.js';
import {
	ensureRecordTable,
	type InstallRecord,
	readRecord,
	RECORD_TABLE,
	recordSchema,
	recordStep,
	recordVersion,
} from './record.js';
import { applySearchLanguage, BUNDLE_SNAPSHOT, INSTALL_STEPS, legacyVersionOf } from './steps.js';
import { readConfig } from '../shared/config.js';

export interface InstallHost {
	database: Knex;
	/** Directus's SchemaService for this database, with an admin's accountability. */
	schemaService: () => Promise<InstanceType<ExtensionsServices['SchemaService']>>;
	env: Record<string, unknown>;
	log: (message: string) => void;
	flushCaches: () => Promise<void>;
}

export interface InstallReport {
	version: string;
	/** What this call applied: 'schema' and step ids; empty when everything was already installed. */
	applied: string[];
	contacts: ContactPlan;
	owned: string[];
}

/** A refusal (a name clash, missing contact settings) or a failed step: `step` says where, nothing after it ran. */
export class InstallError extends Error {
	constructor(
		public code: string,
		message: string,
		public step?: string,
	) {
		super(message);
	}
}

// The plan works on snapshots as plain JSON; Directus's types describe the same documents in more detail.
const asPlain = (snapshot: DirectusSnapshot) => snapshot as unknown as Snapshot;
const asDirectus = (snapshot: Snapshot) => snapshot as unknown as DirectusSnapshot;

// The bundle's schema never changes within a process: serialise it once, not on every check (each start checks).
const BUNDLE_JSON = JSON.stringify(BUNDLE_SNAPSHOT);

function fingerprint(env: Record<string, unknown>) {
	const { contacts, searchLanguage } = readConfig(env);
	// The default search language adds nothing, so installs made before the setting existed stay up to date.
	const language = searchLanguage === 'simple' ? '' : `\nACTIVITY_HUB_SEARCH_LANGUAGE=${searchLanguage}`;
	return createHash('sha256').update(BUNDLE_JSON).update(contacts.settings).update(language).digest('hex').slice(0, 32);
}

/** Steps 0.1.0 ran as Directus migrations (it kept no record of its own). */
async function legacySteps(database: Knex): Promise<Set<string>> {
	const versions = INSTALL_STEPS.map(legacyVersionOf);

	const rows: Array<{ version: string }> = await database('directus_migrations')
		.whereIn('version', versions)
		.select('version');

	const done = new Set(rows.map((row) => row.version));
	return new Set(INSTALL_STEPS.filter((step) => done.has(legacyVersionOf(step))).map((step) => step.id));
}

function upToDate(
	record: InstallRecord | null,
	env: Record<string, unknown>,
	version: string,
): record is InstallRecord & { schema: NonNullable<InstallRecord['schema']> } {
	return (
		!!record?.schema &&
		record.schema.fingerprint === fingerprint(env) &&
		record.version === version &&
		INSTALL_STEPS.every((step) => record.steps.has(step.id))
	);
}

/** Whether this database has this version installed as configured, without changing anything. */
export async function installedState(
	database: Knex,
	env: Record<string, unknown>,
	version: string,
): Promise<InstallReport | null> {
	const record = await readRecord(database);
	return upToDate(record, env, version)
		? { version, applied: [], contacts: record.schema.contacts, owned: record.schema.owned }
		: null;
}

export async function install(host: InstallHost, version: string): Promise<InstallReport> {
	const { database, env, log } = host;
	const already = await installedState(database, env, version);
	if (already) return already;

	const schemaService = await host.schemaService();

	const plan = async (record: InstallRecord | null, legacy: Set<string>) => {
		const current = asPlain(await schemaService.snapshot());
		const target = contactsTarget(env);

		const targetColumns = (await database.schema.hasTable(target))
			? Object.keys(await database(target).columnInfo())
			: null;

		const decided = planInstall({
			bundle: BUNDLE_SNAPSHOT,
			current,
			recordedOwned: record?.schema?.owned ?? null,
			legacyInstall: legacy.size > 0,
			targetColumns,
			env,
		});

		if (!decided.ok) throw new InstallError(decided.code, decided.message);
		return { current, decided };
	};

	// Refuse before the first write: a clash must leave the project exactly as it was. An instance that is
	// installing right now has already created the record table and holds the lock: its half-applied schema is
	// no clash, so with a record table present (looked at after the plan: it precedes any of that instance's
	// schema writes) the plan is made again under the lock, from the finished state.
	try {
		await plan(await readRecord(database), await legacySteps(database));
	} catch (error) {
		if (!(await database.schema.hasTable(RECORD_TABLE))) throw error;
	}

	await ensureRecordTable(database);
	return withInstallLock(
		database,
		async () => {
			// Another instance may have installed while we waited for the lock.
			const record = await readRecord(database);

			if (upToDate(record, env, version)) {
				log('installed by another instance');
				return { version, applied: [], contacts: record.schema.contacts, owned: record.schema.owned };
			}

			const legacy = await legacySteps(database);
			const { current, decided } = await plan(record, legacy);
			const applied: string[] = [];
			const print = fingerprint(env);

			if (record?.schema?.fingerprint !== print) {
				log(
					`applying the schema (${decided.owned.length} collections${decided.contacts.owned ? '' : `, contacts from "${decided.contacts.collection}"`})`,
				);

				try {
					const diff = await schemaService.diff(asDirectus(mergeSnapshot(current, decided.schema)), {
						currentSnapshot: asDirectus(current),
						force: true,
					});

					if (diff)
						await schemaService.apply({ hash: schemaService.getHashedSnapshot(asDirectus(current)).hash, diff });
				} catch (error) {
					throw new InstallError(
						'INSTALL_STEP_FAILED',
						`applying the schema failed: ${(error as Error).message}`,
						'schema',
					);
				}

				await recordSchema(database, { fingerprint: print, owned: decided.owned, contacts: decided.contacts });
				applied.push('schema');
			}

			for (const step of INSTALL_STEPS) {
				if (record?.steps.has(step.id)) continue;

				if (legacy.has(step.id)) {
					await recordStep(database, step.id, 'applied by 0.1.0');
					continue;
				}

				log(`running ${step.id}`);

				try {
					await database.transaction(async (trx) => {
						await step.up(trx, env);
						await recordStep(trx, step.id, 'applied');
					});
				} catch (error) {
					throw new InstallError('INSTALL_STEP_FAILED', `step ${step.id} failed: ${(error as Error).message}`, step.id);
				}

				applied.push(step.id);
			}

			const language = readConfig(env).searchLanguage;
			if (await database.transaction((trx) => applySearchLanguage(trx, language)))
				log(`search documents rebuilt with the text search configuration "${language}"`);

			await recordVersion(database, version);
			await host.flushCaches();
			return { version, applied, contacts: decided.contacts, owned: decided.owned };
		},
		() => log('waiting for another instance that is installing'),
	);
}
