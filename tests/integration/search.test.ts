// Search across everything and the analytics, on real Directus processes: the full-text index install step z0015
// keeps with database triggers follows every write path (the ingest writer, the queue's completion with its note,
// Directus's own REST for activities and notes, deletes), rows written before the step are indexed by it, results
// are ranked, highlighted, keyset-paged and only what the caller may read; the MCP tool answers the same. The
// analytics report counts per day, the unmatched share, first-response times per conversation and failures.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { up as searchStep } from '../../migrations/z0015-activity-hub-search.js';
import { up as searchOnChangeStep } from '../../migrations/z0017-activity-hub-search-on-change.js';
import { FIRST_RESPONSES, up as firstResponsesStep } from '../../migrations/z0018-activity-hub-first-responses.js';
import { up as firstResponsesInOrderStep } from '../../migrations/z0019-activity-hub-first-responses-in-order.js';
import { admin, call, createChannel, createStudioUser, createUser } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';
import { mcpClient, tool } from '../harness/mcp.js';

type Row = {
	id: string;
	direction: string;
	thread_key: string | null;
	contact: number | null;
	channel: string;
	owner: string | null;
	occurred_at: Date | number;
};

/**
 * The waits of `rows` measured from scratch, independently of the triggers: per conversation (thread, contact and
 * channel; none without a thread or a contact) in time order, an inbound row after an outbound one (or first) starts a
 * wait that the next outbound row ends.
 */
function waitsFromScratch(rows: Row[]) {
	const conversations = new Map<string, Row[]>();

	for (const row of rows) {
		if (row.thread_key === null && row.contact === null) continue;
		const key = JSON.stringify([row.thread_key, row.contact, row.channel]);
		conversations.set(key, [...(conversations.get(key) ?? []), row]);
	}

	const waits = new Map<string, { replied_at: number; seconds: number; owner: string | null }>();
	const time = (row: Row) => new Date(row.occurred_at).getTime();

	for (const rows of conversations.values()) {
		rows.sort((a, b) => time(a) - time(b));
		let waiting: Row | null = null;

		for (const row of rows) {
			if (row.direction === 'inbound') waiting ??= row;
			else if (waiting) {
				waits.set(waiting.id, {
					replied_at: time(row),
					seconds: (time(row) - time(waiting)) / 1000,
					owner: waiting.owner,
				});

				waiting = null;
			}
		}
	}

	return waits;
}

type Page = {
	results: Array<{
		kind: 'activity' | 'note';
		id: string;
		score: number;
		subject?: string | null;
		highlights: Array<{ field: string; fragments: Array<{ text: string; match: boolean }> }>;
		[key: string]: unknown;
	}>;
	next: string | null;
};

describe.each(vendors())('search and analytics on %s', (vendor) => {
	let instance: Instance;
	let channel: { id: string; key: string; webhook: string };
	let contact: number;
	const agentToken = `search-agent-${vendor}`;
	const readerToken = `search-reader-${vendor}`;
	const nobodyToken = `search-nobody-${vendor}`;

	const find = async (params: Record<string, string>, token = instance.token) => {
		const reply = await call(`${instance.url}/activity-hub/search?${new URLSearchParams(params)}`, { token });
		return reply as { status: number; body: { data: Page; errors?: Array<{ extensions: { code: string } }> } };
	};

	const ids = async (q: string, extra: Record<string, string> = {}) =>
		(await find({ q, ...extra })).body.data.results.map((r) => r.id);

	const webhook = async (json: Record<string, unknown>) =>
		(await call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, json })).body.data
			.id as string;

	beforeAll(async () => {
		instance = await startInstance(vendor);
		channel = await createChannel(instance, { name: 'Search line', provider: 'generic' });

		contact = (
			await admin(instance).post('/items/contacts', { first_name: 'Ines', emails: [{ email: 'ines@example.com' }] })
		).body.data.id;

		await createUser(instance, AGENT_ROLE_ID, agentToken);
		await createUser(instance, null, nobodyToken);
		// Reads activities but not notes: finds activities only.
		await createStudioUser(instance, readerToken, [{ collection: 'activities', action: 'read' }]);
	});

	afterAll(() => instance?.stop());

	it('finds ingested activities, ranked, with highlights and a link back, paged by cursor', async () => {
		const strong = await webhook({
			type: 'email',
			sender: 'ines@example.com',
			subject: 'Invoice 1042 is overdue',
			content: '<p>Please settle <b>invoice</b> 1042 by Friday.</p>',
		});

		const weak = await webhook({ type: 'sms', sender: '+12025550100', content: 'about that invoice, see 1042 above' });
		await webhook({ type: 'sms', sender: '+12025550100', content: 'an invoice without the number' });

		const { status, body } = await find({ q: 'invoice 1042' });
		expect(status).toBe(200);
		expect(body.data.results.map((r) => r.id)).toEqual([strong, weak]);
		const [first] = body.data.results;

		expect(first).toMatchObject({ kind: 'activity', subject: 'Invoice 1042 is overdue', contact, type: 'email' });

		expect(first!.highlights[0]).toEqual({
			field: 'subject',
			fragments: [
				{ text: 'Invoice', match: true },
				{ text: ' ', match: false },
				{ text: '1042', match: true },
				{ text: ' is overdue', match: false },
			],
		});

		// The e-mail's HTML is not in the highlight: text fragments only.
		const content = first!.highlights.find((h) => h.field === 'content')!;
		expect(content.fragments.map((f) => f.text).join('')).not.toContain('<');
		expect(content.fragments.filter((f) => f.match).map((f) => f.text.toLowerCase())).toEqual(['invoice', '1042']);

		const one = await find({ q: 'invoice 1042', limit: '1' });
		expect(one.body.data.results.map((r) => r.id)).toEqual([strong]);
		const two = await find({ q: 'invoice 1042', limit: '1', after: one.body.data.next! });
		expect(two.body.data.results.map((r) => r.id)).toEqual([weak]);
		expect(two.body.data.next).toBeNull();

		expect(await ids('invoice -overdue 1042')).toEqual([weak]);
		expect(await ids('"invoice 1042"')).toEqual([strong]);
		expect(await ids('invoice 1042', { type: 'sms' })).toEqual([weak]);
		expect(await ids('invoice 1042', { contact: String(contact) })).toEqual([strong]);
		expect(await ids('invoice 1042', { channel: '00000000-0000-4000-8000-000000000000' })).toEqual([]);
	});

	it('follows every write path: completion with a transcript and note, REST edits, notes, deletes', async () => {
		const call1 = await webhook({ type: 'call', sender: 'ines@example.com', content: 'Call from Ines about kayaks' });
		expect(await ids('kayaks')).toEqual([call1]);
		expect(await ids('zeppelin')).toEqual([]);

		// The queue's completion writes processed_data (summary, transcript) and a note in one transaction.
		const claimed = (
			await call(`${instance.url}/activity-hub/queue/claim`, {
				method: 'POST',
				token: agentToken,
				json: { channels: [channel.id], types: ['call'] },
			})
		).body.data;

		expect(claimed.map((a: { id: string }) => a.id)).toEqual([call1]);

		const done = await call(`${instance.url}/activity-hub/queue/${call1}/complete`, {
			method: 'POST',
			token: agentToken,
			json: {
				lease_token: claimed[0].lease_token,
				processed_data: {
					summary: 'Wants a zeppelin tour',
					transcript: [{ start: 0, end: 3, text: 'I would like to book the airship tour' }],
				},
				note: 'Ines asked about the airship tour',
			},
		});

		expect(done.status).toBe(200);
		const found = (await find({ q: 'airship' })).body.data.results;

		expect(found.map((r) => [r.kind, r.kind === 'note' ? 'note' : r.id]).sort()).toEqual([
			['activity', call1],
			['note', 'note'],
		]);

		expect(found.find((r) => r.kind === 'activity')!.highlights.map((h) => h.field)).toEqual(['transcript']);
		expect((await find({ q: 'zeppelin' })).body.data.results[0]!.highlights[0]!.field).toBe('summary');
		const noteId = found.find((r) => r.kind === 'note')!.id;

		// Directus's own REST: an edit re-indexes, a delete removes.
		await admin(instance).patch(`/items/activities/${call1}`, { content: 'Call about a hot-air balloon' });
		expect(await ids('balloon')).toEqual([call1]);
		expect(await ids('kayaks')).toEqual([]);

		const free = (await admin(instance).post('/items/contact_notes', { contact, content: 'Prefers quokka stickers' }))
			.body.data.id;

		expect(await ids('quokka')).toEqual([String(free)]);
		await admin(instance).patch(`/items/contact_notes/${free}`, { content: 'Prefers wombat stickers' });
		expect(await ids('quokka')).toEqual([]);
		expect(await ids('wombat')).toEqual([String(free)]);
		await admin(instance).delete(`/items/contact_notes/${free}`);
		await admin(instance).delete(`/items/contact_notes/${noteId}`);
		expect(await ids('wombat')).toEqual([]);

		await admin(instance).delete(`/items/activities/${call1}`);
		expect(await ids('airship')).toEqual([]);
		expect(await ids('balloon')).toEqual([]);
	});

	it('indexes what was there before the install step, once', async () => {
		const id = await webhook({ type: 'sms', sender: '+12025550111', content: 'pelican delivery' });

		// As if the rows predated the step: the index emptied, then the step run again.
		if (vendor === 'pg') await instance.db('activity_hub_activity_search').delete();
		else {
			await instance.db.raw('DELETE FROM activity_hub_search');
			await instance.db.raw("DELETE FROM activity_hub_search_keys WHERE kind = 'a'");
		}

		expect(await ids('pelican')).toEqual([]);

		for (let run = 0; run < 2; run++)
			await instance.db.transaction(async (trx) => {
				await searchStep(trx, {});
				await searchOnChangeStep(trx);
			});

		expect(await ids('pelican')).toEqual([id]);
		expect(await ids('invoice 1042')).toHaveLength(2);
	});

	it('re-indexes an updated activity only when what it indexes changed', async () => {
		const id = await webhook({ type: 'sms', sender: '+12025550113', content: 'heron landing' });

		// PostgreSQL: a rewritten document is a new row version of its search row (another xmin).
		const version = async () =>
			vendor === 'pg'
				? String(
						(await instance.db.raw('SELECT xmin FROM activity_hub_activity_search WHERE id = ?', [id])).rows[0]?.xmin,
					)
				: null;

		const before = await version();

		// What a completion without summary or transcript writes: status and processed_data, nothing indexed.
		await admin(instance).patch(`/items/activities/${id}`, { status: 'completed', processed_data: { ok: true } });
		if (vendor === 'pg') expect(await version()).toBe(before);
		expect(await ids('heron')).toEqual([id]);

		await admin(instance).patch(`/items/activities/${id}`, { processed_data: { ok: true, summary: 'egret spotted' } });
		expect(await ids('egret')).toEqual([id]);
		if (vendor === 'pg') expect(await version()).not.toBe(before);

		await admin(instance).patch(`/items/activities/${id}`, { content: 'stork landing' });
		expect(await ids('heron')).toEqual([]);
		expect(await ids('stork')).toEqual([id]);
	});

	it('answers only what the caller may read, and refuses bad input with a code', async () => {
		await admin(instance).post('/items/contact_notes', { contact, content: 'ibis sighting noted' });
		const activity = await webhook({ type: 'sms', sender: '+12025550112', content: 'ibis sighting reported' });

		expect((await find({ q: 'ibis' })).body.data.results.map((r) => r.kind).sort()).toEqual(['activity', 'note']);

		// Read on activities only: no notes.
		const reader = await find({ q: 'ibis' }, readerToken);
		expect(reader.status).toBe(200);
		expect(reader.body.data.results.map((r) => r.id)).toEqual([activity]);

		expect((await find({ q: 'ibis' }, nobodyToken)).status).toBe(403);
		expect((await call(`${instance.url}/activity-hub/search?q=ibis`)).status).toBe(401);

		for (const params of [
			{},
			{ q: '   ' },
			{ q: '!!!' },
			{ q: 'x'.repeat(201) },
			{ q: 'ibis', limit: '0' },
			{ q: 'ibis', limit: '500' },
			{ q: 'ibis', type: 'fax' },
			{ q: 'ibis', channel: 'nope' },
			{ q: 'ibis', contact: 'nope' },
			{ q: 'ibis', after: 'forged' },
		]) {
			const reply = await find(params as Record<string, string>);
			expect(reply.status, JSON.stringify(params)).toBe(400);
			expect(reply.body.errors![0]!.extensions.code).toBe('INVALID_PAYLOAD');
		}

		// Query syntax is data, not FTS5 or tsquery syntax.
		for (const q of ['ibis NEAR(x y)', 'subject:ibis', "ibis' OR 1=1 --", 'ibis & | ! :* <->', '"ibis'])
			expect((await find({ q })).status, q).toBe(200);
	});

	it('is the MCP search tool, with the same answers and codes', async () => {
		const client = await mcpClient(instance.url, agentToken);

		try {
			const { data } = await tool<Page>(client, 'search', { q: 'invoice 1042', limit: 1 });
			expect(data!.results).toHaveLength(1);
			expect(data!.results[0]!.subject).toBe('Invoice 1042 is overdue');
			expect(data!.next).toEqual(expect.any(String));
			expect((await tool(client, 'search', { q: '!!!' })).error?.code).toBe('INVALID_PAYLOAD');
		} finally {
			await client.close();
		}
	});

	it('keeps each first-response wait current through inserts, moves, re-matches, owner changes and deletes', async () => {
		const line = await createChannel(instance, { name: 'Waits line', provider: 'generic' });
		const other = await createChannel(instance, { name: 'Waits other line', provider: 'generic' });
		const people: number[] = [];

		for (const name of ['Ada', 'Bo'])
			people.push((await admin(instance).post('/items/contacts', { first_name: name })).body.data.id as number);

		const owner = (await instance.db('directus_users').first('id')).id as string;

		const at = (minute: number) =>
			vendor === 'pg' ? new Date(Date.UTC(2025, 5, 1) + minute * 60_000) : Date.UTC(2025, 5, 1) + minute * 60_000;

		const channels = [line.id, other.id];
		const used = new Set<number>();

		// A fixed sequence from a small linear congruential generator: the same writes on every run.
		let state = 7;
		const next = (n: number) => (state = (state * 48271) % 2147483647) % n;

		const freshMinute = () => {
			let minute;
			do minute = next(5000);
			while (used.has(minute));
			used.add(minute);
			return minute;
		};

		const smsRow = (fields: Record<string, unknown>) => ({
			id: randomUUID(),
			type: 'sms',
			status: 'completed',
			available_at: at(0),
			attempts: 0,
			max_attempts: 5,
			...fields,
		});

		const ids: string[] = [];

		const activities = () =>
			instance
				.db('activities')
				.whereIn('channel', channels)
				.select<Row[]>('id', 'direction', 'thread_key', 'contact', 'channel', 'owner', 'occurred_at');

		const check = async (step: string) => {
			const expected = waitsFromScratch(await activities());

			const stored = await instance
				.db(FIRST_RESPONSES)
				.whereIn('channel', channels)
				.select('id', 'replied_at', 'seconds', 'owner');

			expect(
				Object.fromEntries(
					stored.map((row) => [
						row.id,
						{ replied_at: new Date(row.replied_at).getTime(), seconds: Number(row.seconds), owner: row.owner },
					]),
				),
				step,
			).toEqual(Object.fromEntries(expected));
		};

		for (let step = 0; step < 200; step++) {
			const operation = ids.length < 6 ? 0 : next(7);
			const id = ids[next(ids.length)]!;
			const contact = [people[0], people[1], null][next(3)]!;
			const thread = [null, null, 'thread-1'][next(3)]!;

			if (operation <= 1) {
				// One row, or (operation 1) four in one statement, as the ingest writer's batches are.
				const rows = Array.from({ length: operation === 0 ? 1 : 4 }, () =>
					smsRow({
						direction: next(2) ? 'inbound' : 'outbound',
						channel: channels[next(2)],
						contact: next(2) ? contact : [people[0], people[1], null][next(3)]!,
						thread_key: thread,
						occurred_at: at(freshMinute()),
					}),
				);

				ids.push(...rows.map((row) => row.id));
				await instance.db('activities').insert(rows);
			} else if (operation === 2)
				await instance
					.db('activities')
					.where({ id })
					.update({ direction: next(2) ? 'inbound' : 'outbound' });
			else if (operation === 3)
				await instance
					.db('activities')
					.where({ id })
					.update({ occurred_at: at(freshMinute()) });
			else if (operation === 4) await instance.db('activities').where({ id }).update({ contact, thread_key: thread });
			else if (operation === 5)
				await instance
					.db('activities')
					.where({ id })
					.update({ owner: next(2) ? owner : null, channel: channels[next(2)] });
			else {
				await instance.db('activities').where({ id }).delete();
				ids.splice(ids.indexOf(id), 1);
			}

			await check(`step ${step} (operation ${operation})`);
		}

		expect((await instance.db(FIRST_RESPONSES).whereIn('channel', channels).count({ n: '*' }))[0]!.n).not.toEqual(0);

		// Through Directus: a re-match over REST and a delete; then the install steps measure every wait from scratch.
		const [first, second] = ids;
		expect((await admin(instance).patch(`/items/activities/${first}`, { contact: people[1] })).status).toBe(200);
		expect((await admin(instance).delete(`/items/activities/${second}`)).status).toBe(204);
		await check('after REST writes');

		const measureAgain = () =>
			instance.db.transaction(async (trx) => {
				await firstResponsesStep(trx);
				await firstResponsesInOrderStep(trx);
			});

		if (vendor === 'pg') {
			// Beside a writer, as on an upgrade while another instance runs: a transaction that updated an activity
			// (a claim, say) stays open until the steps wait for it, then writes a reply, whose trigger needs the
			// waits table. Both finish; steps that took the activities lock last deadlocked with it.
			const writer = await instance.db.transaction();
			let measured: Promise<void> | undefined;

			try {
				await writer('activities').where({ id: ids[2] }).update({ attempts: 1 });
				measured = measureAgain();

				const waiting = async () =>
					(
						await instance.db.raw(
							"SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'activities'::regclass",
						)
					).rows[0].n;

				await expect.poll(waiting).toBeGreaterThan(0);

				await writer('activities').insert(
					smsRow({ direction: 'outbound', channel: line.id, contact: people[0], occurred_at: at(freshMinute()) }),
				);

				await writer.commit();
			} finally {
				// A failure above must not leave the steps waiting on this transaction's lock for ever.
				if (!writer.isCompleted()) await writer.rollback();
			}

			await measured;
		} else await measureAgain();

		await check('measured again by the install steps');
	});

	it('reports activities per day, the unmatched share, first-response times and failures', async () => {
		const fresh = await createChannel(instance, { name: 'Analytics line', provider: 'generic' });
		const base = Date.UTC(2026, 0, 10, 9, 0, 0);
		const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();

		const post = (json: Record<string, unknown>) =>
			call(fresh.webhook, { method: 'POST', headers: { 'x-ingestion-key': fresh.key }, json });

		// One conversation (Ines on this channel): waits of 10 min (from the first of two inbound) and 30 min.
		for (const [direction, minutes, who] of [
			['inbound', 0, 'sender'],
			['inbound', 5, 'sender'],
			['outbound', 10, 'recipient'],
			['outbound', 12, 'recipient'],
			['inbound', 60 * 24, 'sender'],
			['outbound', 60 * 24 + 30, 'recipient'],
		] as const)
			expect(
				(
					await post({
						type: 'email',
						direction,
						[who]: 'ines@example.com',
						occurred_at: at(minutes),
						content: `${direction} at ${minutes}`,
					})
				).status,
			).toBe(202);

		// Unmatched, and one failure.
		await post({ type: 'sms', sender: '+12025550199', occurred_at: at(60), content: 'who is this' });

		const failing = (await post({ type: 'sms', sender: '+12025550198', occurred_at: at(61), content: 'fail me' })).body
			.data.id;

		await instance
			.db('activities')
			.where({ id: failing })
			.update({
				status: 'failed',
				last_error: 'model refused',
				date_updated: vendor === 'pg' ? new Date() : Date.now(),
			});

		const report = await call(
			`${instance.url}/activity-hub/analytics?from=2026-01-10T00:00:00Z&to=2026-01-12T00:00:00Z`,
			{ token: agentToken },
		);

		expect(report.status).toBe(200);
		const data = report.body.data;
		expect(data.totals).toMatchObject({ activities: 8, unmatched: 2 });
		expect(data.totals.unmatched_share).toBeCloseTo(0.25);

		expect(data.per_day).toEqual([
			{ day: '2026-01-10', channel: fresh.id, type: 'email', count: 4, unmatched: 0, ambiguous: 0 },
			{ day: '2026-01-10', channel: fresh.id, type: 'sms', count: 2, unmatched: 2, ambiguous: 0 },
			{ day: '2026-01-11', channel: fresh.id, type: 'email', count: 2, unmatched: 0, ambiguous: 0 },
		]);

		expect(data.first_response.overall).toEqual({ count: 2, median_seconds: 600, p90_seconds: 1800 });

		expect(data.first_response.by_channel).toEqual([
			{ channel: fresh.id, count: 2, median_seconds: 600, p90_seconds: 1800 },
		]);

		expect(data.channels[fresh.id]).toBe('Analytics line');
		expect(data.failures).toEqual([]); // failed now, outside the range's updates

		const now = await call(`${instance.url}/activity-hub/analytics?days=1`, { token: agentToken });
		expect(now.body.data.failures).toEqual([{ reason: 'model refused', count: 1 }]);

		expect((await call(`${instance.url}/activity-hub/analytics?days=0`, { token: agentToken })).status).toBe(400);
		expect((await call(`${instance.url}/activity-hub/analytics`, { token: nobodyToken })).status).toBe(403);
	});
});
