// The permission suite: the public reads nothing of the bundle's; agents work the queue but never see a channel,
// a secret or a key; only admins rotate keys; and no plaintext key or provider secret exists anywhere — database,
// logs, API responses — except in the one-time reveal.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { admin, call, createStudioUser, createUser } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';

const COLLECTIONS = [
	'contacts',
	'contact_notes',
	'activities',
	'activity_files',
	'ingestion_channels',
	'ingestion_channel_secrets',
	'contact_identities',
	'agent_preferences',
];

const SECRETS = {
	auth_token: 'PLAINTEXT-twilio-auth-token-7f3a',
	signing_key: 'PLAINTEXT-mailgun-signing-key-91bc',
	app_secret: 'PLAINTEXT-whatsapp-app-secret-c0de',
	verify_token: 'PLAINTEXT-verify-token-5e1f',
	access_token: 'PLAINTEXT-graph-access-token-aa42',
	webhook_secret: `whsec_${Buffer.from('PLAINTEXT-standard-webhooks-key!').toString('base64')}`,
};

async function dumpDatabase(instance: Instance): Promise<string> {
	const tables: string[] =
		instance.vendor === 'sqlite'
			? (await instance.db.raw(`SELECT name FROM sqlite_master WHERE type = 'table'`)).map(
					(r: { name: string }) => r.name,
				)
			: (
					await instance.db.raw(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)
				).rows.map((r: { table_name: string }) => r.table_name);

	let dump = '';
	for (const table of tables) dump += JSON.stringify(await instance.db(table).select('*'));
	return dump;
}

describe.each(vendors())('permissions on %s', (vendor) => {
	let instance: Instance;
	const agentToken = `perm-agent-${vendor}`;
	const editorToken = `perm-editor-${vendor}`;
	const reveals: string[] = [];
	let channel = '';
	let twilioChannel = '';

	beforeAll(async () => {
		// Info-level logs, so every request is in the access log this suite searches.
		instance = await startInstance(vendor, { LOG_LEVEL: 'info' });
		await createUser(instance, AGENT_ROLE_ID, agentToken);

		// A Studio user allowed everything on channels and activities — everything the Core tier can grant — but not admin.
		await createStudioUser(
			instance,
			editorToken,
			['create', 'read', 'update', 'delete'].flatMap((action) =>
				['ingestion_channels', 'activities'].map((collection) => ({ collection, action })),
			),
		);

		const created = await admin(instance).post('/items/ingestion_channels', {
			name: 'Secrets',
			provider: 'generic',
			secrets: SECRETS,
		});

		expect(created.status).toBe(200);
		expect(created.text).not.toContain('PLAINTEXT');
		channel = created.body.data.id;
		const twilio = await admin(instance).post('/items/ingestion_channels', { name: 'Twilio', provider: 'twilio' });
		twilioChannel = twilio.body.data.id;

		for (const id of [channel, twilioChannel, channel]) {
			const reveal = await admin(instance).post(`/activity-hub/channels/${id}/key`);
			expect(reveal.status).toBe(200);
			reveals.push(reveal.body.data.key);
		}
	});

	afterAll(() => instance?.stop());

	it('the public role reads no activity, note, contact, channel, secret or file, and cannot use the API', async () => {
		const contact = (await admin(instance).post('/items/contacts', { first_name: 'Private' })).body.data.id;

		for (const collection of COLLECTIONS) {
			const list = await call(`${instance.url}/items/${collection}`);
			expect([401, 403], `GET /items/${collection}`).toContain(list.status);
		}

		expect((await call(`${instance.url}/items/contacts/${contact}`)).status).toBe(403);

		expect(
			(await call(`${instance.url}/items/contacts`, { method: 'POST', json: { first_name: 'Sneaky' } })).status,
		).toBe(403);

		for (const [method, path] of [
			['GET', '/activity-hub/queue/health'],
			['POST', '/activity-hub/queue/claim'],
			['POST', `/activity-hub/channels/${channel}/key`],
			['POST', `/activity-hub/channels/${channel}/test`],
		] as const)
			expect(
				(await call(`${instance.url}${path}`, { method, json: method === 'POST' ? {} : undefined })).status,
				`${method} ${path}`,
			).toBe(401);

		// Websocket subscriptions without a login are refused too.
		const socket = new WebSocket(`${instance.url.replace('http', 'ws')}/websocket`);
		const messages: any[] = [];
		socket.addEventListener('message', (event) => messages.push(JSON.parse(String(event.data))));
		await new Promise((resolve) => socket.addEventListener('open', resolve));
		socket.send(JSON.stringify({ type: 'subscribe', collection: 'activities', uid: 'peek' }));

		await expect
			.poll(() => messages.find((m) => m.uid === 'peek' || m.type === 'auth'), { timeout: 5000 })
			.toBeTruthy();

		expect(messages.find((m) => m.uid === 'peek' && m.type === 'subscription' && m.event === 'init')).toBeUndefined();
		socket.close();
	});

	it('an agent claims and completes but reads no channel, no secret and no key', async () => {
		const key = reveals[2]!;

		const ingested = await call(`${instance.url}/ingest/${channel}`, {
			method: 'POST',
			headers: { 'x-ingestion-key': key },
			json: { type: 'sms', content: 'for the agent' },
		});

		expect(ingested.status).toBe(401); // the channel requires Standard Webhooks signatures (webhook_secret is set)
		const twilioKey = reveals[1]!;

		const sms = await call(`${instance.url}/ingest/${twilioChannel}?key=${encodeURIComponent(twilioKey)}`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'MessageSid=SMperm000000000000000000000000000&AccountSid=AC0&From=%2B12025550100&To=%2B12025550199&Body=for+the+agent',
		});

		expect(sms.status).toBe(200);

		const agent = (path: string, json: unknown) =>
			call(`${instance.url}/activity-hub${path}`, { method: 'POST', token: agentToken, json });

		const [claimed] = (await agent('/queue/claim', { limit: 1 })).body.data;
		expect(claimed.content).toBe('for the agent');

		expect(
			(
				await agent(`/queue/${claimed.id}/complete`, {
					lease_token: claimed.lease_token,
					processed_data: { summary: 'ok' },
				})
			).status,
		).toBe(200);

		for (const path of [
			'/items/ingestion_channels',
			`/items/ingestion_channels/${channel}`,
			'/items/ingestion_channel_secrets',
			`/items/ingestion_channel_secrets/${channel}`,
		])
			expect([401, 403], path).toContain((await call(`${instance.url}${path}`, { token: agentToken })).status);
		expect((await agent(`/channels/${channel}/key`, {})).status).toBe(403);
		// What an agent reads of an activity carries neither a key nor a secret.
		const read = await call(`${instance.url}/items/activities?fields=*&limit=-1`, { token: agentToken });
		expect(read.status).toBe(200);
		for (const secret of [...Object.values(SECRETS), ...reveals]) expect(read.text).not.toContain(secret);
	});

	it('another agent learns nothing from the activity that completes, fails or extends a lease it does not hold', async () => {
		const otherAgentToken = `perm-agent-b-${vendor}`;
		await createUser(instance, AGENT_ROLE_ID, otherAgentToken);

		const as = (token: string) => (path: string, json: unknown) =>
			call(`${instance.url}/activity-hub${path}`, { method: 'POST', token, json });

		const [agentA, agentB] = [as(agentToken), as(otherAgentToken)];

		// B watches the activities over the websocket before A claims.
		const socket = new WebSocket(`${instance.url.replace('http', 'ws')}/websocket`);
		const messages: any[] = [];
		socket.addEventListener('message', (event) => messages.push(JSON.parse(String(event.data))));
		await new Promise((resolve) => socket.addEventListener('open', resolve));
		socket.send(JSON.stringify({ type: 'auth', access_token: otherAgentToken }));
		await expect.poll(() => messages.find((m) => m.type === 'auth')?.status, { timeout: 5000 }).toBe('ok');

		socket.send(
			JSON.stringify({ type: 'subscribe', collection: 'activities', query: { fields: ['*'] }, uid: 'watch' }),
		);

		await expect
			.poll(() => messages.some((m) => m.uid === 'watch' && m.event === 'init'), { timeout: 5000 })
			.toBe(true);

		const sid = 'SMlease00000000000000000000000000';

		const sms = await call(`${instance.url}/ingest/${twilioChannel}?key=${encodeURIComponent(reveals[1]!)}`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: `MessageSid=${sid}&AccountSid=AC0&From=%2B12025550100&To=%2B12025550199&Body=leased`,
		});

		expect(sms.status).toBe(200); // answered with TwiML
		const id = (await instance.db('activities').where({ external_id: sid }).first()).id as string;

		const claimed = (await agentA('/queue/claim', { limit: 100, channels: [twilioChannel] })).body.data.find(
			(a: { id: string }) => a.id === id,
		);

		const token = claimed.lease_token as string;
		expect(token).toEqual(expect.any(String));
		const stored = (await instance.db('activities').where({ id }).first()).lease_token;
		expect(stored).not.toBe(token);
		expect(stored).toBe(createHash('sha256').update(token).digest('hex'));

		await expect
			.poll(
				() =>
					messages.some(
						(m) => m.uid === 'watch' && m.event === 'update' && m.data?.some((a: { id: string }) => a.id === id),
					),
				{ timeout: 10_000 },
			)
			.toBe(true);

		socket.close();

		const rest = await call(`${instance.url}/items/activities/${id}?fields=*`, { token: otherAgentToken });
		expect(rest.status).toBe(200);
		expect(rest.body.data.status).toBe('processing');

		const graphql = await call(`${instance.url}/graphql`, {
			method: 'POST',
			token: otherAgentToken,
			json: { query: `{ activities_by_id(id: "${id}") { id status lease_owner lease_token lease_expires_at } }` },
		});

		expect(graphql.status).toBe(200);
		expect(graphql.body.data.activities_by_id.status).toBe('processing');

		const revisions = await call(
			`${instance.url}/revisions?filter[collection][_eq]=activities&filter[item][_eq]=${id}&fields=*`,
			{ token: otherAgentToken },
		);

		const seen = new Set<string>();

		const collect = (value: unknown): void => {
			if ((typeof value === 'string' && value) || typeof value === 'number') seen.add(String(value));
			else if (value && typeof value === 'object') Object.values(value).forEach(collect);
		};

		for (const reply of [rest, graphql, ...(revisions.status === 200 ? [revisions] : [])]) collect(reply.body);
		for (const message of messages) collect(message);
		expect(seen).toContain(stored);
		expect(seen).not.toContain(token);

		for (const value of seen) {
			expect((await agentB(`/queue/${id}/heartbeat`, { lease_token: value })).status, value).toBe(409);

			expect((await agentB(`/queue/${id}/complete`, { lease_token: value, processed_data: {} })).status, value).toBe(
				409,
			);

			expect((await agentB(`/queue/${id}/fail`, { lease_token: value, error: 'stolen' })).status, value).toBe(409);
		}

		expect((await instance.db('activities').where({ id }).first()).status).toBe('processing');
		expect((await agentA(`/queue/${id}/complete`, { lease_token: token, processed_data: {} })).status).toBe(200);
	});

	it('only admins rotate keys or send test events, even users who may edit channels', async () => {
		const editor = (path: string) => call(`${instance.url}${path}`, { method: 'POST', token: editorToken, json: {} });

		expect((await call(`${instance.url}/items/ingestion_channels/${channel}`, { token: editorToken })).status).toBe(
			200,
		);

		expect((await editor(`/activity-hub/channels/${channel}/key`)).status).toBe(403);
		expect((await editor(`/activity-hub/channels/${channel}/test`)).status).toBe(403);

		expect([401, 403]).toContain(
			(await call(`${instance.url}/items/ingestion_channel_secrets`, { token: editorToken })).status,
		);

		// Writing secrets through the channel is allowed to editors (write-only); reading them back is not possible.
		const update = await call(`${instance.url}/items/ingestion_channels/${channel}`, {
			method: 'PATCH',
			token: editorToken,
			json: { secrets: { verify_token: 'PLAINTEXT-editor-verify-token' } },
		});

		expect(update.status).toBe(200);
		expect(update.text).not.toContain('PLAINTEXT');
		const readBack = await admin(instance).get(`/items/ingestion_channels/${channel}?fields=*`);
		expect(readBack.text).not.toContain('PLAINTEXT');
	});

	it('no plaintext key or secret in the database, the logs or any API response but the one-time reveal', async () => {
		const plaintext = [...Object.values(SECRETS), 'PLAINTEXT-editor-verify-token', ...reveals];
		const dump = await dumpDatabase(instance);
		for (const value of plaintext) expect(dump, 'database').not.toContain(value);
		expect(dump).not.toContain('PLAINTEXT');

		// Keys in every place a provider may put them, then the access log (info level) is searched.
		const key = reveals[1]!;
		const url = `${instance.url}/ingest/${twilioChannel}`;

		const form = (sid: string) =>
			`MessageSid=${sid}&AccountSid=AC0&From=%2B12025550100&To=%2B12025550199&Body=log+check`;

		const headers = { 'content-type': 'application/x-www-form-urlencoded' };

		expect(
			(await call(`${url}?key=${encodeURIComponent(key)}`, { method: 'POST', headers, body: form('SMlog1') })).status,
		).toBe(200);

		expect(
			(await call(url, { method: 'POST', headers: { ...headers, 'x-ingestion-key': key }, body: form('SMlog2') }))
				.status,
		).toBe(200);

		expect(
			(
				await call(url, {
					method: 'POST',
					headers: { ...headers, authorization: `Bearer ${key}` },
					body: form('SMlog3'),
				})
			).status,
		).toBe(200);

		expect(
			(
				await call(url, {
					method: 'POST',
					headers: { ...headers, authorization: `Basic ${Buffer.from(`twilio:${key}`).toString('base64')}` },
					body: form('SMlog4'),
				})
			).status,
		).toBe(200);

		expect(
			(await call(`${url}?key=${encodeURIComponent(key)}x`, { method: 'POST', headers, body: form('SMlog5') })).status,
		).toBe(401);

		// The webhook path runs ahead of Directus's access log; the API around it is logged (keys in the
		// Authorization header are censored by Directus) — make sure logging is on, then search all of it.
		expect((await call(`${instance.url}/activity-hub/queue/health`, { token: agentToken })).status).toBe(200);
		await expect.poll(() => instance.output()).toContain('/activity-hub/queue/health');
		const log = instance.output();
		for (const value of plaintext) expect(log, 'logs').not.toContain(value);
		expect(log).not.toContain(encodeURIComponent(key));

		const responses = await Promise.all(
			[
				`/items/ingestion_channels?fields=*.*&limit=-1`,
				`/items/ingestion_channel_secrets?limit=-1`,
				`/items/activities?fields=*.*&limit=-1`,
				`/revisions?limit=-1`,
				`/activity?limit=-1`,
				`/settings`,
			].map((path) => admin(instance).get(path)),
		);

		for (const response of responses) for (const value of plaintext) expect(response.text).not.toContain(value);
		expect(await dumpDatabase(instance)).not.toContain(key);
	});
});
