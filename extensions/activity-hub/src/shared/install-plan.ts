// What installing Activity Hub into a project would do, decided before anything is written: which collections the
// bundle owns, where contacts come from, and the schema to merge. Pure: the caller reads the project's snapshot
// and the install record, and applies the result.
import { CONFIG_DEFAULTS, readConfig } from './config.js';

export interface SnapshotCollection {
	collection: string;
	meta?: Record<string, unknown> | null;
	schema?: Record<string, unknown> | null;
}
export interface SnapshotField {
	collection: string;
	field: string;
	type: string;
	meta?: Record<string, unknown> | null;
	schema?: Record<string, unknown> | null;
}
export interface SnapshotRelation {
	collection: string;
	field: string;
	related_collection: string | null;
	meta?: Record<string, unknown> | null;
	schema?: Record<string, unknown> | null;
}
export interface Snapshot {
	collections: SnapshotCollection[];
	fields: SnapshotField[];
	relations: SnapshotRelation[];
	[key: string]: unknown;
}

/** Where matching reads people from, and whether that collection is the bundle's own (then it may create contacts). */
export interface ContactPlan {
	collection: string;
	owned: boolean;
	emailFields: string[];
	phoneFields: string[];
}

export interface InstallFacts {
	/** The bundle's own schema (snapshots/activity-hub.json, built into the package). */
	bundle: Snapshot;
	/** The project's schema now. */
	current: Snapshot;
	/** Collections an earlier install recorded as the bundle's; null when none did. */
	recordedOwned: string[] | null;
	/** The database was installed by 0.1.0 (its steps are in directus_migrations), which kept no record of ownership. */
	legacyInstall: boolean;
	/** The database columns of the contacts target, when it exists (fields without Studio metadata are not in a snapshot). */
	targetColumns: string[] | null;
	env: Record<string, unknown>;
}

export type InstallPlan =
	| { ok: true; owned: string[]; contacts: ContactPlan; schema: Snapshot }
	| { ok: false; code: InstallRefusal; message: string };

export type InstallRefusal =
	| 'COLLECTION_CLASH'
	| 'CONTACTS_FIELDS_REQUIRED'
	| 'CONTACTS_FIELD_MISSING'
	| 'CONTACTS_COLLECTION_MISSING'
	| 'CONTACTS_COLLECTION_UNUSABLE';

/** The bundle's own contacts collection (also where contacts are read from by default). */
export const CONTACTS = CONFIG_DEFAULTS.ACTIVITY_HUB_CONTACTS_COLLECTION;

const TIMELINE_INTERFACE = 'activity-hub-timeline';

const refuse = (code: InstallRefusal, message: string): InstallPlan => ({ ok: false, code, message });

/** The collection contacts are read from: ACTIVITY_HUB_CONTACTS_COLLECTION, or `contacts`. */
export const contactsTarget = (env: Record<string, unknown>) => readConfig(env).contacts.collection;

/** Decide the install, or refuse it with a message that says what to change. */
export function planInstall(facts: InstallFacts): InstallPlan {
	const { bundle, current, env } = facts;
	const existing = new Set(current.collections.map((c) => c.collection));

	const fieldsOf = (snapshot: Snapshot, collection: string) =>
		snapshot.fields.filter((f) => f.collection === collection);

	const bundleNames = bundle.collections.map((c) => c.collection);
	const recorded = new Set(facts.recordedOwned ?? []);
	// 0.1.0 kept no record: its collections are every bundle name that exists, and `contacts` when it carries the
	// bundle's timeline field (a team's own `contacts` never has it).
	const legacyContacts = fieldsOf(current, CONTACTS).some((f) => f.meta?.['interface'] === TIMELINE_INTERFACE);

	const ownedNow = (name: string) =>
		existing.has(name) && (recorded.has(name) || (facts.legacyInstall && (name !== CONTACTS || legacyContacts)));

	const target = contactsTarget(env);
	const others = bundleNames.filter((name) => name !== CONTACTS);
	const clashes = others.filter((name) => existing.has(name) && !ownedNow(name));
	if (others.includes(target)) clashes.push(`${target} (ACTIVITY_HUB_CONTACTS_COLLECTION)`);
	if (clashes.length)
		return refuse(
			'COLLECTION_CLASH',
			`Activity Hub cannot install: this project already has ${clashes.map((c) => `"${c}"`).join(', ')}, which Activity Hub needs for its own ` +
				`collections (${others.join(', ')}). Nothing was changed. Rename your collection, or install Activity Hub into another project.`,
		);

	const contactsOwned = target === CONTACTS && (!existing.has(CONTACTS) || ownedNow(CONTACTS));
	const { emailFields, phoneFields } = readConfig(env).contacts;
	const source = contactsOwned ? bundle : current;
	if (!contactsOwned && !existing.has(target))
		return refuse(
			'CONTACTS_COLLECTION_MISSING',
			`ACTIVITY_HUB_CONTACTS_COLLECTION=${target}, but this project has no collection "${target}": create it first. Nothing was changed.`,
		);

	const named = [
		...new Set([
			...fieldsOf(source, target)
				.filter((f) => f.type !== 'alias')
				.map((f) => f.field),
			...(contactsOwned ? [] : (facts.targetColumns ?? [])),
		]),
	];

	if (!contactsOwned && !emailFields && !phoneFields)
		return refuse(
			'CONTACTS_FIELDS_REQUIRED',
			`Activity Hub will use your collection "${target}" for contacts and never change it, but it must know where e-mail addresses and phone numbers are: ` +
				`set ACTIVITY_HUB_CONTACT_EMAIL_FIELDS and/or ACTIVITY_HUB_CONTACT_PHONE_FIELDS to comma-separated fields of "${target}" ` +
				`(it has: ${named.join(', ')})${target === CONTACTS ? ', or set ACTIVITY_HUB_CONTACTS_COLLECTION to another collection' : ''}. Nothing was changed.`,
		);
	const missing = [...(emailFields ?? []), ...(phoneFields ?? [])].filter((field) => !named.includes(field));
	if (missing.length)
		return refuse(
			'CONTACTS_FIELD_MISSING',
			`"${target}" has no field ${missing.map((f) => `"${f}"`).join(', ')} (named in ACTIVITY_HUB_CONTACT_EMAIL_FIELDS / …_PHONE_FIELDS; it has: ${named.join(', ')}). Nothing was changed.`,
		);

	if (!contactsOwned && !current.fields.some((f) => f.collection === target && f.schema?.['is_primary_key']))
		return refuse(
			'CONTACTS_COLLECTION_UNUSABLE',
			`"${target}" has no primary key field that Directus manages (one with Studio metadata), so nothing can relate to it: open the field in Studio's data model once, or name another collection. Nothing was changed.`,
		);

	const owned = [
		...new Set([
			...others,
			...(contactsOwned ? [CONTACTS] : []),
			...[...recorded].filter((name) => existing.has(name)),
		]),
	].sort();

	return {
		ok: true,
		owned,
		contacts: {
			collection: target,
			owned: contactsOwned,
			emailFields: [...(emailFields ?? (contactsOwned ? CONFIG_DEFAULTS.ACTIVITY_HUB_CONTACT_EMAIL_FIELDS : []))],
			phoneFields: [...(phoneFields ?? (contactsOwned ? CONFIG_DEFAULTS.ACTIVITY_HUB_CONTACT_PHONE_FIELDS : []))],
		},
		schema: contactsOwned ? bundle : retargetContacts(bundle, current, target),
	};
}

/**
 * The bundle's schema without its `contacts`, every relation to contacts pointed at the team's collection and typed
 * like its primary key. The team's collection itself is neither created nor altered.
 */
export function retargetContacts(ours: Snapshot, current: Snapshot, target: string): Snapshot {
	const primaryKey = current.fields.find((f) => f.collection === target && f.schema?.['is_primary_key']);
	if (!primaryKey) throw new Error(`Collection "${target}" has no primary key`);

	const pointsAtContacts = new Set(
		ours.relations.filter((r) => r.related_collection === CONTACTS).map((r) => `${r.collection}.${r.field}`),
	);

	const pk = primaryKey.schema!;
	return {
		...ours,
		collections: ours.collections.filter((c) => c.collection !== CONTACTS),
		fields: ours.fields
			.filter((f) => f.collection !== CONTACTS)
			.map((f) =>
				pointsAtContacts.has(`${f.collection}.${f.field}`)
					? {
							...f,
							type: primaryKey.type,
							meta: { ...f.meta, options: null },
							schema: {
								...f.schema,
								data_type: pk['data_type'],
								max_length: pk['max_length'],
								numeric_precision: pk['numeric_precision'],
								numeric_scale: pk['numeric_scale'],
								foreign_key_table: target,
								foreign_key_column: primaryKey.field,
							},
						}
					: f,
			),
		relations: ours.relations
			.filter((r) => r.collection !== CONTACTS)
			.map((r) =>
				r.related_collection === CONTACTS
					? {
							...r,
							related_collection: target,
							schema: r.schema && { ...r.schema, foreign_key_table: target, foreign_key_column: primaryKey.field },
						}
					: r,
			),
	};
}

/**
 * The bundle's schema merged into the project's: the union of both, so applying it only ever adds. What the bundle
 * owns takes the bundle's Studio metadata but keeps an existing column's database definition (no column is altered
 * or rebuilt); everything else, including fields a team added to the bundle's collections, stays exactly as it is.
 */
export function mergeSnapshot(current: Snapshot, ours: Snapshot): Snapshot {
	const merge = <T extends { schema?: Record<string, unknown> | null }>(
		mine: T[],
		theirs: T[],
		key: (item: T) => string,
	): T[] => {
		const existing = new Map(mine.map((item) => [key(item), item]));
		const replaced = new Set(theirs.map(key));
		return [
			...mine.filter((item) => !replaced.has(key(item))),
			...theirs.map((item) => {
				const before = existing.get(key(item));
				return before ? { ...item, schema: before.schema } : item;
			}),
		];
	};

	return {
		...current,
		collections: merge(current.collections, ours.collections, (c) => c.collection),
		fields: merge(current.fields, ours.fields, (f) => `${f.collection}.${f.field}`),
		relations: merge(current.relations, ours.relations, (r) => `${r.collection}.${r.field}`),
	};
}
