// A team that already keeps people in its own collection points Activity Hub at it: nothing of theirs is created
// or altered, and matching, relations and re-matching work on their collection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectus } from '../../scripts/lib/directus.mjs';
import { call, createChannel } from '../harness/api.js';
import { vendors } from '../harness/instance.js';
import { plainProject, type PlainProject } from '../harness/project.js';
import { ADMIN } from '../harness/shared.js';

const OWN = {
	ACTIVITY_HUB_CONTACTS_COLLECTION: 'people',
	ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: 'work_email',
	ACTIVITY_HUB_CONTACT_PHONE_FIELDS: 'mobile',
};

describe.each(vendors())('own contacts collection on %s', (vendor) => {
	let project: PlainProject;
	let server: RunningDirectus;
	let personId: string;
	let fieldsBefore: string[];

	beforeAll(async () => {
		project = await plainProject(vendor, 'people');
		const plain = await project.start();

		await project.api('POST', '/collections', {
			collection: 'people',
			schema: {},
			meta: {},
			fields: [
				{
					field: 'id',
					type: 'uuid',
					meta: { special: ['uuid'] },
					schema: { is_primary_key: true, length: 36, has_auto_increment: false },
				},
				{ field: 'name', type: 'string' },
				{ field: 'work_email', type: 'string' },
				{ field: 'mobile', type: 'string' },
			],
		});

		personId = (await project.api('POST', '/items/people', { name: 'Ana Ruiz', work_email: 'Ana.Ruiz@acme.example' }))
			.data.id;

		fieldsBefore = (await project.api('GET', '/fields/people')).data.map((f: { field: string }) => f.field).sort();
		await plain.stop();
		project.addExtension();
		server = await project.start(OWN);
	}, 240_000);

	afterAll(async () => {
		await server?.stop();
		await project?.close();
	});

	it('creates no contacts collection and leaves the team\u2019s collection as it was', async () => {
		const collections = (await project.api('GET', '/collections')).data.map(
			(c: { collection: string }) => c.collection,
		);

		expect(collections).toContain('activities');
		expect(collections).not.toContain('contacts');

		expect((await project.api('GET', '/fields/people')).data.map((f: { field: string }) => f.field).sort()).toEqual(
			fieldsBefore,
		);
	});

	it('matches ingested activities to the team\u2019s people, relates them, and re-matches when a phone is added', async () => {
		const channel = await createChannel({ url: project.url, token: ADMIN.token }, { provider: 'generic' });

		const send = (json: unknown) =>
			call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, json });

		await expect
			.poll(async () => (await send({ type: 'email', sender: 'ana.ruiz@acme.example' })).body.data.contact, {
				timeout: 10_000,
			})
			.toBe(personId);

		const activity = (await send({ type: 'email', sender: 'Ana <ana.ruiz@acme.example>', subject: 'hello' })).body.data;
		const read = await project.api('GET', `/items/activities/${activity.id}?fields=id,contact.name`);
		expect(read.data.contact).toEqual({ name: 'Ana Ruiz' });

		const orphan = (await send({ type: 'sms', sender: '+14155550123' })).body.data;
		expect(orphan.contact).toBeNull();
		await project.api('PATCH', `/items/people/${personId}`, { mobile: '(415) 555-0123' });

		await expect
			.poll(async () => (await project.api('GET', `/items/activities/${orphan.id}`)).data.contact, { timeout: 10_000 })
			.toBe(personId);

		const note = await project.api('POST', `/activity-hub/activities/${orphan.id}/note`, { content: 'Called back' });
		expect(note.data.created).toBe(true);
	});
});
