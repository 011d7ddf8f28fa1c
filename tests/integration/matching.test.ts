// Contact matching on ingest, re-matching, malformed contacts, and notes written once per activity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, call, createChannel } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';

describe.each(vendors())('matching on %s', (vendor) => {
	let instance: Instance;
	let channel: { id: string; key: string; webhook: string };

	const ingest = async (fields: Record<string, unknown>) => {
		const reply = await call(channel.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': channel.key },
			json: fields,
		});

		expect(reply.status, reply.text).toBe(202);
		return reply.body.data;
	};

	const contact = async (fields: Record<string, unknown>) =>
		(await admin(instance).post('/items/contacts', fields)).body.data.id;

	const activity = async (id: string) => (await admin(instance).get(`/items/activities/${id}`)).body.data;

	beforeAll(async () => {
		instance = await startInstance(vendor);
		channel = await createChannel(instance, { provider: 'generic' });
	});

	afterAll(() => instance?.stop());

	it('matches messy stored formats and refuses cross-country look-alikes', async () => {
		const us = await contact({
			first_name: 'Ana',
			phones: [{ number: '+1 (415) 555-0101', type: 'work' }],
			emails: [{ email: 'Ana.Ruiz@ACME.example', type: 'work' }],
		});

		const national = await contact({ first_name: 'Bo', phones: [{ number: '415-555-0199', type: 'mobile' }] });

		// Malformed stored values: an object where a list belongs, entries that are no phone number.
		await contact({
			first_name: 'Broken',
			emails: { email: 'not-a-list@x.example' },
			phones: ['call me maybe', { number: 'n/a' }, 42],
		});

		if (vendor === 'sqlite') {
			// Only SQLite lets a JSON field hold text that is not JSON (imports, old data); re-indexing it must cope.
			const [garbage] = await instance
				.db('contacts')
				.insert({ first_name: 'Garbage', emails: '[not json', phones: 'call me maybe' })
				.returning('id');

			expect(
				(await admin(instance).patch(`/items/contacts/${garbage.id ?? garbage}`, { last_name: 'Data' })).status,
			).toBe(200);
		}

		await expect.poll(async () => Number((await instance.db('contact_identities').count({ n: '*' }))[0]!.n)).toBe(3);

		expect(await ingest({ type: 'sms', sender: '+14155550101' })).toMatchObject({ contact: us });
		expect(await ingest({ type: 'email', sender: 'Ana Ruiz <ana.ruiz@acme.example>' })).toMatchObject({ contact: us });
		expect(await ingest({ type: 'sms', sender: 'whatsapp:+14155550199' })).toMatchObject({ contact: national });
		const foreign = await ingest({ type: 'sms', sender: '+44 20 4155 550101' });
		expect(foreign.contact).toBeNull();
		expect(await activity(foreign.id)).toMatchObject({ match_status: 'unmatched' });

		const outbound = await ingest({
			type: 'email',
			direction: 'outbound',
			sender: 'me@us.example',
			recipient: 'ana.ruiz@acme.example',
		});

		expect(outbound.contact).toBe(us);
	});

	it('flags an ambiguous sender with its candidates instead of guessing', async () => {
		const a = await contact({ first_name: 'Twin A', emails: [{ email: 'shared@family.example', type: 'home' }] });
		const b = await contact({ first_name: 'Twin B', emails: [{ email: 'SHARED@family.example', type: 'home' }] });

		await expect
			.poll(async () => (await instance.db('contact_identities').where({ value: 'shared@family.example' })).length)
			.toBe(2);

		const result = await ingest({ type: 'email', sender: 'shared@family.example' });
		expect(result.contact).toBeNull();
		const row = await activity(result.id);
		expect(row.match_status).toBe('ambiguous');
		expect(row.match_candidates.map(String).sort()).toEqual([String(a), String(b)].sort());
		const linked = await admin(instance).post(`/activity-hub/activities/${result.id}/link`, { contact: a });
		expect(linked.status).toBe(200);
		expect(await activity(result.id)).toMatchObject({ contact: a, match_status: 'matched' });
	});

	it('re-matches orphans when a contact gains a phone', async () => {
		const orphan = await ingest({ type: 'call', sender: '+12125550123' });
		expect(orphan.contact).toBeNull();
		const later = await contact({ first_name: 'Cy' });
		await admin(instance).patch(`/items/contacts/${later}`, { phones: [{ number: '(212) 555-0123', type: 'work' }] });
		await expect.poll(async () => (await activity(orphan.id)).contact, { timeout: 10_000 }).toBe(later);
		expect((await activity(orphan.id)).match_status).toBe('matched');
	});

	it('turns an activity into a note once, however often it is asked', async () => {
		const person = await contact({ first_name: 'Di', emails: [{ email: 'di@example.org', type: 'work' }] });
		await expect.poll(async () => (await instance.db('contact_identities').where({ contact: person })).length).toBe(1);

		const event = await ingest({
			type: 'email',
			sender: 'di@example.org',
			subject: 'Renewal',
			content: 'We renew for 2 years',
		});

		const replies = await Promise.all(
			[1, 2, 3].map(() => admin(instance).post(`/activity-hub/activities/${event.id}/note`, {})),
		);

		expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 201]);
		const notes = await instance.db('contact_notes').where({ activity: event.id });
		expect(notes).toHaveLength(1);
		expect(notes[0]).toMatchObject({ content: 'Renewal\n\nWe renew for 2 years', source: 'person' });

		const direct = await admin(instance).post('/items/contact_notes', {
			contact: person,
			content: 'again',
			activity: event.id,
		});

		expect(direct.status).toBe(400);
		expect(await instance.db('contact_notes').where({ activity: event.id })).toHaveLength(1);
	});
});

describe.each(vendors())('unknown senders on %s', (vendor) => {
	let instance: Instance;

	beforeAll(async () => {
		instance = await startInstance(vendor);
	});

	afterAll(() => instance?.stop());

	it('creates a contact for an unknown sender only where the channel asks for it', async () => {
		const creating = await createChannel(instance, { provider: 'generic', create_unknown_contacts: true });
		const plain = await createChannel(instance, { provider: 'generic' });

		const send = (channel: { webhook: string; key: string }, json: unknown) =>
			call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, json });

		const first = (await send(creating, { type: 'email', sender: 'Zoe Quinn <zoe@new.example>', external_id: 'z1' }))
			.body.data;

		expect(first.contact).not.toBeNull();
		const created = (await admin(instance).get(`/items/contacts/${first.contact}`)).body.data;

		expect(created).toMatchObject({
			first_name: 'Zoe',
			last_name: 'Quinn',
			emails: [{ email: 'zoe@new.example', type: 'other' }],
		});

		expect(
			(await send(creating, { type: 'email', sender: 'zoe@new.example', external_id: 'z2' })).body.data.contact,
		).toBe(first.contact);

		expect(
			(await send(creating, { type: 'email', sender: 'Zoe Quinn <zoe@new.example>', external_id: 'z1' })).body.data,
		).toMatchObject({ duplicate: true, contact: first.contact });

		expect((await send(plain, { type: 'email', sender: 'nobody@unknown.example' })).body.data.contact).toBeNull();
		expect(await instance.db('contacts').where({ first_name: 'nobody' })).toHaveLength(0);
		expect(await instance.db('contacts').where({ first_name: 'Zoe' })).toHaveLength(1);
	});
});
