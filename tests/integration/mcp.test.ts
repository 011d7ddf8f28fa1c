// AI agents over MCP (/activity-hub/mcp) with the official SDK's client: tools, prompt and resources; the lease queue
// with the HTTP API's codes; Directus's authentication and permissions; 8 clients draining the queue exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { admin, call, createChannel, createStudioUser, createUser } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';
import { openSocket } from '../harness/websocket.js';
import { type McpClient, mcpClient, tool } from '../harness/mcp.js';
import { seedActivities } from '../harness/seed.js';
import { startSmtpSink } from '../harness/smtp.js';

const QUEUE_TOOLS = ['claim_activities', 'heartbeat', 'complete_activity', 'fail_activity'];
const READ_WRITE_TOOLS = ['get_activity', 'contact_timeline', 'create_note', 'link_contact', 'search', 'reply'];

describe.each(vendors())('MCP on %s', (vendor) => {
	let instance: Instance;
	let channel: { id: string; key: string; webhook: string };
	let agent: McpClient;
	let other: McpClient;
	const clients: McpClient[] = [];

	const connect = async (token: string) => {
		const client = await mcpClient(instance.url, token);
		clients.push(client);
		return client;
	};

	const ingest = async (fields: Record<string, unknown>) =>
		(await call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, json: fields })).body
			.data.id as string;

	const contact = async (name: string, email: string) => {
		const id = (await admin(instance).post('/items/contacts', { first_name: name, emails: [{ email, type: 'work' }] }))
			.body.data.id;

		await expect.poll(async () => (await instance.db('contact_identities').where({ contact: id })).length).toBe(1);
		return id;
	};

	/** Claims (with this client) until `id` is among the claimed; returns its row with the lease token. */
	const claimOne = async (client: McpClient, id: string, lease_seconds = 60) => {
		const { data } = await tool(client, 'claim_activities', { limit: 50, lease_seconds, channels: [channel.id] });
		return (data as Array<{ id: string; lease_token: string; attempts: number }>).find((a) => a.id === id)!;
	};

	beforeAll(async () => {
		instance = await startInstance(vendor, { MCP_OAUTH_ENABLED: 'true' });
		channel = await createChannel(instance, { provider: 'generic' });
		await createUser(instance, AGENT_ROLE_ID, `mcp-agent-${vendor}`);
		await createUser(instance, AGENT_ROLE_ID, `mcp-other-${vendor}`);
		agent = await connect(`mcp-agent-${vendor}`);
		other = await connect(`mcp-other-${vendor}`);
	});

	afterAll(async () => {
		await Promise.all(clients.map((client) => client.close()));
		await instance?.stop();
	});

	it('lists its tools with JSON schemas, the process_next_activity prompt and resource templates', async () => {
		const { tools } = await agent.listTools();
		expect(tools.map((t) => t.name).sort()).toEqual([...QUEUE_TOOLS, ...READ_WRITE_TOOLS].sort());

		for (const t of tools) {
			expect(t.description!.length).toBeGreaterThan(80);
			expect(t.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
		}

		expect(tools.find((t) => t.name === 'claim_activities')!.inputSchema.properties).toHaveProperty('lease_seconds');
		const { prompts } = await agent.listPrompts();
		expect(prompts.map((p) => p.name)).toEqual(['process_next_activity']);
		const prompt = await agent.getPrompt({ name: 'process_next_activity', arguments: { types: 'call,sms' } });
		const text = (prompt.messages[0]!.content as { text: string }).text;
		expect(text).toContain('claim_activities with {"limit": 1, "types": ["call","sms"]}');
		expect(text).toContain('complete_activity');

		expect((await agent.listResourceTemplates()).resourceTemplates.map((r) => r.uriTemplate)).toEqual([
			'activity-hub://activities/{id}',
			'activity-hub://contacts/{contact}/timeline',
		]);
	});

	it('claims, heartbeats and completes with a note: the note is on the contact and the live timeline hears it', async () => {
		const eve = await contact('Eve', `eve-${vendor}@example.org`);
		const id = await ingest({ type: 'call', sender: `eve-${vendor}@example.org`, content: 'voicemail' });

		const { socket, messages } = await openSocket(instance.url, instance.token);

		for (const [collection, event, fields] of [
			['contact_notes', 'create', ['id', 'contact', 'content', 'source']],
			['activities', 'update', ['id', 'status']],
		] as const)
			socket.send(JSON.stringify({ type: 'subscribe', collection, event, uid: collection, query: { fields } }));

		await expect.poll(() => messages.filter((m) => m.type === 'subscription' && m.event === 'init').length).toBe(2);

		const item = await claimOne(agent, id, 30);
		expect(item).toMatchObject({ status: 'processing', attempts: 1, content: 'voicemail', contact: eve });
		expect(item.lease_token).toEqual(expect.any(String));

		const beat = await tool(agent, 'heartbeat', { id, lease_token: item.lease_token, lease_seconds: 120 });
		expect(beat.data).toMatchObject({ id, lease_expires_at: expect.any(String) });
		expect((await tool(agent, 'heartbeat', { id, lease_token: 'stale' })).error).toMatchObject({ code: 'LEASE_LOST' });

		const done = await tool(agent, 'complete_activity', {
			id,
			lease_token: item.lease_token,
			processed_data: { summary: 'Asked for a callback' },
			note: 'Eve asked for a callback',
		});

		expect(done.data).toMatchObject({ id, status: 'completed', note: expect.anything() });
		expect(await instance.db('activities').where({ id }).first()).toMatchObject({ status: 'completed' });

		expect(await instance.db('contact_notes').where({ activity: id })).toMatchObject([
			{ contact: eve, content: 'Eve asked for a callback', source: 'agent', author: null },
		]);

		/** A subscription message of `uid` for `event` with a row that passes `test`. */
		const heard = (uid: string, event: string, test: (row: any) => boolean) =>
			expect.poll(() => messages.some((m) => m.uid === uid && m.event === event && m.data?.some(test))).toBe(true);

		await heard(
			'contact_notes',
			'create',
			(n) => n.content === 'Eve asked for a callback' && `${n.contact}` === `${eve}`,
		);

		await heard('activities', 'update', (a) => a.id === id && a.status === 'completed');

		socket.close();
		const timeline = await tool(agent, 'contact_timeline', { contact: eve });
		expect(timeline.data.activities.map((a: { id: string }) => a.id)).toContain(id);
		expect(timeline.data.notes.map((n: { content: string }) => n.content)).toContain('Eve asked for a callback');
	});

	it("a second client cannot complete the first one's lease (LEASE_LOST), nor after it expired and was re-claimed", async () => {
		const id = await ingest({ type: 'sms', content: 'contested' });
		const mine = await claimOne(agent, id);
		const spare = await ingest({ type: 'sms', content: 'spare' });
		const theirs = await claimOne(other, spare);

		const stolen = await tool(other, 'complete_activity', { id, lease_token: theirs.lease_token, processed_data: {} });
		expect(stolen.error).toEqual({ code: 'LEASE_LOST', message: expect.stringContaining('lease') });
		expect(await instance.db('activities').where({ id }).first()).toMatchObject({ status: 'processing' });

		const past = Date.now() - 1000;

		await instance
			.db('activities')
			.where({ id })
			.update({ lease_expires_at: vendor === 'sqlite' ? past : new Date(past) });

		const again = await claimOne(other, id);
		expect(again.attempts).toBe(2);
		const late = await tool(agent, 'complete_activity', { id, lease_token: mine.lease_token, processed_data: {} });
		expect(late.error).toMatchObject({ code: 'LEASE_LOST' });

		expect((await tool(other, 'complete_activity', { id, lease_token: again.lease_token })).data.status).toBe(
			'completed',
		);

		const failed = await tool(other, 'fail_activity', {
			id: spare,
			lease_token: theirs.lease_token,
			error: 'unreadable',
		});

		expect(failed.data).toMatchObject({ id: spare, status: 'raw' });

		// The HTTP API's validation and codes, word for word.
		expect((await tool(agent, 'claim_activities', { limit: 1000 })).error).toEqual({
			code: 'INVALID_PAYLOAD',
			message: 'limit must be an integer from 1 to 100',
		});

		expect((await tool(agent, 'get_activity', { id: 'not-a-uuid' })).error).toMatchObject({ code: 'NOT_FOUND' });

		expect((await tool(agent, 'fail_activity', { id, lease_token: 'x' })).error).toMatchObject({
			code: 'INVALID_PAYLOAD',
		});
	});

	it('get_activity: content, transcript, attachments as asset links, and the thread by subject', async () => {
		const ann = await contact('Ann', `ann-${vendor}@example.org`);
		const first = await ingest({ type: 'email', sender: `ann-${vendor}@example.org`, subject: 'Quote', content: 'Hi' });
		const unrelated = await ingest({ type: 'email', sender: `ann-${vendor}@example.org`, subject: 'Invoice' });

		const reply = await ingest({
			type: 'email',
			sender: `ann-${vendor}@example.org`,
			subject: 'Re: Quote',
			content: 'Any news?',
		});

		const form = new FormData();
		form.append('file', new Blob(['%PDF-1.4 quote'], { type: 'application/pdf' }), 'quote.pdf');

		const file = (
			await call(`${instance.url}/files`, { method: 'POST', token: instance.token, body: form }).then((r) => r.body)
		).data.id as string;

		await instance.db('activity_files').insert({ activities_id: reply, directus_files_id: file });
		const item = await claimOne(agent, reply);

		await tool(agent, 'complete_activity', {
			id: reply,
			lease_token: item.lease_token,
			processed_data: { summary: 'Chasing the quote', transcript: [{ start: 0, end: 1.5, text: 'n/a' }] },
		});

		const { data } = await tool(agent, 'get_activity', { id: reply });

		expect(data).toMatchObject({
			id: reply,
			contact: ann,
			subject: 'Re: Quote',
			content: 'Any news?',
			transcript: 'n/a',
			processed_data: { summary: 'Chasing the quote' },
			attachments: [
				{
					id: file,
					filename: 'quote.pdf',
					type: 'application/pdf',
					url: `${instance.env['PUBLIC_URL']}/assets/${file}`,
				},
			],
		});

		expect(data.thread.by).toBe('subject');
		expect(data.thread.activities.map((a: { id: string }) => a.id)).toEqual([first]);
		expect(data.thread.activities.map((a: { id: string }) => a.id)).not.toContain(unrelated);
		expect((await call(data.attachments[0].url, { token: `mcp-agent-${vendor}` })).status).toBe(200);

		const resource = await agent.readResource({ uri: `activity-hub://activities/${reply}` });
		expect(JSON.parse((resource.contents[0] as { text: string }).text)).toMatchObject({ id: reply, transcript: 'n/a' });
	});

	it('contact_timeline pages activities and notes with a cursor', async () => {
		const bob = await contact('Bob', `bob-${vendor}@example.org`);
		const ids = await seedActivities(instance.db, 60, { contact: bob });
		const first = await tool(agent, 'contact_timeline', { contact: bob });
		expect(first.data.activities).toHaveLength(50);
		expect(first.data.next_cursor).toEqual(expect.any(String));
		const second = await tool(agent, 'contact_timeline', { contact: bob, cursor: first.data.next_cursor });
		const shown = [...first.data.activities, ...second.data.activities].map((a: { id: string }) => a.id);
		expect(shown).toEqual(ids);
		expect(second.data.next_cursor).toBeNull();
		expect((await tool(agent, 'contact_timeline', { contact: bob, cursor: '!' })).error?.code).toBe('INVALID_PAYLOAD');

		const resource = await agent.readResource({ uri: `activity-hub://contacts/${bob}/timeline` });
		expect(JSON.parse((resource.contents[0] as { text: string }).text).activities).toHaveLength(50);
	});

	it('reply: an agent answers an e-mail over the channel\u2019s SMTP relay, once per idempotency_key, marked as the agent\u2019s', async () => {
		const smtp = await startSmtpSink();

		try {
			const postmark = await createChannel(instance, {
				provider: 'postmark',
				settings: { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'support@acme.example' } },
			});

			const inbound = await call(`${postmark.webhook}?key=${encodeURIComponent(postmark.key)}`, {
				method: 'POST',
				json: {
					MessageID: `mcp-pm-${vendor}`,
					From: 'ana@customer.example',
					To: 'support@acme.example',
					Subject: 'Delivery date',
					TextBody: 'When does it ship?',
					Headers: [{ Name: 'Message-ID', Value: `<ship-${vendor}@customer.example>` }],
				},
			});

			expect(inbound.status).toBeLessThan(300);

			const original = await instance
				.db('activities')
				.where({ message_id: `ship-${vendor}@customer.example` })
				.first();

			const args = { id: original.id, content: 'It ships on Monday.', idempotency_key: `ship-${vendor}` };
			const first = await tool(agent, 'reply', args);
			expect(first.error).toBeUndefined();
			expect(first.data).toMatchObject({ id: expect.any(String), delivery_status: 'queued' });
			// The same key again: the same message, not a second one.
			expect((await tool(agent, 'reply', args)).data.id).toBe(first.data.id);

			const sent = async () => (await instance.db('activities').where({ id: first.data.id }).first()).delivery_status;
			await expect.poll(sent, { timeout: 15_000 }).toBe('sent');
			const row = await instance.db('activities').where({ id: first.data.id }).first();

			expect(row).toMatchObject({
				direction: 'outbound',
				subject: 'Re: Delivery date',
				thread_key: original.thread_key,
			});

			expect(typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata).toMatchObject({
				sent_by: 'agent',
			});

			expect(smtp.mails).toHaveLength(1);
			expect(smtp.mails[0]!.raw).toContain(`In-Reply-To: <ship-${vendor}@customer.example>`);
			expect(smtp.mails[0]!.raw).toContain('It ships on Monday.');

			// The original's thread is its conversation: the reply, with its delivery status.
			const thread = (await tool(agent, 'get_activity', { id: original.id })).data.thread;
			expect(thread.by).toBe('thread_key');

			expect(thread.activities).toMatchObject([{ id: first.data.id, direction: 'outbound', delivery_status: 'sent' }]);

			// A channel that cannot send answers the API's code as a tool error; nothing is queued.
			const before = await instance.db('activities').where({ direction: 'outbound' }).count({ n: '*' });
			const generic = await ingest({ type: 'sms', sender: '+12025550177', content: 'no way back' });
			const refused = await tool(agent, 'reply', { id: generic, content: 'hello?' });
			expect(refused.error).toMatchObject({ code: 'CHANNEL_CANNOT_SEND' });
			expect(await instance.db('activities').where({ direction: 'outbound' }).count({ n: '*' })).toEqual(before);
		} finally {
			await smtp.close();
		}
	});

	it('the public gets 401 with WWW-Authenticate pointing at the OAuth metadata; an OAuth-less token gets in', async () => {
		const initialize = {
			jsonrpc: '2.0',
			id: 1,
			method: 'initialize',
			params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'anonymous', version: '1' } },
		};

		const headers = { accept: 'application/json, text/event-stream' };
		const reply = await call(`${instance.url}/activity-hub/mcp`, { method: 'POST', headers, json: initialize });
		expect(reply.status).toBe(401);

		expect(reply.headers.get('www-authenticate')).toBe(
			`Bearer resource_metadata="${instance.env['PUBLIC_URL']}/.well-known/oauth-protected-resource/mcp", scope="mcp:access"`,
		);

		await admin(instance).patch('/settings', { mcp_enabled: true, mcp_oauth_enabled: true });
		const metadata = await call(`${instance.url}/.well-known/oauth-protected-resource/mcp`);
		expect(metadata.status).toBe(200);
		expect(metadata.body).toMatchObject({ scopes_supported: ['mcp:access'] });

		const bad = await call(`${instance.url}/activity-hub/mcp`, {
			method: 'POST',
			headers,
			json: initialize,
			token: 'x',
		});

		expect(bad.status).toBe(401);

		const ok = await call(`${instance.url}/activity-hub/mcp`, {
			method: 'POST',
			headers,
			json: initialize,
			token: instance.token,
		});

		expect(ok.status).toBe(200);
		expect(ok.body.result.serverInfo).toMatchObject({ name: 'activity-hub' });

		const get = await call(`${instance.url}/activity-hub/mcp`, { headers, token: instance.token });
		expect(get.status).toBe(405);
	});

	it('a Studio user without the agent policy cannot claim, and does what their policy allows', async () => {
		const token = `mcp-person-${vendor}`;

		const person = await createStudioUser(instance, token, [
			{ collection: 'activities', action: 'read' },
			{ collection: 'contacts', action: 'read' },
			{ collection: 'contact_notes', action: 'read' },
			{ collection: 'contact_notes', action: 'create' },
		]);

		const client = await connect(token);
		const names = (await client.listTools()).tools.map((t) => t.name);
		expect(names.sort()).toEqual([...READ_WRITE_TOOLS].sort());
		expect((await client.listPrompts()).prompts).toEqual([]);
		const id = await ingest({ type: 'sms', content: 'for a person' });
		expect((await tool(client, 'claim_activities', {})).error).toMatchObject({ code: 'FORBIDDEN' });
		expect((await tool(client, 'get_activity', { id })).data).toMatchObject({ id, content: 'for a person' });
		const cy = await contact('Cy', `cy-${vendor}@example.org`);
		expect((await tool(client, 'link_contact', { id, contact: cy })).error).toMatchObject({ code: 'FORBIDDEN' });
		expect((await tool(client, 'create_note', { activity: id })).error).toMatchObject({ code: 'NO_CONTACT' });
		expect(await instance.db('activities').where({ id }).first()).toMatchObject({ status: 'raw', contact: null });

		const note = await tool(client, 'create_note', { contact: cy, content: 'Called back, all good' });
		expect(note.data).toMatchObject({ created: true });

		expect(await instance.db('contact_notes').where({ id: note.data.id }).first()).toMatchObject({
			contact: cy,
			author: person,
			source: 'person',
		});

		const linked = await tool(agent, 'link_contact', { id, contact: cy });
		expect(linked.error).toMatchObject({ code: 'FORBIDDEN' }); // agents read activities, they do not edit them
		const adminClient = await connect(instance.token);

		expect((await tool(adminClient, 'link_contact', { id, contact: cy })).data).toMatchObject({
			match_status: 'matched',
		});

		const converted = await tool(client, 'create_note', { activity: id });
		expect(converted.data).toMatchObject({ created: true });

		expect((await tool(client, 'create_note', { activity: id })).data).toEqual({
			id: converted.data.id,
			created: false,
		});
	});

	it('8 MCP clients drain 500 activities, each completed exactly once', async () => {
		const drainChannel = await createChannel(instance, { provider: 'generic' });
		const ids = await seedActivities(instance.db, 500, { channel: drainChannel.id, queued: true });
		const tokens = Array.from({ length: 8 }, (_, i) => `mcp-drain-${i}-${vendor}`);
		await Promise.all(tokens.map((token) => createUser(instance, AGENT_ROLE_ID, token)));
		const workers = await Promise.all(tokens.map(connect));
		const completions = new Map<string, number>();

		await Promise.all(
			workers.map(async (client) => {
				for (;;) {
					const { data } = await tool(client, 'claim_activities', {
						limit: 10,
						lease_seconds: 60,
						channels: [drainChannel.id],
					});

					if (data.length === 0) return;

					for (const item of data as Array<{ id: string; lease_token: string }>) {
						const done = await tool(client, 'complete_activity', {
							id: item.id,
							lease_token: item.lease_token,
							processed_data: { ok: true },
						});

						if (done.data) completions.set(item.id, (completions.get(item.id) ?? 0) + 1);
					}
				}
			}),
		);

		expect(completions.size).toBe(500);
		expect([...completions.values()].every((n) => n === 1)).toBe(true);
		const rows = await instance.db('activities').whereIn('id', ids).select('status', 'attempts');
		expect(rows).toHaveLength(500);

		expect(rows.every((r: { status: string; attempts: number }) => r.status === 'completed' && r.attempts === 1)).toBe(
			true,
		);
	}, 240_000);
});
