import { describe, expect, it } from 'vitest';
import { type InstallFacts, mergeSnapshot, planInstall, type Snapshot, type SnapshotField } from './install-plan.js';

const pk = (collection: string, type = 'integer'): SnapshotField => ({
	collection,
	field: 'id',
	type,
	meta: { interface: 'input' },
	schema: {
		is_primary_key: true,
		data_type: type === 'uuid' ? 'char' : 'integer',
		max_length: type === 'uuid' ? 36 : null,
	},
});

const field = (
	collection: string,
	name: string,
	meta: Record<string, unknown> = {},
	type = 'string',
): SnapshotField => ({ collection, field: name, type, meta, schema: { data_type: 'varchar' } });

// The bundle: its own contacts (with the timeline alias), activities pointing at contacts, and notes.
const bundle: Snapshot = {
	collections: ['activities', 'contact_notes', 'contacts'].map((collection) => ({
		collection,
		meta: { icon: 'x' },
		schema: { name: collection },
	})),
	fields: [
		pk('contacts', 'uuid'),
		field('contacts', 'emails', {}, 'json'),
		field('contacts', 'phones', {}, 'json'),
		{
			collection: 'contacts',
			field: 'timeline',
			type: 'alias',
			meta: { interface: 'activity-hub-timeline' },
			schema: null,
		},
		pk('activities', 'uuid'),
		{
			collection: 'activities',
			field: 'contact',
			type: 'uuid',
			meta: { interface: 'select-dropdown-m2o', options: { template: '{{first_name}}' } },
			schema: { data_type: 'char', max_length: 36, foreign_key_table: 'contacts', foreign_key_column: 'id' },
		},
		pk('contact_notes', 'uuid'),
	],
	relations: [
		{
			collection: 'activities',
			field: 'contact',
			related_collection: 'contacts',
			meta: {},
			schema: { foreign_key_table: 'contacts', foreign_key_column: 'id' },
		},
	],
};

const project = (collections: Record<string, SnapshotField[]>): Snapshot => ({
	collections: Object.keys(collections).map((collection) => ({ collection, meta: {}, schema: { name: collection } })),
	fields: Object.values(collections).flat(),
	relations: [],
});

const facts = (current: Snapshot, more: Partial<InstallFacts> = {}): InstallFacts => ({
	bundle,
	current,
	recordedOwned: null,
	legacyInstall: false,
	targetColumns: null,
	env: {},
	...more,
});

const installedBundle = project({
	contacts: bundle.fields.filter((f) => f.collection === 'contacts'),
	activities: [pk('activities', 'uuid')],
	contact_notes: [pk('contact_notes', 'uuid')],
});

const teamContacts = project({
	contacts: [
		pk('contacts'),
		field('contacts', 'full_name'),
		field('contacts', 'email_address'),
		field('contacts', 'mobile'),
	],
});

describe('planInstall', () => {
	it.each<[string, InstallFacts, Record<string, unknown>]>([
		[
			'a fresh project: the bundle owns everything',
			facts(project({ products: [pk('products')] })),
			{
				ok: true,
				owned: ['activities', 'contact_notes', 'contacts'],
				contacts: { collection: 'contacts', owned: true, emailFields: ['emails'], phoneFields: ['phones'] },
			},
		],
		[
			'its own earlier install, recorded',
			facts(installedBundle, { recordedOwned: ['activities', 'contact_notes', 'contacts'] }),
			{ ok: true, contacts: expect.objectContaining({ owned: true }) },
		],
		[
			'a 0.1.0 install: contacts carries the timeline field',
			facts(installedBundle, { legacyInstall: true }),
			{ ok: true, contacts: expect.objectContaining({ owned: true }) },
		],
		[
			'an unrecorded activities collection is a clash',
			facts(project({ activities: [pk('activities')] })),
			{ ok: false, code: 'COLLECTION_CLASH', message: expect.stringContaining('"activities"') },
		],
		[
			'the contacts target cannot be one of the bundle’s names',
			facts(project({}), { env: { ACTIVITY_HUB_CONTACTS_COLLECTION: 'contact_notes' } }),
			{
				ok: false,
				code: 'COLLECTION_CLASH',
				message: expect.stringContaining('"contact_notes (ACTIVITY_HUB_CONTACTS_COLLECTION)"'),
			},
		],
		[
			'a team’s contacts without field settings is refused, naming the variables and its fields',
			facts(teamContacts),
			{
				ok: false,
				code: 'CONTACTS_FIELDS_REQUIRED',
				message: expect.stringMatching(
					/ACTIVITY_HUB_CONTACT_EMAIL_FIELDS.*\(it has: id, full_name, email_address, mobile\)/,
				),
			},
		],
		[
			'a 0.1.0 database with a team’s contacts (no timeline field) is not adopted silently',
			facts(teamContacts, { legacyInstall: true }),
			{ ok: false, code: 'CONTACTS_FIELDS_REQUIRED' },
		],
		[
			'a team’s contacts with its fields named is adopted',
			facts(teamContacts, {
				env: { ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: 'email_address', ACTIVITY_HUB_CONTACT_PHONE_FIELDS: ' mobile ' },
			}),
			{
				ok: true,
				owned: ['activities', 'contact_notes'],
				contacts: { collection: 'contacts', owned: false, emailFields: ['email_address'], phoneFields: ['mobile'] },
			},
		],
		[
			'ACTIVITY_HUB_CONTACTS_COLLECTION=contacts means the same',
			facts(teamContacts, {
				env: { ACTIVITY_HUB_CONTACTS_COLLECTION: 'contacts', ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: 'email_address' },
			}),
			{ ok: true, contacts: expect.objectContaining({ owned: false, phoneFields: [] }) },
		],
		[
			'a named field that does not exist',
			facts(teamContacts, { env: { ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: 'email' } }),
			{ ok: false, code: 'CONTACTS_FIELD_MISSING', message: expect.stringContaining('"email"') },
		],
		[
			'a column without Studio metadata still counts as a field',
			facts(teamContacts, {
				targetColumns: ['id', 'legacy_mail'],
				env: { ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: 'legacy_mail' },
			}),
			{ ok: true },
		],
		[
			'another collection that does not exist',
			facts(project({}), {
				env: { ACTIVITY_HUB_CONTACTS_COLLECTION: 'people', ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: 'email' },
			}),
			{ ok: false, code: 'CONTACTS_COLLECTION_MISSING' },
		],
		[
			'another collection whose primary key Directus does not manage',
			facts(project({ people: [field('people', 'email')] }), {
				env: { ACTIVITY_HUB_CONTACTS_COLLECTION: 'people', ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: 'email' },
			}),
			{ ok: false, code: 'CONTACTS_COLLECTION_UNUSABLE' },
		],
		[
			'another collection, while a team’s unrelated contacts stays theirs',
			facts(project({ contacts: [pk('contacts')], people: [pk('people'), field('people', 'email')] }), {
				env: { ACTIVITY_HUB_CONTACTS_COLLECTION: 'people', ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: 'email' },
			}),
			{
				ok: true,
				owned: ['activities', 'contact_notes'],
				contacts: expect.objectContaining({ collection: 'people', owned: false }),
			},
		],
	])('%s', (_, input, expected) => {
		expect(planInstall(input)).toMatchObject(expected);
	});

	it('points the bundle’s relations at an adopted collection, typed like its primary key, and drops its own contacts', () => {
		const plan = planInstall(facts(teamContacts, { env: { ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: 'email_address' } }));
		if (!plan.ok) throw new Error(plan.message);
		expect(plan.schema.collections.map((c) => c.collection)).toEqual(['activities', 'contact_notes']);
		expect(plan.schema.fields.filter((f) => f.collection === 'contacts')).toEqual([]);

		expect(plan.schema.fields.find((f) => f.field === 'contact')).toMatchObject({
			type: 'integer',
			meta: { options: null },
			schema: { data_type: 'integer', foreign_key_table: 'contacts' },
		});
	});
});

describe('mergeSnapshot', () => {
	const current: Snapshot = {
		version: 1,
		collections: [
			{ collection: 'products', meta: { icon: 'p' }, schema: { name: 'products' } },
			{ collection: 'activities', meta: { icon: 'old' }, schema: { name: 'activities', comment: 'db' } },
		],
		fields: [
			pk('products'),
			{ ...pk('activities', 'uuid'), schema: { is_primary_key: true, data_type: 'uuid' } },
			field('activities', 'team_note'),
		],
		relations: [{ collection: 'products', field: 'owner', related_collection: 'directus_users' }],
	};

	const ours: Snapshot = {
		collections: [{ collection: 'activities', meta: { icon: 'bolt' }, schema: { name: 'activities' } }],
		fields: [pk('activities', 'uuid'), field('activities', 'subject')],
		relations: [],
	};

	const merged = mergeSnapshot(current, ours);

	it('keeps everything of the project: its collections, relations and the fields it added to ours', () => {
		expect(merged.collections.map((c) => c.collection).sort()).toEqual(['activities', 'products']);
		expect(merged.relations).toEqual(current.relations);

		expect(merged.fields.map((f) => `${f.collection}.${f.field}`).sort()).toEqual([
			'activities.id',
			'activities.subject',
			'activities.team_note',
			'products.id',
		]);

		expect(merged['version']).toBe(1);
	});

	it('takes our Studio metadata but the existing database definition', () => {
		expect(merged.collections.find((c) => c.collection === 'activities')).toEqual({
			collection: 'activities',
			meta: { icon: 'bolt' },
			schema: { name: 'activities', comment: 'db' },
		});

		expect(merged.fields.find((f) => f.collection === 'activities' && f.field === 'id')!.schema).toEqual({
			is_primary_key: true,
			data_type: 'uuid',
		});

		expect(merged.fields.find((f) => f.field === 'subject')!.schema).toEqual({ data_type: 'varchar' });
	});
});
