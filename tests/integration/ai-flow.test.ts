// The shipped flow against a local HTTP server that speaks the OpenAI chat-completions API (the only test double:
// the model is a service outside this machine).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AI_FLOW_ID } from '../../migrations/z0004-activity-hub-ai-flow.js';
import { admin, call, createChannel } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';

interface Seen {
	authorization?: string;
	body: { model: string; messages: Array<{ role: string; content: string }> };
}

async function fakeModel(): Promise<{ url: string; seen: Seen[]; server: Server; failNext: { count: number } }> {
	const seen: Seen[] = [];
	const failNext = { count: 0 };

	const server = createServer(async (req: IncomingMessage, res) => {
		let raw = '';
		for await (const chunk of req) raw += chunk;
		if (req.url !== '/v1/chat/completions' || req.method !== 'POST') return void res.writeHead(404).end();
		const body = JSON.parse(raw);
		seen.push({ authorization: req.headers.authorization, body });

		if (failNext.count > 0) {
			failNext.count--;
			return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"overloaded"}}');
		}

		const text = body.messages.at(-1).content as string;

		const content = JSON.stringify({
			summary: `Summary: ${text.split('\n').at(-1)}`,
			facts: ['asked about the quote'],
		});

		res.writeHead(200, { 'content-type': 'application/json' }).end(
			JSON.stringify({
				id: 'chatcmpl-1',
				object: 'chat.completion',
				model: body.model,
				choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
			}),
		);
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen, server, failNext };
}

describe.each(vendors())('AI flow on %s', (vendor) => {
	let instance: Instance;
	let model: Awaited<ReturnType<typeof fakeModel>>;

	beforeAll(async () => {
		model = await fakeModel();

		instance = await startInstance(vendor, {
			ACTIVITY_HUB_LLM_URL: model.url,
			ACTIVITY_HUB_LLM_MODEL: 'test-model',
			ACTIVITY_HUB_LLM_API_KEY: 'sk-test',
		});
	});

	afterAll(async () => {
		await instance?.stop();
		model?.server.close();
	});

	it('is seeded inactive, and once on, summarises queued activities into processed_data and a note', async () => {
		const flow = (await admin(instance).get(`/flows/${AI_FLOW_ID}?fields=*,operations.type`)).body.data;
		expect(flow).toMatchObject({ status: 'inactive', trigger: 'schedule' });

		expect(flow.operations.map((o: { type: string }) => o.type).sort()).toEqual([
			'activity-hub-claim',
			'activity-hub-summarise',
			'activity-hub-transcribe',
		]);

		const contact = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Ana',
				emails: [{ email: 'ana@acme.example', type: 'work' }],
			})
		).body.data.id;

		await expect.poll(async () => (await instance.db('contact_identities').where({ contact })).length).toBe(1);
		const channel = await createChannel(instance, { provider: 'generic' });

		const id = (
			await call(channel.webhook, {
				method: 'POST',
				headers: { 'x-ingestion-key': channel.key },
				json: { type: 'email', sender: 'ana@acme.example', subject: 'Quote', content: 'Is the quote still valid?' },
			})
		).body.data.id;

		model.failNext.count = 1; // the first call fails: the activity is retried, not lost

		expect(
			(await admin(instance).patch(`/flows/${AI_FLOW_ID}`, { status: 'active', options: { cron: '*/1 * * * * *' } }))
				.status,
		).toBe(200);

		await expect
			.poll(async () => (await instance.db('activities').where({ id }).first()).last_error, { timeout: 15_000 })
			.toContain('503');

		await instance
			.db('activities')
			.where({ id })
			.update({ available_at: vendor === 'sqlite' ? Date.now() : new Date() });

		await expect
			.poll(async () => (await instance.db('activities').where({ id }).first()).status, { timeout: 15_000 })
			.toBe('completed');

		await admin(instance).patch(`/flows/${AI_FLOW_ID}`, { status: 'inactive' });

		const activity = (await admin(instance).get(`/items/activities/${id}`)).body.data;

		expect(activity.processed_data).toMatchObject({
			summary: 'Summary: Is the quote still valid?',
			facts: ['asked about the quote'],
			model: 'test-model',
		});

		expect(activity.attempts).toBe(2);
		const notes = await instance.db('contact_notes').where({ activity: id });
		expect(notes).toMatchObject([{ content: 'Summary: Is the quote still valid?', source: 'agent', contact }]);
		const request = model.seen.find((s) => s.body.messages.at(-1)?.content.includes('Is the quote still valid?'))!;
		expect(request.authorization).toBe('Bearer sk-test');
		expect(request.body.model).toBe('test-model');
	});
});

describe.each(vendors())('flow operations on %s', (vendor) => {
	let instance: Instance;

	beforeAll(async () => {
		instance = await startInstance(vendor);
	});

	afterAll(() => instance?.stop());

	/** A webhook-triggered flow: Claim activities (limit 1), then `second` fed with the claimed activity. */
	async function flowWith(second: { type: string; options: Record<string, unknown> }) {
		const flow = (
			await admin(instance).post('/flows', {
				name: `test ${second.type}`,
				status: 'active',
				trigger: 'webhook',
				accountability: 'all',
				options: { method: 'POST', async: false },
			})
		).body.data;

		const next = (
			await admin(instance).post('/operations', {
				flow: flow.id,
				key: 'next',
				name: 'next',
				type: second.type,
				position_x: 37,
				position_y: 1,
				options: second.options,
			})
		).body.data;

		const first = (
			await admin(instance).post('/operations', {
				flow: flow.id,
				key: 'claim',
				name: 'claim',
				type: 'activity-hub-claim',
				position_x: 19,
				position_y: 1,
				options: { limit: 1, lease_seconds: 60 },
				resolve: next.id,
			})
		).body.data;

		await admin(instance).patch(`/flows/${flow.id}`, { operation: first.id });
		return flow.id as string;
	}

	it('Claim activities then Complete activity, with a note on the contact', async () => {
		const contact = (
			await admin(instance).post('/items/contacts', {
				first_name: 'Flo',
				emails: [{ email: 'flo@example.org', type: 'work' }],
			})
		).body.data.id;

		await expect.poll(async () => (await instance.db('contact_identities').where({ contact })).length).toBe(1);
		const channel = await createChannel(instance, { provider: 'generic' });

		const id = (
			await call(channel.webhook, {
				method: 'POST',
				headers: { 'x-ingestion-key': channel.key },
				json: { sender: 'flo@example.org', content: 'hi' },
			})
		).body.data.id;

		const flow = await flowWith({
			type: 'activity-hub-complete',
			options: {
				activity: '{{claim[0].id}}',
				lease_token: '{{claim[0].lease_token}}',
				processed_data: { by: 'flow' },
				note: 'Handled by a flow',
			},
		});

		expect((await admin(instance).post(`/flows/trigger/${flow}`, {})).status).toBe(200);
		expect(await instance.db('activities').where({ id }).first()).toMatchObject({ status: 'completed' });

		expect(await instance.db('contact_notes').where({ activity: id })).toMatchObject([
			{ content: 'Handled by a flow', source: 'agent' },
		]);
	});

	it('Claim activities then Fail activity puts it back for a retry with the error', async () => {
		const channel = await createChannel(instance, { provider: 'generic' });

		const id = (
			await call(channel.webhook, {
				method: 'POST',
				headers: { 'x-ingestion-key': channel.key },
				json: { content: 'to fail' },
			})
		).body.data.id;

		await instance.db('activities').whereNot({ id }).where({ status: 'raw' }).update({ status: 'completed' });

		const flow = await flowWith({
			type: 'activity-hub-fail',
			options: { activity: '{{claim[0].id}}', lease_token: '{{claim[0].lease_token}}', error: 'no transcript' },
		});

		expect((await admin(instance).post(`/flows/trigger/${flow}`, {})).status).toBe(200);

		expect(await instance.db('activities').where({ id }).first()).toMatchObject({
			status: 'raw',
			last_error: 'no transcript',
			attempts: 1,
		});
	});
});
