// Studio laid out for a CRM user. The Insights dashboard's Queue health panel grows so its recent failures (subject,
// channel, error) show without scrolling, the feed moving down by as much, if both are still where z0008 put them.
// The channel form (setup first, the raw fields in a collapsed "Advanced" group, the counters hidden, byte limits
// noted and shown as file sizes) is the bundle's Studio metadata, so it lives in the schema snapshot
// (scripts/schema-definition.ts): the snapshot merge that precedes the install steps sets it on a fresh install and on
// an upgrade alike, and keeps it on every later merge, which a one-off step could not. Test events stored as queued
// work by earlier versions are completed, so no agent claims them.
import { DASHBOARD_ID } from './z0006-activity-hub-dashboard.js';

const PANELS = [
	{ id: '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a91', seeded: [1, 1, 34, 14], now: [1, 1, 34, 19] },
	{ id: '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a92', seeded: [1, 15, 34, 34], now: [1, 20, 34, 34] },
];

const geometry = ([position_x, position_y, width, height]) => ({ position_x, position_y, width, height });

const TEST_SENDER = 'test@activity-hub.invalid';

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

	// Test events queued by earlier versions: completed now, as new ones are stored.
	const queuedTests = await knex('activities').where({ status: 'raw', sender: TEST_SENDER }).select('id', 'metadata');

	const now = String(knex.client.config.client).startsWith('sqlite') ? Date.now() : new Date();

	for (const { id, metadata } of queuedTests)
		if (parsed(metadata)?.test === true)
			await knex('activities').where({ id, status: 'raw' }).update({ status: 'completed', completed_at: now });
}
