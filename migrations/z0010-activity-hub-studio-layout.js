// Studio laid out for a CRM user. The Insights dashboard's Queue health panel grows so its recent failures (subject,
// channel, error) show without scrolling, the feed moving down by as much, if both are still where z0008 put them.
// The channel form puts its setup first: the Channel setup interface on top, then what a person decides (name,
// provider, defaults), and the raw fields (key prefix, byte limits, counters) in a collapsed "Advanced" group. The
// counters are hidden: the setup shows them, from the same columns, so the form has one set. Byte limits are set
// in MB in the setup; their raw fields say so and show as file sizes in lists.
// A field's Studio metadata changes only while it still holds what the bundle gave it, so a team's own layout
// stays theirs. Test events stored as queued work by earlier versions are completed, so no agent claims them.
import { DASHBOARD_ID } from './z0006-activity-hub-dashboard.js';

const COLLECTION = 'ingestion_channels';

const PANELS = [
	{ id: '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a91', seeded: [1, 1, 34, 14], now: [1, 1, 34, 19] },
	{ id: '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a92', seeded: [1, 15, 34, 34], now: [1, 20, 34, 34] },
];

const geometry = ([position_x, position_y, width, height]) => ({ position_x, position_y, width, height });

export const ADVANCED_GROUP = 'advanced';

const SETUP_LABEL = JSON.stringify([
	{ language: 'en-US', translation: 'Setup' },
	{ language: 'de-DE', translation: 'Einrichtung' },
]);

// field: [what the bundle set before, what it sets now]
const CHANGES = {
	secrets: [
		{ sort: 18, translations: null },
		{ sort: 2, translations: SETUP_LABEL },
	],
	name: [{ sort: 2 }, { sort: 3 }],
	provider: [{ sort: 3 }, { sort: 4 }],
	enabled: [{ sort: 4 }, { sort: 5 }],
	default_type: [{ sort: 5 }, { sort: 6 }],
	default_direction: [{ sort: 6 }, { sort: 7 }],
	owner: [{ sort: 7 }, { sort: 8 }],
	allowed_mime_types: [{ sort: 12 }, { sort: 9 }],
	create_unknown_contacts: [{ sort: 13 }, { sort: 10 }],
	date_created: [{ sort: 19 }, { sort: 11 }],
	date_updated: [{ sort: 20 }, { sort: 13 }],
	key_prefix: [
		{ sort: 8, group: null },
		{ sort: 1, group: ADVANCED_GROUP },
	],
	max_request_bytes: [
		{ sort: 9, group: null, note: 'Default 35 MB', display: null },
		{
			sort: 2,
			group: ADVANCED_GROUP,
			note: 'In bytes (35 MB = 36700160); set it in MB in the setup above',
			display: 'filesize',
		},
	],
	max_file_bytes: [
		{ sort: 10, group: null, note: 'Default 25 MB', display: null },
		{
			sort: 3,
			group: ADVANCED_GROUP,
			note: 'In bytes (25 MB = 26214400); set it in MB in the setup above',
			display: 'filesize',
		},
	],
	max_files: [
		{ sort: 11, group: null },
		{ sort: 4, group: ADVANCED_GROUP },
	],
	last_received_at: [
		{ sort: 14, group: null, hidden: false },
		{ sort: 5, group: ADVANCED_GROUP, hidden: true },
	],
	received_count: [
		{ sort: 15, group: null, hidden: false },
		{ sort: 6, group: ADVANCED_GROUP, hidden: true },
	],
	duplicate_count: [
		{ sort: 16, group: null, hidden: false },
		{ sort: 7, group: ADVANCED_GROUP, hidden: true },
	],
	rejected_count: [
		{ sort: 17, group: null, hidden: false },
		{ sort: 8, group: ADVANCED_GROUP, hidden: true },
	],
};

const GROUP = {
	collection: COLLECTION,
	field: ADVANCED_GROUP,
	special: 'alias,no-data,group',
	interface: 'group-detail',
	options: JSON.stringify({ start: 'closed', headerIcon: 'tune' }),
	readonly: false,
	hidden: false,
	sort: 12,
	width: 'full',
	note: 'Key prefix, limits in bytes and raw counters; the setup above covers them',
	translations: JSON.stringify([
		{ language: 'en-US', translation: 'Advanced' },
		{ language: 'de-DE', translation: 'Erweitert' },
	]),
	required: false,
};

const TEST_SENDER = 'test@activity-hub.invalid';

// SQLite stores booleans as 0/1; a missing note or display is null or empty.
const same = (stored, expected) =>
	typeof expected === 'boolean' ? Boolean(stored) === expected : (stored ?? null) === expected;

const parsed = (metadata) => {
	try {
		return typeof metadata === 'string' ? JSON.parse(metadata) : metadata;
	} catch {
		return null;
	}
};

export async function up(knex) {
	const panels = await knex('directus_panels')
		.where({ dashboard: DASHBOARD_ID })
		.select('id', ...Object.keys(geometry([])));

	const untouched = (id, seeded) =>
		panels.some((p) => p.id === id && Object.entries(geometry(seeded)).every(([k, v]) => Number(p[k]) === v));

	// Both or neither: moving one alone would overlap them.
	if (PANELS.every(({ id, seeded }) => untouched(id, seeded)))
		for (const { id, now } of PANELS) await knex('directus_panels').where({ id }).update(geometry(now));

	if (!(await knex('directus_fields').where({ collection: COLLECTION, field: ADVANCED_GROUP }).first()))
		await knex('directus_fields').insert(GROUP);

	const rows = await knex('directus_fields').where({ collection: COLLECTION }).whereIn('field', Object.keys(CHANGES));

	for (const row of rows) {
		const [before, after] = CHANGES[row.field];
		const untouched = Object.entries(before).every(([key, value]) => same(row[key], value));
		if (untouched) await knex('directus_fields').where({ id: row.id }).update(after);
	}

	// Test events queued by earlier versions: completed now, as new ones are stored.
	const queuedTests = await knex('activities').where({ status: 'raw', sender: TEST_SENDER }).select('id', 'metadata');

	const now = String(knex.client.config.client).startsWith('sqlite') ? Date.now() : new Date();

	for (const { id, metadata } of queuedTests)
		if (parsed(metadata)?.test === true)
			await knex('activities').where({ id, status: 'raw' }).update({ status: 'completed', completed_at: now });
}
