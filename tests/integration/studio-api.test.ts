// The endpoints behind the Studio UI: queue health for the panel, the channel setup's test events and secret
// badges, and Studio uploads through the webhook pipeline authenticated by the Directus session instead of an
// ingestion key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { admin, call, createChannel, createStudioUser, createUser } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe.each(vendors())('Studio endpoints on %s', (vendor) => {
	let instance: Instance;
	const agentToken = `studio-agent-${vendor}`;
	const uploaderToken = `studio-uploader-${vendor}`;
	const nobodyToken = `studio-nobody-${vendor}`;

	const upload = (channel: string, files: Array<[string, Buffer, string]>, token = instance.token) => {
		const form = new FormData();
		for (const [name, content, type] of files) form.append('file', new Blob([new Uint8Array(content)], { type }), name);
		return call(`${instance.url}/activity-hub/channels/${channel}/upload`, { method: 'POST', token, body: form });
	};

	const fileCount = async () => Number((await instance.db('directus_files').count({ n: '*' }).first())!['n']);

	beforeAll(async () => {
		instance = await startInstance(vendor);
		await createUser(instance, AGENT_ROLE_ID, agentToken);
		await createUser(instance, null, nobodyToken);
		// A Studio user whose policy allows creating activities (whole collection: the Core tier's only kind of rule).
		await createStudioUser(instance, uploaderToken, [{ collection: 'activities', action: 'create' }]);
	});

	afterAll(() => instance?.stop());

	it('reports queue health: counts, oldest wait, throughput and recent failures', async () => {
		const channel = await createChannel(instance, { name: 'Health feed', provider: 'generic' });
		const ids: string[] = [];
		for (const n of [1, 2, 3])
			ids.push(
				(
					await call(channel.webhook, {
						method: 'POST',
						headers: { 'x-ingestion-key': channel.key },
						json: { type: 'sms', subject: `Health ${n}`, content: `h${n}` },
					})
				).body.data.id,
			);

		const claimed = (await admin(instance).post('/activity-hub/queue/claim', { limit: 2, channels: [channel.id] })).body
			.data;

		await admin(instance).post(`/activity-hub/queue/${claimed[0].id}/complete`, {
			lease_token: claimed[0].lease_token,
		});

		await admin(instance).post(`/activity-hub/queue/${claimed[1].id}/fail`, {
			lease_token: claimed[1].lease_token,
			error: 'model refused',
			retry: false,
		});

		const health = await call(`${instance.url}/activity-hub/queue/health`, { token: agentToken });
		expect(health.status).toBe(200);
		expect(health.body.data).toMatchObject({ queued: 1, processing: 0, failed: 1, completed_last_hour: 1 });
		expect(health.body.data.throughput_per_minute).toBeCloseTo(1 / 15, 1);
		expect(health.body.data.oldest_queued_seconds).toBeGreaterThanOrEqual(0);

		// A failure says what it was and where it came from.
		expect(health.body.data.recent_failures).toMatchObject([
			{
				id: claimed[1].id,
				last_error: 'model refused',
				attempts: 1,
				subject: claimed[1].subject,
				channel: channel.id,
				channel_name: 'Health feed',
			},
		]);

		expect((await call(`${instance.url}/activity-hub/queue/health`, { token: nobodyToken })).status).toBe(403);
		expect((await call(`${instance.url}/activity-hub/queue/health`)).status).toBe(401);
	});

	it('sends a test event that is stored, counted and marked as a test; admins only', async () => {
		const channel = await createChannel(instance, { provider: 'twilio', secrets: { auth_token: 'tw-secret' } });
		const sent = await admin(instance).post(`/activity-hub/channels/${channel.id}/test`);
		expect(sent.status).toBe(202);
		const row = await instance.db('activities').where({ id: sent.body.data.id }).first();
		// Issue #18: stored completed at once (it was queued, status 'raw', and agents claimed it).
		expect(row).toMatchObject({ channel: channel.id, status: 'completed', subject: 'Test event from Activity Hub' });
		expect(sent.body.data.status).toBe('completed');
		expect(row.completed_at).not.toBeNull();
		expect(typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata).toMatchObject({ test: true });

		await expect
			.poll(async () =>
				Number((await instance.db('ingestion_channels').where({ id: channel.id }).first()).received_count),
			)
			.toBe(1);

		expect(
			(await call(`${instance.url}/activity-hub/channels/${channel.id}/test`, { method: 'POST', token: agentToken }))
				.status,
		).toBe(403);

		expect(
			(await admin(instance).post('/activity-hub/channels/00000000-0000-4000-8000-000000000000/test')).status,
		).toBe(404);
	});

	it('keeps test events out of the work queue, and deletes them (only them) on request; admins only', async () => {
		const channel = await createChannel(instance, { provider: 'generic' });

		const deliver = (json: Record<string, unknown>) =>
			call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, json });

		const tests = [
			(await admin(instance).post(`/activity-hub/channels/${channel.id}/test`)).body.data.id,
			(await admin(instance).post(`/activity-hub/channels/${channel.id}/test`)).body.data.id,
		];

		const real = (await deliver({ type: 'sms', sender: '+12025550199', content: 'a real one' })).body.data.id;
		// A delivery that merely calls itself a test is a delivery: queued, and kept by the delete.
		const lookalike = (await deliver({ type: 'sms', content: 'says test', metadata: { test: true } })).body.data.id;

		const claimed = await call(`${instance.url}/activity-hub/queue/claim`, {
			method: 'POST',
			token: agentToken,
			json: { limit: 100, channels: [channel.id] },
		});

		expect(claimed.status).toBe(200);
		expect(claimed.body.data.map((a: { id: string }) => a.id).sort()).toEqual([real, lookalike].sort());

		const path = `/activity-hub/channels/${channel.id}/test-events`;
		expect((await call(`${instance.url}${path}`, { method: 'DELETE', token: agentToken })).status).toBe(403);
		expect((await call(`${instance.url}${path}`, { method: 'DELETE' })).status).toBe(401);
		expect(await instance.db('activities').whereIn('id', tests)).toHaveLength(2);

		const deleted = await admin(instance).delete(path);
		expect(deleted.status).toBe(200);
		expect(deleted.body.data).toEqual({ deleted: 2 });

		expect(
			(await instance.db('activities').where({ channel: channel.id }).select('id'))
				.map((r: { id: string }) => r.id)
				.sort(),
		).toEqual([real, lookalike].sort());

		expect((await admin(instance).delete(path)).body.data).toEqual({ deleted: 0 });
		expect((await admin(instance).delete('/activity-hub/channels/not-a-channel/test-events')).status).toBe(404);
	});

	it('says which secrets are set, never what they are; admins only', async () => {
		const channel = await createChannel(instance, {
			provider: 'whatsapp',
			secrets: { app_secret: 'wa-app-secret-value', verify_token: 'wa-verify-value' },
		});

		const path = `/activity-hub/channels/${channel.id}/secrets`;
		const reply = await admin(instance).get(path);
		expect(reply.status).toBe(200);
		const byName = Object.fromEntries(reply.body.data.map((s: { name: string }) => [s.name, s]));
		expect(byName['app_secret']).toMatchObject({ configured: true, updated_at: expect.any(String) });
		expect(byName['verify_token']).toMatchObject({ configured: true });
		expect(byName['access_token']).toEqual({ name: 'access_token', configured: false, updated_at: null });

		for (const item of reply.body.data) expect(Object.keys(item).sort()).toEqual(['configured', 'name', 'updated_at']);
		expect(reply.text).not.toMatch(/wa-app-secret-value|wa-verify-value/);

		// Cleared through the form (null), the badge goes.
		await admin(instance).patch(`/items/ingestion_channels/${channel.id}`, { secrets: { verify_token: null } });
		const after = (await admin(instance).get(path)).body.data;
		expect(after.find((s: { name: string }) => s.name === 'verify_token').configured).toBe(false);
		expect(JSON.stringify(after)).not.toContain('wa-app-secret-value');

		expect((await call(`${instance.url}${path}`, { token: agentToken })).status).toBe(403);
		expect((await call(`${instance.url}${path}`)).status).toBe(401);

		expect(
			(await admin(instance).get('/activity-hub/channels/00000000-0000-4000-8000-000000000000/secrets')).status,
		).toBe(404);
	});

	it('uploads files from Studio with the session, applying the channel limits; refusals leave nothing behind', async () => {
		const channel = await createChannel(instance, {
			provider: 'upload',
			allowed_mime_types: ['image/*', 'application/pdf'],
			max_file_bytes: 1024,
		});

		const before = await fileCount();
		const ok = await upload(channel.id, [['pixel.png', PNG, 'image/png']], uploaderToken);
		expect(ok.status).toBe(202);

		expect(await instance.db('activities').where({ id: ok.body.data.id }).first()).toMatchObject({
			channel: channel.id,
			type: 'file',
			subject: 'pixel.png',
		});

		expect(await instance.db('activity_files').where({ activities_id: ok.body.data.id })).toHaveLength(1);
		expect(await fileCount()).toBe(before + 1);

		const refusedType = await upload(channel.id, [
			['tool.exe', Buffer.from('MZ\x90\x00binary'), 'application/x-msdownload'],
		]);

		expect(refusedType.status).toBe(415);
		expect(refusedType.body.errors[0].extensions.code).toBe('FILE_TYPE_REFUSED');
		const tooBig = await upload(channel.id, [['big.png', Buffer.concat([PNG, Buffer.alloc(2048)]), 'image/png']]);
		expect(tooBig.status).toBe(413);
		expect(await fileCount()).toBe(before + 1);
		expect(await instance.db('activities').where({ channel: channel.id })).toHaveLength(1);

		expect((await upload(channel.id, [['pixel.png', PNG, 'image/png']], agentToken)).status).toBe(403);
		expect((await upload(channel.id, [['pixel.png', PNG, 'image/png']], nobodyToken)).status).toBe(403);
		const form = new FormData();
		form.append('file', new Blob([PNG], { type: 'image/png' }), 'x.png');

		expect(
			(await call(`${instance.url}/activity-hub/channels/${channel.id}/upload`, { method: 'POST', body: form })).status,
		).toBe(401);

		const webhookChannel = await createChannel(instance, { provider: 'generic' });
		expect((await upload(webhookChannel.id, [['pixel.png', PNG, 'image/png']])).status).toBe(422);
		expect(await fileCount()).toBe(before + 1);
	});
});
