// Operating Activity Hub: its activity_hub_* series on Directus's own /metrics (token rules, promtool, values that
// move with the work done) and the refusal log (what it keeps and never keeps, the channel setup's read, pruning).
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { pruneRefusals, REFUSALS_TABLE } from '../../extensions/activity-hub/src/runtime/refusals.js';
import { whatsappSignature } from '../../extensions/activity-hub/src/shared/node/providers/whatsapp.js';
import { admin, call, createChannel, createUser } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';

const METRICS_TOKEN = 'scrape-me-please';

/** promtool check metrics on `input`: its exit status and what it printed. */
function promtool(input: string) {
	const result = spawnSync('promtool', ['check', 'metrics'], { input });
	return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** `name{a="b",…}` → value, from Prometheus's text format. */
function parseMetrics(text: string) {
	const values = new Map<string, number>();

	for (const line of text.split('\n')) {
		if (!line || line.startsWith('#')) continue;
		const at = line.lastIndexOf(' ');
		values.set(line.slice(0, at), Number(line.slice(at + 1)));
	}

	return values;
}

describe.each(vendors())('operations on %s', (vendor) => {
	let instance: Instance;
	let channel: { id: string; key: string; webhook: string };
	const agentToken = `ops-agent-${vendor}`;

	const scrape = async (authorization = `Metrics ${METRICS_TOKEN}`) =>
		call(`${instance.url}/metrics`, { headers: { authorization } });

	const metrics = async () => {
		const reply = await scrape();
		expect(reply.status).toBe(200);
		return parseMetrics(reply.text);
	};

	const agent = (path: string, json: unknown) =>
		call(`${instance.url}/activity-hub${path}`, { method: 'POST', token: agentToken, json });

	const ingest = (json: unknown, key = channel.key) =>
		call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': key }, json });

	beforeAll(async () => {
		instance = await startInstance(vendor, {
			METRICS_ENABLED: 'true',
			METRICS_TOKENS: METRICS_TOKEN,
			ACTIVITY_HUB_REAPER_CRON: '*/1 * * * * *',
		});

		channel = await createChannel(instance, { provider: 'generic', name: 'ops generic' });
		await createUser(instance, AGENT_ROLE_ID, agentToken);
	});

	afterAll(() => instance?.stop());

	it('serves activity_hub_* on Directus’s /metrics under its token rules, and promtool accepts it', async () => {
		expect((await scrape('Metrics wrong-token')).status).toBe(403);
		expect((await call(`${instance.url}/metrics`)).status).toBe(403);
		const reply = await scrape();
		expect(reply.status).toBe(200);
		expect(reply.text).toContain('# TYPE activity_hub_webhook_requests_total counter');
		expect(reply.text).toContain('# TYPE activity_hub_received_to_completed_seconds histogram');
		expect(reply.text).toContain('activity_hub_activities{status="raw"}');
		// An admin's token reads it too, as Directus's own series.
		expect((await call(`${instance.url}/metrics`, { token: instance.token })).status).toBe(200);

		// promtool passes Activity Hub's families clean; on the whole answer its only complaints are Directus's own
		// (directus_db_*_response_time_ms: "abbreviated units"), never an activity_hub_* family.
		const ours = reply.text
			.split('\n')
			.filter((line) => /^(# (HELP|TYPE) )?activity_hub_/.test(line))
			.join('\n');

		expect(ours).toContain('activity_hub_claims_total');
		expect(promtool(`${ours}\n`)).toEqual({ status: 0, output: '' });
		const whole = promtool(reply.text);
		const complaints = whole.output.split('\n').filter(Boolean);

		expect(
			complaints.every((line) => line.startsWith('directus_')),
			whole.output,
		).toBe(true);
	});

	it('moves with the work done: ingests, refusals, claims, completions, failures, expiries, media failures', async () => {
		const before = await metrics();
		const delta = (now: Map<string, number>, key: string) => (now.get(key) ?? 0) - (before.get(key) ?? 0);

		const requests = (result: string, id = channel.id, provider = 'generic') =>
			`activity_hub_webhook_requests_total{channel="${id}",provider="${provider}",result="${result}"}`;

		const tag = randomBytes(4).toString('hex');
		for (const n of [1, 2, 3])
			expect((await ingest({ type: 'sms', content: `m${n}`, external_id: `${tag}-${n}` })).status).toBe(202);
		expect((await ingest({ type: 'sms', content: 'again', external_id: `${tag}-1` })).status).toBe(200);
		expect((await ingest({ type: 'sms' }, `ahk_${randomBytes(32).toString('base64url')}`)).status).toBe(401);

		expect(
			(await call(`${instance.url}/ingest/00000000-0000-4000-8000-000000000000`, { method: 'POST', json: {} })).status,
		).toBe(404);

		// Three claimed: one completed, one failed for good, one left to expire.
		const claimed = (await agent('/queue/claim', { limit: 3, lease_seconds: 5 })).body.data as Array<{
			id: string;
			lease_token: string;
		}>;

		expect(claimed).toHaveLength(3);
		const [done, dead] = claimed;

		expect(
			(await agent(`/queue/${done!.id}/complete`, { lease_token: done!.lease_token, processed_data: {} })).status,
		).toBe(200);

		expect(
			(await agent(`/queue/${dead!.id}/fail`, { lease_token: dead!.lease_token, error: 'bad', retry: false })).status,
		).toBe(200);

		// A WhatsApp photo on a channel without an access token: stored, its media not fetched.
		const whatsapp = await createChannel(instance, { provider: 'whatsapp', secrets: { app_secret: 'ops-secret' } });

		const photo = Buffer.from(
			JSON.stringify({
				object: 'whatsapp_business_account',
				entry: [
					{
						changes: [
							{
								value: {
									messages: [
										{
											from: '16505551234',
											id: `wamid.ops.${tag}`,
											timestamp: '1767225600',
											type: 'image',
											image: { id: '42', mime_type: 'image/jpeg' },
										},
									],
								},
							},
						],
					},
				],
			}),
		);

		const photoReply = await call(whatsapp.webhook, {
			method: 'POST',
			headers: {
				'x-ingestion-key': whatsapp.key,
				'content-type': 'application/json',
				'x-hub-signature-256': whatsappSignature('ops-secret', photo),
			},
			body: photo,
		});

		expect(photoReply.status).toBe(202);

		await expect
			.poll(
				async () => {
					const now = await metrics();

					return {
						accepted: delta(now, requests('accepted')),
						duplicate: delta(now, requests('duplicate')),
						refused: delta(now, requests('KEY_INVALID')),
						unknown: delta(now, requests('CHANNEL_NOT_FOUND', 'unknown', 'unknown')),
						claims: delta(now, 'activity_hub_claims_total'),
						completions: delta(now, 'activity_hub_completions_total'),
						completedObserved: delta(now, 'activity_hub_received_to_completed_seconds_count'),
						failed: delta(now, 'activity_hub_failures_total{outcome="failed"}'),
						expiries: delta(now, 'activity_hub_lease_expiries_total'),
						deadLetters: delta(now, 'activity_hub_dead_letters_total'),
						media: delta(now, 'activity_hub_media_fetch_failures_total{provider="whatsapp"}'),
						// Gauges: the database's own counts (read at most every 5 s).
						gauges: await Promise.all(
							['raw', 'processing', 'completed', 'failed'].map(
								async (status) =>
									now.get(`activity_hub_activities{status="${status}"}`) ===
									Number((await instance.db('activities').where({ status }).count({ n: '*' }).first())!['n']),
							),
						),
					};
				},
				{ timeout: 30_000, interval: 1000 },
			)
			.toEqual({
				accepted: 3,
				duplicate: 1,
				refused: 1,
				unknown: 1,
				claims: 3,
				completions: 1,
				completedObserved: 1,
				failed: 1,
				expiries: 1,
				// The failure without retry; the expired lease had attempts left and is queued again.
				deadLetters: 1,
				media: 1,
				gauges: [true, true, true, true],
			});

		const final = await metrics();
		expect(final.get('activity_hub_oldest_queued_age_seconds')).toBeGreaterThan(0);
		// The completion took less than a minute from its ingest.
		expect(delta(final, 'activity_hub_received_to_completed_seconds_bucket{le="60"}')).toBe(1);
	});

	it('logs refusals per channel without body, key or signature, and shows them to admins by reason', async () => {
		const logged = await createChannel(instance, {
			provider: 'generic',
			name: 'refusal log',
			secrets: { webhook_secret: `whsec_${randomBytes(32).toString('base64')}` },
		});

		const secretBody = `{"type":"sms","content":"secret-body-${randomBytes(6).toString('hex')}"}`;
		const wrongKey = `ahk_${randomBytes(32).toString('base64url')}`;

		const refused = await Promise.all([
			call(logged.webhook, {
				method: 'POST',
				headers: { 'x-ingestion-key': wrongKey, 'content-type': 'application/json' },
				body: secretBody,
			}),
			call(logged.webhook, {
				method: 'POST',
				headers: {
					'x-ingestion-key': logged.key,
					'content-type': 'application/json',
					'webhook-id': 'msg_1',
					'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
					'webhook-signature': 'v1,Zm9yZ2Vk',
				},
				body: secretBody,
			}),
			call(logged.webhook, {
				method: 'POST',
				headers: {
					'x-ingestion-key': logged.key,
					'content-type': 'application/json',
					'webhook-id': 'msg_2',
					'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
					'webhook-signature': 'v1,Zm9yZ2Vk',
				},
				body: secretBody,
			}),
		]);

		expect(refused.map((r) => r.status)).toEqual([401, 401, 401]);

		const summary = async () => (await admin(instance).get(`/activity-hub/channels/${logged.id}/refusals`)).body.data;
		await expect.poll(async () => (await summary()).total, { timeout: 5000 }).toBe(3);
		const { by_reason, recent } = await summary();

		expect(by_reason).toEqual([
			{ reason: 'SIGNATURE_INVALID', count: 2 },
			{ reason: 'KEY_INVALID', count: 1 },
		]);

		expect(recent).toHaveLength(3);

		for (const entry of recent)
			expect(entry).toEqual({
				refused_at: expect.any(String),
				status: 401,
				reason: expect.stringMatching(/^(KEY|SIGNATURE)_INVALID$/),
				remote_address: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$|^::1$/),
				content_length: Buffer.byteLength(secretBody),
				provider: 'generic',
			});

		const rows = JSON.stringify(await instance.db(REFUSALS_TABLE).where({ channel: logged.id }));
		expect(rows).not.toContain('secret-body');
		expect(rows).not.toContain(wrongKey);
		expect(rows).not.toContain('Zm9yZ2Vk');

		// Admins only.
		await createUser(instance, null, `ops-nobody-${vendor}`);

		expect(
			(await call(`${instance.url}/activity-hub/channels/${logged.id}/refusals`, { token: `ops-nobody-${vendor}` }))
				.status,
		).toBe(403);

		expect(
			(await call(`${instance.url}/activity-hub/channels/${logged.id}/refusals`, { token: agentToken })).status,
		).toBe(403);

		// Deleting the channel removes its log.
		expect((await admin(instance).delete(`/items/ingestion_channels/${logged.id}`)).status).toBe(204);
		expect(await instance.db(REFUSALS_TABLE).where({ channel: logged.id })).toEqual([]);
	});

	it('prunes to the per-channel cap and the age limit, keeping the newest', async () => {
		const a = await createChannel(instance, { provider: 'generic', name: 'prune a' });
		const b = await createChannel(instance, { provider: 'generic', name: 'prune b' });
		const sqlite = vendor === 'sqlite';
		const at = (date: Date) => (sqlite ? date.getTime() : date);
		// Pruned as of 60 days from now, so the background prune (every minute, as of the real now) cannot take
		// the old rows first: to it they are 20 days in the future.
		const now = new Date(Date.now() + 60 * 86_400_000);
		const old = new Date(now.getTime() - 40 * 86_400_000);

		const row = (channel: string, reason: string, when: Date) => ({
			channel,
			provider: 'generic',
			refused_at: at(when),
			status: 401,
			reason,
			remote_address: '203.0.113.9',
			content_length: 1,
		});

		const rows = [
			...Array.from({ length: 5 }, () => row(a.id, 'OLD', old)),
			...Array.from({ length: 30 }, (_, i) => row(a.id, `R${i}`, now)),
			...Array.from({ length: 4 }, () => row(b.id, 'KEY_INVALID', now)),
		];

		for (let i = 0; i < rows.length; i += 50) await instance.db(REFUSALS_TABLE).insert(rows.slice(i, i + 50));

		// Rows earlier tests left (logged at the real now) are past the age limit as of that date too.
		const others = Number(
			(await instance.db(REFUSALS_TABLE).whereNotIn('channel', [a.id, b.id]).count({ n: '*' }).first())!['n'],
		);

		const removed = await pruneRefusals(instance.db, now, { perChannel: 10, maxAgeDays: 30 });
		expect(removed).toBe(5 + 20 + others);
		const kept = await instance.db(REFUSALS_TABLE).where({ channel: a.id }).orderBy('id').select('reason');
		expect(kept.map((r) => r.reason)).toEqual(Array.from({ length: 10 }, (_, i) => `R${20 + i}`));

		expect(Number((await instance.db(REFUSALS_TABLE).where({ channel: b.id }).count({ n: '*' }).first())!['n'])).toBe(
			4,
		);
	});

	describe('bulk actions', () => {
		let bulk: { id: string; key: string; webhook: string };
		let contact: number;
		const ids: Record<'timeout' | 'payload' | 'leased', string[]> = { timeout: [], payload: [], leased: [] };
		const leaseHashes = new Map<string, string>();
		const nobody = `bulk-nobody-${vendor}`;

		const run = (json: unknown, token = instance.token) =>
			call(`${instance.url}/activity-hub/activities/bulk`, { method: 'POST', token, json });

		const inChannel = () => ({ channel: { _eq: bulk.id } });
		const rows = (list: string[]) => instance.db('activities').whereIn('id', list).orderBy('id');

		beforeAll(async () => {
			bulk = await createChannel(instance, { provider: 'generic', name: 'bulk' });
			contact = (await admin(instance).post('/items/contacts', { first_name: 'Bulk', last_name: vendor })).body.data.id;
			await createUser(instance, null, nobody);

			for (let n = 0; n < 8; n++)
				expect(
					(
						await call(bulk.webhook, {
							method: 'POST',
							headers: { 'x-ingestion-key': bulk.key },
							json: { type: n % 2 ? 'sms' : 'call', content: `bulk ${n}`, external_id: `bulk-${vendor}-${n}` },
						})
					).status,
				).toBe(202);

			const claimed = (await agent('/queue/claim', { limit: 8, channels: [bulk.id], lease_seconds: 600 })).body
				.data as Array<{ id: string; lease_token: string }>;

			expect(claimed).toHaveLength(8);

			for (const [index, item] of claimed.entries()) {
				const group = (['timeout', 'timeout', 'timeout', 'timeout', 'payload', 'payload', 'leased', 'leased'] as const)[
					index
				]!;

				ids[group].push(item.id);
				if (group === 'leased') continue;
				const error = group === 'timeout' ? 'Timeout talking to the CRM' : 'Bad payload';

				expect(
					(await agent(`/queue/${item.id}/fail`, { lease_token: item.lease_token, error, retry: false })).status,
				).toBe(200);
			}

			for (const row of await rows(ids.leased)) leaseHashes.set(row.id, row.lease_token);
		});

		it('answers a dry run with the count, refuses bad filters and non-admins, and retries exactly that many', async () => {
			const filter = { _and: [inChannel(), { last_error: { _icontains: 'timeout' } }] };
			const plan = await run({ action: 'retry', filter, dry_run: true });
			expect(plan.status).toBe(200);
			expect(plan.body.data).toMatchObject({ action: 'retry', dry_run: true, count: 4, batches: 1 });
			// Nothing changed by the plan.
			expect((await rows(ids.timeout)).map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed']);

			expect(
				(await run({ action: 'retry', filter: { lease_token: { _eq: 'x' } } })).body.errors[0].extensions.code,
			).toBe('INVALID_PAYLOAD');

			expect((await run({ action: 'explode', filter })).status).toBe(400);
			expect((await run({ action: 'retry', filter }, nobody)).status).toBe(403);
			expect((await run({ action: 'retry', filter }, agentToken)).status).toBe(403);

			const done = await run({ action: 'retry', filter });
			expect(done.status).toBe(200);

			expect(done.body.data).toMatchObject({
				action: 'retry',
				processed: plan.body.data.count,
				succeeded: 4,
				skipped: 0,
				failed: 0,
				cancelled: false,
				more: false,
			});

			expect(done.body.data.results.map((r: { id: string; result: string }) => [r.id, r.result]).sort()).toEqual(
				[...ids.timeout].sort().map((id) => [id, 'retried']),
			);

			expect((await rows(ids.timeout)).map((r) => [r.status, Number(r.attempts)])).toEqual(Array(4).fill(['raw', 0]));
			expect((await rows(ids.payload)).map((r) => r.status)).toEqual(['failed', 'failed']);
			expect((await run({ action: 'retry', filter, dry_run: true })).body.data.count).toBe(0);
		});

		it('links and converts to notes per item through the single-activity actions, never touching a leased one', async () => {
			const plan = await run({ action: 'link', filter: inChannel(), contact, dry_run: true });
			expect(plan.body.data.count).toBe(6);
			const linked = await run({ action: 'link', filter: inChannel(), contact });
			expect(linked.body.data).toMatchObject({ processed: 6, succeeded: 6 });
			expect(linked.body.data.results.every((r: { result: string }) => r.result === 'linked')).toBe(true);

			const leased = await rows(ids.leased);

			expect(leased.map((r) => [r.status, r.contact, r.lease_token])).toEqual(
				ids.leased.sort().map((id) => ['processing', null, leaseHashes.get(id)]),
			);

			expect((await rows([...ids.timeout, ...ids.payload])).every((r) => Number(r.contact) === Number(contact))).toBe(
				true,
			);

			const notes = await run({ action: 'convert_to_note', filter: inChannel() });
			expect(notes.body.data).toMatchObject({ processed: 6, succeeded: 6 });

			expect(
				notes.body.data.results.every((r: { result: string; created: boolean }) => r.result === 'noted' && r.created),
			).toBe(true);

			expect(await instance.db('contact_notes').whereIn('activity', ids.leased)).toEqual([]);
			expect(await instance.db('contact_notes').whereIn('activity', [...ids.timeout, ...ids.payload])).toHaveLength(6);

			// Again: the same notes, none created (one note per activity).
			const again = await run({ action: 'convert_to_note', filter: inChannel() });
			expect(again.body.data.results.map((r: { created: boolean }) => r.created)).toEqual(Array(6).fill(false));

			// Requeue: the two failed ones back to the queue; the leased pair still held.
			const requeued = await run({ action: 'requeue', filter: { _and: [inChannel(), { status: { _eq: 'failed' } }] } });
			expect(requeued.body.data).toMatchObject({ processed: 2, succeeded: 2 });
			expect((await rows(ids.payload)).map((r) => r.status)).toEqual(['raw', 'raw']);
			expect((await rows(ids.leased)).map((r) => r.status)).toEqual(['processing', 'processing']);
		});

		it('is cancelled between batches by a cancel from the same user', async () => {
			const many = await createChannel(instance, { provider: 'generic', name: 'bulk many' });
			// Six batches, so a cancel sent once the first is under way lands well before the last.
			const seeded = 600;

			for (let n = 0; n < seeded; n += 25)
				await Promise.all(
					Array.from({ length: 25 }, (_, i) =>
						call(many.webhook, {
							method: 'POST',
							headers: { 'x-ingestion-key': many.key },
							json: { type: 'sms', content: `many ${n + i}`, external_id: `many-${vendor}-${n + i}` },
						}),
					),
				);

			const filter = { channel: { _eq: many.id } };

			expect((await run({ action: 'link', filter, contact, dry_run: true })).body.data).toMatchObject({
				count: seeded,
				batches: seeded / 100,
			});

			const job = randomUUID();
			const running = run({ action: 'link', filter, contact, job });

			const linked = async () =>
				Number(
					(await instance
						.db('activities')
						.where({ channel: many.id })
						.whereNotNull('contact')
						.count({ n: '*' })
						.first())!['n'],
				);

			// Cancelled while its first batch runs: it stops once that batch is done.
			await expect.poll(linked, { timeout: 20_000, interval: 20 }).toBeGreaterThan(0);

			const cancel = await call(`${instance.url}/activity-hub/activities/bulk/cancel`, {
				method: 'POST',
				token: instance.token,
				json: { job },
			});

			expect(cancel.body.data).toEqual({ job, cancel_requested: true });
			const { data } = (await running).body;
			expect(data.cancelled).toBe(true);
			expect(data.processed).toBeGreaterThanOrEqual(100);
			expect(data.processed).toBeLessThan(seeded);
			expect(data.processed % 100).toBe(0);

			const linkedNow = Number(
				(await instance
					.db('activities')
					.where({ channel: many.id })
					.whereNotNull('contact')
					.count({ n: '*' })
					.first())!['n'],
			);

			expect(linkedNow).toBe(data.processed);

			// The rest is left for another run.
			const other = await run({
				action: 'link',
				filter: { _and: [filter, { contact: { _null: true } }] },
				contact,
				job: randomUUID(),
				dry_run: true,
			});

			expect(other.body.data.count).toBe(seeded - data.processed);
		});
	});
});
