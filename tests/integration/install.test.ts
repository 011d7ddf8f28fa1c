// Installing is additive: a project's own collections and data survive install and re-install, and every
// bundle collection is usable over REST with @directus/sdk.
import { randomUUID } from 'node:crypto';
import { createDirectus, createItem, readItems, rest, staticToken } from '@directus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installActivityHub } from '../../scripts/lib/directus.mjs';
import { ADMIN } from '../harness/shared.js';
import { admin } from '../harness/api.js';
import { startInstance, vendors, type Instance } from '../harness/instance.js';
import { plainProject } from '../harness/project.js';

describe.each(vendors())('install on %s', (vendor) => {
	it('keeps a pre-existing user collection and its data through install and re-install', async () => {
		// A plain Directus project that already has its own collection and data.
		const project = await plainProject(vendor, 'existing');
		let server = await project.start(false);
		await project.api('POST', '/collections', {
			collection: 'products',
			schema: {},
			meta: {},
			fields: [{ field: 'id', type: 'integer', schema: { is_primary_key: true, has_auto_increment: true } }, { field: 'title', type: 'string' }],
		});
		const client = createDirectus(project.url).with(staticToken(ADMIN.token)).with(rest());
		await client.request(createItem('products', { title: 'Widget' }));
		await server.stop();

		for (let round = 0; round < 2; round++) {
			await installActivityHub(project.env);
			server = await project.start();
			expect(await client.request(readItems('products'))).toEqual([{ id: 1, title: 'Widget' }]);
			const collections = (await project.api('GET', '/collections')).data.map((c: { collection: string }) => c.collection);
			expect(collections).toEqual(expect.arrayContaining(['products', 'contacts', 'activities', 'ingestion_channels', 'contact_notes']));
			await server.stop();
		}
	});
});

describe.each(vendors())('REST on %s', (vendor) => {
	let instance: Instance;
	beforeAll(async () => {
		instance = await startInstance(vendor);
	});
	afterAll(() => instance?.stop());

	it('creates and reads every bundle collection with @directus/sdk', async () => {
		const client = createDirectus(instance.url).with(staticToken(instance.token)).with(rest());
		const contact = await client.request(createItem('contacts', { first_name: 'Ana', last_name: 'Ruiz', emails: [{ email: 'ana@acme.example', type: 'work' }] }));
		const channel = await client.request(createItem('ingestion_channels', { name: 'Support SMS', provider: 'twilio' }));
		const note = await client.request(createItem('contact_notes', { contact: contact.id, content: 'Met at the fair' }));
		const activity = await client.request(createItem('activities', { type: 'note', direction: 'inbound', content: 'typed in Studio', contact: contact.id, channel: channel.id }));
		expect(activity).toMatchObject({ status: 'raw', match_status: 'matched', contact: contact.id });
		expect(note).toMatchObject({ source: 'person', author: expect.any(String) });
		await client.request(createItem('agent_preferences', { user: note.author, stale_threshold_minutes: 30 }));
		const timeline = await client.request(readItems('activities', { filter: { contact: { _eq: contact.id } }, sort: ['-occurred_at'] }));
		expect(timeline.map((a) => a['id'])).toEqual([activity.id]);
	});

	it('enforces idempotency and one note per activity with unique indexes', async () => {
		const channel = (await admin(instance).post('/items/ingestion_channels', { name: 'x', provider: 'generic' })).body.data.id;
		const row = { id: randomUUID(), type: 'note', direction: 'inbound', status: 'raw', channel, external_id: 'same', attempts: 0, max_attempts: 5, match_status: 'unmatched' };
		await instance.db('activities').insert(row);
		await expect(instance.db('activities').insert({ ...row, id: randomUUID() })).rejects.toThrow(/unique|UNIQUE/);
		const indexes =
			vendor === 'pg'
				? (await instance.db.raw(`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'activities'`)).rows
				: await instance.db.raw(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'activities'`);
		expect(indexes.map((i: { name: string }) => i.name)).toEqual(expect.arrayContaining(['activities_queued_idx', 'activities_queued_global_idx', 'activities_leased_idx', 'activities_timeline_idx', 'activities_channel_external_id_unique']));
	});
});
