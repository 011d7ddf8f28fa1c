// The queue module: what each transition announces (pinned, whoever calls it), and leases stored only as hashes —
// against an in-memory SQLite database through the same activityQueue() the API, the flow operations and the reaper use.
import { createHash } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ItemEvent } from './events.js';
import { transitionEvents } from './events.js';
import { activityQueue, LeaseLost, QUEUE_STATES } from './index.js';
import { LEASE_EXPIRED_ERROR } from './statements.js';
import { up as hashLeasesInFlight } from '../../../../migrations/z0007-activity-hub-lease-token-hash.js';
import claimOperation from '../claim-operation/api.js';

const ID = '0e9a3f52-5d0e-4c36-9a57-1c3b2f0f6a01';

/** The events of a completion with processed_data { summary: 's' } and the note 'called back'. */
const completedWithNote = (noteKey: string | number): ItemEvent[] => [
	{
		action: 'update',
		collection: 'activities',
		key: ID,
		payload: { status: 'completed', processed_data: { summary: 's' } },
	},
	{
		action: 'create',
		collection: 'contact_notes',
		key: noteKey,
		payload: { activity: ID, content: 'called back', source: 'agent' },
	},
];

describe('transitionEvents', () => {
	it('pins the payload of every transition, and none names the lease token', () => {
		const lease = { lease_owner: 'u1', lease_expires_at: '2026-01-01T00:05:00.000Z', attempts: 2 };

		const cases: Array<[Parameters<typeof transitionEvents>[0], ItemEvent[]]> = [
			[
				{ kind: 'claimed', activity: { id: ID, ...lease, lease_token: 'secret', content: 'hi' } },
				[{ action: 'update', collection: 'activities', key: ID, payload: { status: 'processing', ...lease } }],
			],
			[
				{ kind: 'completed', id: ID, processedData: { summary: 's' }, note: { id: 7, content: 'called back' } },
				completedWithNote(7),
			],
			[
				{ kind: 'completed', id: ID, processedData: {}, note: null },
				[{ action: 'update', collection: 'activities', key: ID, payload: { status: 'completed', processed_data: {} } }],
			],
			[
				{ kind: 'failed', id: ID, status: 'raw', lastError: 'boom' },
				[{ action: 'update', collection: 'activities', key: ID, payload: { status: 'raw', last_error: 'boom' } }],
			],
			[
				{ kind: 'expired', id: ID, status: 'failed' },
				[
					{
						action: 'update',
						collection: 'activities',
						key: ID,
						payload: { status: 'failed', last_error: LEASE_EXPIRED_ERROR },
					},
				],
			],
			[
				{ kind: 'retried', id: ID },
				[{ action: 'update', collection: 'activities', key: ID, payload: { status: 'raw', attempts: 0 } }],
			],
			[
				{ kind: 'annotated', id: ID, processedData: { transcript: [] } },
				[{ action: 'update', collection: 'activities', key: ID, payload: { processed_data: { transcript: [] } } }],
			],
		];

		for (const [transition, events] of cases) {
			expect(transitionEvents(transition), transition.kind).toEqual(events);
			expect(JSON.stringify(transitionEvents(transition))).not.toMatch(/lease_token|secret/);
		}
	});
});

describe('activityQueue on SQLite', () => {
	let db: Knex;
	const events: ItemEvent[] = [];
	const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

	const queue = () =>
		activityQueue({ database: db, schema: () => null, accountability: null, sink: (event) => events.push(event) });

	beforeAll(async () => {
		db = knex({ client: 'sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });

		await db.schema.createTable('activities', (t) => {
			t.uuid('id').primary();
			t.string('type').defaultTo('sms');
			t.string('status');
			t.uuid('channel');
			t.uuid('owner');
			t.integer('contact');
			t.text('content');
			t.integer('attempts').defaultTo(0);
			t.integer('max_attempts').defaultTo(2);
			t.bigInteger('available_at');
			t.string('lease_owner');
			t.string('lease_token');
			t.bigInteger('lease_expires_at');
			t.text('processed_data');
			t.text('transcript_text');
			t.text('last_error');
			t.bigInteger('completed_at');
			t.bigInteger('date_created');
			t.bigInteger('date_updated');
		});

		await db.schema.createTable('agent_preferences', (t) => {
			t.uuid('user');
			t.boolean('allow_remote_processing');
			t.integer('stale_threshold_minutes');
		});

		await db.schema.createTable('contact_notes', (t) => {
			t.increments('id');
			t.integer('contact');
			t.text('content');
			t.uuid('activity').unique();
			t.string('source');
			t.uuid('author');
			t.bigInteger('date_created');
		});
	});

	afterAll(() => db?.destroy());

	beforeEach(async () => {
		events.length = 0;
		await db('contact_notes').delete();
		await db('activities').delete();
		await db('activities').insert({ id: ID, status: 'raw', contact: 1, available_at: Date.now() - 1000 });
	});

	it('hands out the token once, stores only its SHA-256, and refuses the stored value as a token', async () => {
		const [claimed] = await queue().claim({ worker: 'u1', limit: 5, leaseSeconds: 60, now: new Date() });
		const token = String(claimed!['lease_token']);
		const stored = (await db('activities').where({ id: ID }).first()).lease_token;

		expect(token).toMatch(/^[\w-]{43}$/);
		expect(stored).toBe(sha256(token));
		expect(stored).not.toBe(token);

		expect(events).toEqual([
			{
				action: 'update',
				collection: 'activities',
				key: ID,
				payload: {
					status: QUEUE_STATES.processing,
					lease_owner: 'u1',
					lease_expires_at: claimed!['lease_expires_at'],
					attempts: 1,
				},
			},
		]);

		for (const attempt of [
			() => queue().heartbeat(ID, stored, 60),
			() => queue().complete(ID, stored, {}, null),
			() => queue().fail(ID, stored, 'no', true),
		])
			await expect(attempt()).rejects.toBeInstanceOf(LeaseLost);

		expect(await queue().completeMany([{ id: ID, lease_token: stored }])).toEqual([{ id: ID, error: 'LEASE_LOST' }]);
		expect((await db('activities').where({ id: ID }).first()).status).toBe('processing');

		await queue().heartbeat(ID, token, 60);
		expect(await queue().complete(ID, token, { summary: 's' }, 'called back')).toMatchObject({ noteSkipped: false });
		const note = await db('contact_notes').where({ activity: ID }).first();

		expect(events.slice(1)).toEqual(completedWithNote(note.id));

		expect(JSON.stringify(events)).not.toContain(token);
		expect(await db('activities').where({ id: ID }).first()).toMatchObject({ status: 'completed', lease_token: null });
	});

	it('gives each activity of a batch its own token; a batch completion emits what a single one does', async () => {
		const second = '0e9a3f52-5d0e-4c36-9a57-1c3b2f0f6a02';
		await db('activities').insert({ id: second, status: 'raw', available_at: Date.now() - 1000 });
		const claimed = await queue().claim({ worker: 'u1', limit: 5, leaseSeconds: 60, now: new Date() });
		const tokens = claimed.map((activity) => String(activity['lease_token']));
		expect(new Set(tokens).size).toBe(2);
		const stored = await db('activities').select('id', 'lease_token').orderBy('id');
		expect(stored.map((row) => row.lease_token).sort()).toEqual(tokens.map(sha256).sort());
		events.length = 0;

		const results = await queue().completeMany(
			claimed.map((activity) => ({ id: String(activity['id']), lease_token: String(activity['lease_token']) })),
		);

		expect(results.map((result) => ('error' in result ? result.error : result.status))).toEqual([
			'completed',
			'completed',
		]);

		expect(events.map((event) => event.payload)).toEqual([
			{ status: 'completed', processed_data: {} },
			{ status: 'completed', processed_data: {} },
		]);
	});

	it('concurrent claims and completions, merged into shared statements, each take their own activities once', async () => {
		const ids = Array.from({ length: 9 }, (_, i) => `0e9a3f52-5d0e-4c36-9a57-1c3b2f0f6b0${i}`);
		await db('activities').insert(ids.map((id) => ({ id, status: 'raw', available_at: Date.now() - 1000 })));
		const now = new Date();

		const claims = await Promise.all(
			[1, 1, 3, 1, 4].map((limit) => queue().claim({ worker: 'u1', limit, leaseSeconds: 60, now })),
		);

		expect(claims.map((claimed) => claimed.length)).toEqual([1, 1, 3, 1, 4]);
		const claimedIds = claims.flat().map((activity) => String(activity['id']));
		expect(new Set(claimedIds).size).toBe(10);

		// Two callers race to complete the same activity with its token; a third presents another's token.
		const [first, second] = [claims[0]![0]!, claims[1]![0]!];

		const own = (activity: Record<string, unknown>) => ({
			id: String(activity['id']),
			lease_token: String(activity['lease_token']),
		});

		const results = await Promise.all([
			queue().completeMany([own(first)]),
			queue().completeMany([own(first)]),
			queue().completeMany([{ id: String(second['id']), lease_token: String(first['lease_token']) }]),
			...claims.slice(2).map((claimed) => queue().completeMany(claimed.map(own))),
		]);

		const statuses = results.map((result) => result.map((r) => ('error' in r ? r.error : r.status)));
		expect(statuses.slice(0, 2).flat().sort()).toEqual(['LEASE_LOST', 'completed']);
		expect(statuses[2]).toEqual(['LEASE_LOST']);
		expect(statuses.slice(3).flat()).toEqual(Array(8).fill('completed'));
		expect(Number((await db('activities').where({ status: 'completed' }).count({ n: '*' }))[0]!.n)).toBe(9);
	});

	it('fails, reaps and retries with the pinned payloads', async () => {
		const claim = async () =>
			String((await queue().claim({ worker: 'u1', limit: 1, leaseSeconds: 60, now: new Date() }))[0]!['lease_token']);

		await queue().fail(ID, await claim(), 'boom', true);

		await db('activities')
			.where({ id: ID })
			.update({ available_at: Date.now() - 1000 });

		await claim();

		await db('activities')
			.where({ id: ID })
			.update({ lease_expires_at: Date.now() - 1000 });

		expect(await queue().reap()).toEqual([{ id: ID, status: 'failed' }]);
		expect(await queue().retry(ID)).toBe(true);
		expect(await queue().retry(ID)).toBe(false);

		expect(events.filter((event) => event.payload['status'] !== 'processing').map((event) => event.payload)).toEqual([
			{ status: 'raw', last_error: 'boom' },
			{ status: 'failed', last_error: LEASE_EXPIRED_ERROR },
			{ status: 'raw', attempts: 0 },
		]);
	});

	it('the upgrade step hashes the tokens of leases in flight, once, and their workers complete as before', async () => {
		const token = 'b3c1d2e4f5a6978812345678abcdef01';
		const expires = Date.now() + 60_000;

		await db('activities')
			.where({ id: ID })
			.update({ status: 'processing', lease_token: token, lease_expires_at: expires });

		await hashLeasesInFlight(db);
		await hashLeasesInFlight(db);

		expect((await db('activities').where({ id: ID }).first()).lease_token).toBe(sha256(token));
		await expect(queue().complete(ID, token, {}, null)).resolves.toMatchObject({ noteId: null });
	});

	it('the Claim activities operation narrows to channels and types as the API does, and refuses what it refuses', async () => {
		const [mine, other] = ['0e9a3f52-5d0e-4c36-9a57-1c3b2f0f6aa1', '0e9a3f52-5d0e-4c36-9a57-1c3b2f0f6aa2'];
		await db('activities').update({ channel: other });

		await db('activities').insert([
			{ id: '0e9a3f52-5d0e-4c36-9a57-1c3b2f0f6a03', status: 'raw', type: 'call', channel: mine, available_at: 1 },
			{ id: '0e9a3f52-5d0e-4c36-9a57-1c3b2f0f6a04', status: 'raw', type: 'sms', channel: mine, available_at: 1 },
		]);

		const context = { database: db, getSchema: async () => null, accountability: null, flow: { id: 'f1' } };
		const run = (options: Record<string, unknown>) => (claimOperation as any).handler(options, context);

		// As a Studio form stores it, and as a template renders it (JSON text).
		expect((await run({ channels: [mine], types: ['call'] })).map((a: { id: string }) => a.id)).toEqual([
			'0e9a3f52-5d0e-4c36-9a57-1c3b2f0f6a03',
		]);

		expect((await run({ channels: JSON.stringify([mine]) })).map((a: { id: string }) => a.id)).toEqual([
			'0e9a3f52-5d0e-4c36-9a57-1c3b2f0f6a04',
		]);

		expect(await run({ channels: [mine] })).toEqual([]);
		await expect(run({ channels: ['not-a-channel'] })).rejects.toThrow('channels must be a list of channel ids');
		await expect(run({ types: ['fax'] })).rejects.toThrow('types must be a list of');
		expect((await db('activities').where({ id: ID }).first()).status).toBe('raw');
	});
});
