// The endpoints and rules behind the timeline's people-facing rows: linking an unmatched activity to a contact found
// by name, e-mail or phone, adding the sender's address so the next message matches, and notes that only their
// author (or an admin) changes or deletes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { admin, call, createChannel, createStudioUser, createUser } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';

describe.each(vendors())('Timeline endpoints on %s', (vendor) => {
	let instance: Instance;
	const alice = `notes-alice-${vendor}`;
	const bob = `notes-bob-${vendor}`;
	const agentA = `notes-agent-a-${vendor}`;
	const agentB = `notes-agent-b-${vendor}`;

	const as = (token: string) => ({
		post: (path: string, json: unknown) => call(`${instance.url}${path}`, { method: 'POST', token, json }),
		patch: (path: string, json: unknown) => call(`${instance.url}${path}`, { method: 'PATCH', token, json }),
		delete: (path: string) => call(`${instance.url}${path}`, { method: 'DELETE', token }),
		get: (path: string) => call(`${instance.url}${path}`, { token }),
	});

	beforeAll(async () => {
		instance = await startInstance(vendor);
		const crud = ['create', 'read', 'update', 'delete'].map((action) => ({ collection: 'contact_notes', action }));
		const reads = ['contacts', 'activities'].map((collection) => ({ collection, action: 'read' }));
		await createStudioUser(instance, alice, [...crud, ...reads]);
		await createStudioUser(instance, bob, [...crud, ...reads]);
		await createUser(instance, AGENT_ROLE_ID, agentA);
		await createUser(instance, AGENT_ROLE_ID, agentB);
	});

	afterAll(() => instance?.stop());

	it('finds contacts by name, e-mail and phone as written on the contact', async () => {
		const id = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Priya',
				last_name: 'Natarajan',
				emails: [{ email: 'priya@finder.example', type: 'work' }],
				phones: [{ number: '+1 (415) 555-0199', type: 'mobile' }],
			})
		).body.data.id;

		await expect.poll(async () => (await instance.db('contact_identities').where({ contact: id })).length).toBe(2);

		for (const q of ['Natarajan', 'priya@finder', '+1 415 555 0199', '4155550199', '555-0199']) {
			const found = await as(alice).get(`/activity-hub/contacts/search?q=${encodeURIComponent(q)}`);
			expect(found.status, q).toBe(200);

			expect(found.body.data, q).toContainEqual({
				id,
				name: 'Priya Natarajan',
				detail: 'priya@finder.example, +14155550199',
			});
		}

		expect((await as(alice).get('/activity-hub/contacts/search?q=nobody-like-this')).body.data).toEqual([]);
		expect((await call(`${instance.url}/activity-hub/contacts/search?q=Priya`)).status).toBe(401);
	});

	it('links an activity and adds its sender to the contact, so the next message from it matches', async () => {
		const contact = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Omar',
				phones: [{ number: '+1 202 555 0100', type: 'work' }],
			})
		).body.data.id;

		const channel = await createChannel(instance, { provider: 'generic' });

		const sms = (content: string) =>
			call(channel.webhook, {
				method: 'POST',
				headers: { 'x-ingestion-key': channel.key },
				json: { type: 'sms', sender: '+12025550143', recipient: '+12025550100', content },
			});

		const first = (await sms('new number, who dis')).body.data;
		expect(first.contact).toBeNull();

		const refused = await admin(instance).post(`/activity-hub/activities/${first.id}/link`, {
			contact,
			add_address: 'yes',
		});

		expect(refused.status).toBe(400);

		const linked = await admin(instance).post(`/activity-hub/activities/${first.id}/link`, {
			contact,
			add_address: true,
		});

		expect(linked.status).toBe(200);

		expect(linked.body.data).toEqual({
			id: first.id,
			contact,
			match_status: 'matched',
			added_address: { kind: 'phone', value: '+12025550143' },
		});

		expect((await admin(instance).get(`/items/contacts/${contact}`)).body.data.phones).toEqual([
			{ number: '+1 202 555 0100', type: 'work' },
			{ number: '+12025550143', type: 'other' },
		]);

		await expect
			.poll(async () => (await instance.db('contact_identities').where({ contact, value: '+12025550143' })).length)
			.toBe(1);

		expect((await sms('it is Omar again')).body.data.contact).toBe(contact);

		// Linking again adds no duplicate; without add_address the contact is left alone.
		const again = await admin(instance).post(`/activity-hub/activities/${first.id}/link`, {
			contact,
			add_address: true,
		});

		expect(again.body.data.added_address).toBeNull();
		expect((await admin(instance).get(`/items/contacts/${contact}`)).body.data.phones).toHaveLength(2);
		const missing = await admin(instance).post(`/activity-hub/activities/${first.id}/link`, { contact: 987654 });
		expect(missing.status).toBe(404);
	});

	it('lets people change and delete only their own notes; admins any; agents their own', async () => {
		const contact = (await admin(instance).post('/items/contacts', { first_name: 'Notes' })).body.data.id;

		const write = async (token: string | null, content: string) => {
			const reply = token
				? await as(token).post('/items/contact_notes', { contact, content })
				: await admin(instance).post('/items/contact_notes', { contact, content });

			expect(reply.status, reply.text).toBe(200);
			return reply.body.data.id as number;
		};

		const alicesNote = await write(alice, 'by Alice');
		const bobsNote = await write(bob, 'by Bob');

		const edited = await as(alice).patch(`/items/contact_notes/${alicesNote}`, { content: 'by Alice, edited' });
		expect(edited.status).toBe(200);
		expect(edited.body.data.content).toBe('by Alice, edited');

		const foreign = await as(alice).patch(`/items/contact_notes/${bobsNote}`, { content: 'hijacked' });
		expect(foreign.status).toBe(403);
		expect(foreign.body.errors[0].extensions.code).toBe('FORBIDDEN');
		expect((await as(alice).delete(`/items/contact_notes/${bobsNote}`)).status).toBe(403);

		// A batch with one foreign note changes nothing.
		expect(
			(await as(alice).patch('/items/contact_notes', { keys: [alicesNote, bobsNote], data: { content: 'x' } })).status,
		).toBe(403);

		expect((await instance.db('contact_notes').where({ id: bobsNote }).first()).content).toBe('by Bob');

		// Nobody takes over authorship by editing.
		await as(alice).patch(`/items/contact_notes/${alicesNote}`, { author: null, source: 'agent' });
		expect(await instance.db('contact_notes').where({ id: alicesNote }).first()).toMatchObject({ source: 'person' });

		const agentsNote = await write(agentA, 'by agent A');
		expect((await as(agentB).patch(`/items/contact_notes/${agentsNote}`, { content: 'B was here' })).status).toBe(403);
		expect((await as(agentA).patch(`/items/contact_notes/${agentsNote}`, { content: 'A again' })).status).toBe(200);

		expect((await admin(instance).patch(`/items/contact_notes/${bobsNote}`, { content: 'moderated' })).status).toBe(
			200,
		);

		expect((await as(alice).delete(`/items/contact_notes/${alicesNote}`)).status).toBe(204);
		expect((await admin(instance).delete(`/items/contact_notes/${bobsNote}`)).status).toBe(204);
	});
});
