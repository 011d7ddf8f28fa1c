// The lease queue over HTTP: claim, heartbeat, complete, fail, fencing, retries, agents' permissions, and
// concurrent workers draining without double processing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { admin, call, createChannel, createUser } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';

describe.each(vendors())('queue on %s', (vendor) => {
	let instance: Instance;
	let channel: { id: string; key: string; webhook: string };
	const agentToken = `agent-${vendor}-token`;

	const agent = (path: string, json: unknown, token = agentToken) =>
		call(`${instance.url}/activity-hub${path}`, { method: 'POST', token, json });

	const ingest = async (fields: Record<string, unknown>) =>
		(await call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, json: fields })).body
			.data.id as string;

	const row = async (id: string) => instance.db('activities').where({ id }).first();

	beforeAll(async () => {
		instance = await startInstance(vendor, { ACTIVITY_HUB_REAPER_CRON: '*/1 * * * * *' });
		channel = await createChannel(instance, { provider: 'generic' });
		await createUser(instance, AGENT_ROLE_ID, agentToken);
		await createUser(instance, null, `nobody-${vendor}`);
	});

	afterAll(() => instance?.stop());

	it('claims, heartbeats and completes with a note, fenced by the lease token', async () => {
		const person = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Eve',
				emails: [{ email: 'eve@example.org', type: 'work' }],
			})
		).body.data.id;

		await expect.poll(async () => (await instance.db('contact_identities').where({ contact: person })).length).toBe(1);

		const id = await ingest({
			type: 'call',
			sender: 'eve@example.org',
			content: 'voicemail',
			external_id: `q1-${vendor}`,
		});

		const claimed = await agent('/queue/claim', { limit: 10, lease_seconds: 30 });
		expect(claimed.status).toBe(200);
		const item = claimed.body.data.find((a: { id: string }) => a.id === id);

		expect(item).toMatchObject({
			status: 'processing',
			attempts: 1,
			content: 'voicemail',
			lease_token: expect.any(String),
		});

		expect((await agent('/queue/claim', { limit: 10 })).body.data.map((a: { id: string }) => a.id)).not.toContain(id);

		expect((await agent(`/queue/${id}/heartbeat`, { lease_token: 'stale', lease_seconds: 60 })).status).toBe(409);

		expect((await agent(`/queue/${id}/heartbeat`, { lease_token: item.lease_token, lease_seconds: 60 })).status).toBe(
			200,
		);

		const done = await agent(`/queue/${id}/complete`, {
			lease_token: item.lease_token,
			processed_data: { summary: 'Asked for a callback' },
			note: 'Eve asked for a callback',
		});

		expect(done.status).toBe(200);
		expect(await row(id)).toMatchObject({ status: 'completed', lease_token: null });
		const notes = await instance.db('contact_notes').where({ activity: id });
		expect(notes).toMatchObject([{ content: 'Eve asked for a callback', source: 'agent', author: null }]);

		expect((await agent(`/queue/${id}/complete`, { lease_token: item.lease_token, processed_data: {} })).status).toBe(
			409,
		);
	});

	it('rejects a late complete after the lease expired and was re-claimed', async () => {
		const id = await ingest({ type: 'sms', content: 'late', external_id: `q2-${vendor}` });

		const first = (await agent('/queue/claim', { limit: 100, lease_seconds: 5 })).body.data.find(
			(a: { id: string }) => a.id === id,
		);

		await instance
			.db('activities')
			.where({ id })
			.update({ lease_expires_at: vendor === 'sqlite' ? Date.now() - 1000 : new Date(Date.now() - 1000) });

		const second = (await agent('/queue/claim', { limit: 100, lease_seconds: 60 })).body.data.find(
			(a: { id: string }) => a.id === id,
		);

		expect(second).toMatchObject({ attempts: 2 });

		expect(
			(await agent(`/queue/${id}/complete`, { lease_token: first.lease_token, processed_data: { by: 'first' } }))
				.status,
		).toBe(409);

		expect(
			(await agent(`/queue/${id}/complete`, { lease_token: second.lease_token, processed_data: { by: 'second' } }))
				.status,
		).toBe(200);

		const processed = (await row(id)).processed_data;
		expect(typeof processed === 'string' ? JSON.parse(processed) : processed).toEqual({ by: 'second' });
	});

	it('retries with backoff, dead-letters at max_attempts, and an admin can retry', async () => {
		const id = await ingest({ type: 'sms', content: 'poison', external_id: `q3-${vendor}` });
		await instance.db('activities').where({ id }).update({ max_attempts: 2 });

		const claimOne = async () =>
			(await agent('/queue/claim', { limit: 100, lease_seconds: 30 })).body.data.find(
				(a: { id: string }) => a.id === id,
			);

		const first = await claimOne();
		const failed = await agent(`/queue/${id}/fail`, { lease_token: first.lease_token, error: 'transcriber crashed' });
		expect(failed.body.data).toMatchObject({ status: 'raw' });
		expect(await claimOne()).toBeUndefined(); // backing off

		await instance
			.db('activities')
			.where({ id })
			.update({ available_at: vendor === 'sqlite' ? Date.now() - 1 : new Date(Date.now() - 1) });

		const second = await claimOne();
		expect(second.attempts).toBe(2);

		expect(
			(await agent(`/queue/${id}/fail`, { lease_token: second.lease_token, error: 'crashed again' })).body.data,
		).toMatchObject({ status: 'failed' });

		expect(await row(id)).toMatchObject({ status: 'failed', last_error: 'crashed again', attempts: 2 });
		expect(await claimOne()).toBeUndefined();

		expect(
			(await call(`${instance.url}/activity-hub/activities/${id}/retry`, { method: 'POST', token: agentToken })).status,
		).toBe(403);

		expect((await admin(instance).post(`/activity-hub/activities/${id}/retry`)).status).toBe(200);
		expect(await row(id)).toMatchObject({ status: 'raw', attempts: 0 });
	});

	it('the reaper returns expired leases to raw, counting the attempt', async () => {
		const id = await ingest({ type: 'sms', content: 'abandoned', external_id: `q4-${vendor}` });

		const claimed = (await agent('/queue/claim', { limit: 100, lease_seconds: 5 })).body.data.find(
			(a: { id: string }) => a.id === id,
		);

		expect(claimed).toBeDefined();
		await expect.poll(async () => (await row(id)).status, { timeout: 15_000, interval: 500 }).toBe('raw');

		expect(await row(id)).toMatchObject({
			attempts: 1,
			lease_token: null,
			last_error: expect.stringContaining('Lease expired'),
		});
	});

	it('only agents and admins work the queue; agents read no channel secrets', async () => {
		expect((await agent('/queue/claim', {}, `nobody-${vendor}`)).status).toBe(403);
		expect((await call(`${instance.url}/activity-hub/queue/claim`, { method: 'POST', json: {} })).status).toBe(401);
		expect((await agent('/queue/claim', { limit: 1000 })).status).toBe(400);
		expect((await call(`${instance.url}/items/ingestion_channel_secrets`, { token: agentToken })).status).toBe(403);
		expect((await call(`${instance.url}/items/ingestion_channels`, { token: agentToken })).status).toBe(403);
		expect((await agent(`/channels/${channel.id}/key`, {})).status).toBe(403);

		for (const collection of ['activities', 'contacts', 'contact_notes', 'ingestion_channels']) {
			expect((await call(`${instance.url}/items/${collection}`)).status).toBe(403);
		}
	});

	it('completes a batch in one call, each item fenced by its own lease', async () => {
		const ids = await Promise.all(
			[1, 2, 3].map((n) => ingest({ type: 'sms', content: `batch ${n}`, external_id: `qb${n}-${vendor}` })),
		);

		const claimed = (
			(await agent('/queue/claim', { limit: 100, lease_seconds: 60 })).body.data as Array<{
				id: string;
				lease_token: string;
			}>
		).filter((a) => ids.includes(a.id));

		expect(claimed).toHaveLength(3);

		const items = claimed.map((a, i) => ({
			id: a.id,
			lease_token: i === 2 ? 'not-the-token' : a.lease_token,
			processed_data: { n: i },
		}));

		const reply = await agent('/queue/complete', { items });
		expect(reply.status).toBe(200);

		expect(reply.body.data.map((r: { status?: string; error?: string }) => r.status ?? r.error)).toEqual([
			'completed',
			'completed',
			'LEASE_LOST',
		]);

		expect((await row(claimed[2]!.id)).status).toBe('processing');
		expect((await agent('/queue/complete', { items: [] })).status).toBe(400);
		expect((await agent('/queue/complete', { items: [{ id: 'x', lease_token: 't' }] })).status).toBe(400);
	});

	it("claims own work first, then global, then others' stale work, never from those who opted out", async () => {
		const owner = async (name: string) => createUser(instance, AGENT_ROLE_ID, `${name}-${vendor}`);
		const me = (await instance.db('directus_users').where({ token: agentToken }).first()).id;
		const [other, private_] = [await owner('other-owner'), await owner('private-owner')];
		await admin(instance).post('/items/agent_preferences', { user: private_, allow_remote_processing: false });

		const channels = {
			mine: await createChannel(instance, { provider: 'generic', owner: me }),
			global: await createChannel(instance, { provider: 'generic' }),
			other: await createChannel(instance, { provider: 'generic', owner: other }),
			private: await createChannel(instance, { provider: 'generic', owner: private_ }),
		};

		const send = async (channel: { webhook: string; key: string }, label: string) =>
			(
				await call(channel.webhook, {
					method: 'POST',
					headers: { 'x-ingestion-key': channel.key },
					json: { content: label },
				})
			).body.data.id as string;

		const ids = {
			otherStale: await send(channels.other, 'other stale'),
			otherFresh: await send(channels.other, 'other fresh'),
			privateStale: await send(channels.private, 'private stale'),
			global: await send(channels.global, 'global'),
			mine: await send(channels.mine, 'mine'),
		};

		const old = Date.now() - 20 * 60_000;

		await instance
			.db('activities')
			.whereIn('id', [ids.otherStale, ids.privateStale])
			.update({ available_at: vendor === 'sqlite' ? old : new Date(old) });

		const claimed = (await agent('/queue/claim', { limit: 10, channels: Object.values(channels).map((c) => c.id) }))
			.body.data as Array<{ id: string }>;

		expect(claimed.map((a) => a.id)).toEqual([ids.mine, ids.global, ids.otherStale]);
	});

	it('concurrent workers drain the queue: every activity completed exactly once', async () => {
		const total = 400;
		const channel2 = await createChannel(instance, { provider: 'generic' });

		await Promise.all(
			Array.from({ length: total }, (_, i) =>
				call(channel2.webhook, {
					method: 'POST',
					headers: { 'x-ingestion-key': channel2.key },
					json: { content: `job ${i}`, external_id: `drain-${i}` },
				}),
			),
		);

		const completions = new Map<string, number>();

		const worker = async () => {
			for (;;) {
				const batch = (await agent('/queue/claim', { limit: 10, lease_seconds: 60, channels: [channel2.id] })).body
					.data as Array<{ id: string; lease_token: string }>;

				if (batch.length === 0) return;

				for (const item of batch) {
					const reply = await agent(`/queue/${item.id}/complete`, {
						lease_token: item.lease_token,
						processed_data: { ok: true },
					});

					if (reply.status === 200) completions.set(item.id, (completions.get(item.id) ?? 0) + 1);
				}
			}
		};

		await Promise.all(Array.from({ length: 8 }, worker));
		expect(completions.size).toBe(total);
		expect([...completions.values()].every((n) => n === 1)).toBe(true);
		const rows = await instance.db('activities').where({ channel: channel2.id });

		expect(rows.every((r: { status: string; attempts: number }) => r.status === 'completed' && r.attempts === 1)).toBe(
			true,
		);
	});
});
