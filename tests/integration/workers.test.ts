// Real worker processes (examples/agent-worker.ts) against real Directus processes: many workers, workers killed
// mid-lease, and several Directus instances on one PostgreSQL with Redis.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { type RedisServer, startRedis } from '../../scripts/lib/redis.mjs';
import { call, createChannel, createUser } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';
import { openSocket } from '../harness/websocket.js';
import { seedActivities } from '../harness/seed.js';
import { startWorker, type Worker } from '../harness/workers.js';

const exactlyOnce = (workers: Worker[]) => {
	const all = workers.flatMap((w) => w.completed);
	return { all, unique: new Set(all) };
};

describe.each(vendors())('worker processes on %s', (vendor) => {
	let instance: Instance;
	const token = `worker-${randomUUID()}`;

	beforeAll(async () => {
		instance = await startInstance(vendor, { ACTIVITY_HUB_REAPER_CRON: '*/1 * * * * *' });
		await createUser(instance, AGENT_ROLE_ID, token);
	});

	afterAll(() => instance?.stop());

	it('8 worker processes drain 5,000 activities, each completed exactly once', async () => {
		const channel = await createChannel(instance, { provider: 'generic' });
		const ids = await seedActivities(instance.db, 5000, { channel: channel.id, queued: true });

		const workers = Array.from({ length: 8 }, () =>
			startWorker(instance.url, token, ['--batch', '25', '--lease-seconds', '60']),
		);

		expect(await Promise.all(workers.map((w) => w.exited))).toEqual(Array(8).fill(0));
		const { all, unique } = exactlyOnce(workers);
		expect(all).toHaveLength(5000);
		expect(unique.size).toBe(5000);
		expect(workers.filter((w) => w.completed.length > 0).length).toBeGreaterThan(1);
		const rows = await instance.db('activities').whereIn('id', ids).select('status', 'attempts');

		expect(rows.every((r: { status: string; attempts: number }) => r.status === 'completed' && r.attempts === 1)).toBe(
			true,
		);
	}, 300_000);

	it('workers killed with SIGKILL mid-lease lose nothing: their activities are re-claimed and completed once', async () => {
		const channel = await createChannel(instance, { provider: 'generic' });
		const ids = await seedActivities(instance.db, 120, { channel: channel.id, queued: true });
		const slow = ['--batch', '5', '--lease-seconds', '5', '--work-ms', '150'];
		const first = Array.from({ length: 4 }, () => startWorker(instance.url, token, slow));
		// Kill two workers once each has finished one activity: they still hold the rest of their batch.
		const victims = first.slice(0, 2);

		await expect
			.poll(() => victims.every((w) => w.completed.length >= 1), { timeout: 30_000, interval: 20 })
			.toBe(true);

		for (const victim of victims) victim.child.kill('SIGKILL');
		const codes = await Promise.all(first.map((w) => w.exited));
		expect(codes.slice(2)).toEqual([0, 0]); // the survivors ran to the end of the queue they could see
		// Until every activity is done: new workers pick up what the dead ones held, once their leases expire.
		const later: Worker[] = [];

		for (let round = 0; round < 10; round++) {
			const left = await instance
				.db('activities')
				.whereIn('id', ids)
				.whereNot({ status: 'completed' })
				.count({ n: '*' });

			if (Number(left[0]!.n) === 0) break;
			await new Promise((resolve) => setTimeout(resolve, 5500));
			const batch = Array.from({ length: 2 }, () => startWorker(instance.url, token, slow));
			await Promise.all(batch.map((w) => w.exited));
			later.push(...batch);
		}

		const rows = await instance.db('activities').whereIn('id', ids).select('id', 'status', 'attempts', 'max_attempts');
		expect(rows.filter((r: { status: string }) => r.status !== 'completed')).toEqual([]);
		const { all, unique } = exactlyOnce([...first, ...later]);
		expect(all.length).toBe(unique.size);
		expect(rows.some((r: { attempts: number }) => r.attempts > 1)).toBe(true);
		expect(rows.every((r: { attempts: number; max_attempts: number }) => r.attempts <= r.max_attempts)).toBe(true);
	}, 300_000);
});

describe.each(vendors().filter((v) => v === 'pg'))('three instances with Redis on %s', (vendor) => {
	let instance: Instance;
	let siblings: Awaited<ReturnType<Instance['sibling']>>[] = [];
	let redis: RedisServer;
	const token = `cluster-${randomUUID()}`;

	beforeAll(async () => {
		redis = await startRedis();

		const cluster = {
			REDIS: redis.url,
			SYNCHRONIZATION_STORE: 'redis',
			ACTIVITY_HUB_REAPER_CRON: '*/1 * * * * *',
			LOG_LEVEL: 'debug',
			ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE: '10',
		};

		instance = await startInstance(vendor, cluster);
		siblings = [await instance.sibling(cluster), await instance.sibling(cluster)];
		await createUser(instance, AGENT_ROLE_ID, token);
	}, 240_000);

	afterAll(async () => {
		for (const sibling of siblings) await sibling.stop();
		await instance?.stop();
		await redis?.stop();
	});

	it('workers spread over the instances never double-process', async () => {
		const channel = await createChannel(instance, { provider: 'generic' });
		const ids = await seedActivities(instance.db, 900, { channel: channel.id, queued: true });
		const urls = [instance.url, ...siblings.map((s) => s.url)];

		const workers = urls.flatMap((url) => [
			startWorker(url, token, ['--batch', '10']),
			startWorker(url, token, ['--batch', '10']),
		]);

		await Promise.all(workers.map((w) => w.exited));
		const { all, unique } = exactlyOnce(workers);
		expect(all).toHaveLength(900);
		expect(unique.size).toBe(900);
		const rows = await instance.db('activities').whereIn('id', ids).select('attempts');
		expect(rows.every((r: { attempts: number }) => r.attempts === 1)).toBe(true);
	}, 240_000);

	it('runs the reaper once per tick across the cluster', async () => {
		// Counted over a window rather than matched by label: a tick's label is the second it logged in, and a late
		// tick may log in the next one's second. Every instance running every tick would give about 3 per second.
		const logs = [instance.hubLog, ...siblings.map((s) => s.hubLog)];
		const before = logs.map((log) => log.length);
		const seconds = 6;
		await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
		const ticks = logs.flatMap((log, i) => log.slice(before[i]).filter((line) => /reaper tick \d+/.test(line)));

		expect(ticks.length).toBeGreaterThanOrEqual(seconds - 2);
		expect(ticks.length).toBeLessThanOrEqual(seconds + 1);
	});

	it("shares each channel's rate limit across the instances through Redis", async () => {
		const channel = await createChannel(instance, { provider: 'generic' });
		const urls = [instance.url, ...siblings.map((s) => s.url)];
		const statuses: number[] = [];

		for (let i = 0; i < 15; i++) {
			const reply = await call(`${urls[i % 3]}/ingest/${channel.id}`, {
				method: 'POST',
				headers: { 'x-ingestion-key': channel.key },
				json: { content: `burst ${i}` },
			});

			statuses.push(reply.status);
		}

		// 10 per minute for the channel in all: a per-instance limit would have let all 15 through.
		expect(statuses.filter((s) => s === 202)).toHaveLength(10);
		expect(statuses.slice(10)).toEqual([429, 429, 429, 429, 429]);
		expect(Number((await instance.db('activities').where({ channel: channel.id }).count({ n: '*' }))[0]!.n)).toBe(10);
	});

	it('a websocket client on one instance sees an activity ingested through another', async () => {
		const channel = await createChannel(instance, { provider: 'generic' });
		const { socket, messages } = await openSocket(instance.url, instance.token);

		socket.send(
			JSON.stringify({
				type: 'subscribe',
				collection: 'activities',
				event: 'create',
				uid: 'feed',
				query: { fields: ['id', 'content'] },
			}),
		);

		const canaries = await createChannel(instance, { provider: 'generic', name: 'canaries' });

		const ingestOn = async (url: string, content: string, into = channel) => {
			const ingested = await call(`${url}/ingest/${into.id}`, {
				method: 'POST',
				headers: { 'x-ingestion-key': into.key },
				json: { content },
			});

			expect(ingested.status).toBe(202);
			return ingested.body.data.id as string;
		};

		const heard = (id: string) =>
			messages.some(
				(m) => m.type === 'subscription' && m.event === 'create' && m.data?.some((d: { id: string }) => d.id === id),
			);

		// A subscription filtered to one event gets no init message: activities ingested on A itself (in their own
		// channel, under its rate limit), until one is heard, show that the subscription is live.
		await expect
			.poll(
				async () => {
					await ingestOn(instance.url, 'canary', canaries);
					return messages.some((m) => m.type === 'subscription' && m.event === 'create');
				},
				{ timeout: 15_000, interval: 500 },
			)
			.toBe(true);

		const sent = Date.now();
		const id = await ingestOn(siblings[1]!.url, 'seen across instances');
		await expect.poll(() => heard(id), { timeout: 5000, interval: 20 }).toBe(true);

		console.log(`[cluster] websocket event on A ${Date.now() - sent} ms after ingest on C`);
		socket.close();
	});
});
