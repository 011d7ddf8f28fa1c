// The fault suite: what a provider was told "accepted" is stored exactly once, through a Directus instance killed
// with SIGKILL mid-burst, a database crash-restart mid-drain, and the same delivery replayed 300 times.
import { createHmac, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { twilioSignature } from '../../extensions/activity-hub/src/shared/node/providers/twilio.js';
import { call, createChannel, createUser } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';
import { seedActivities } from '../harness/seed.js';
import { startWorker, type Worker } from '../harness/workers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Senders as providers behave: retry on network errors and 5xx with backoff until a 2xx; a 4xx is a bug here. */
async function burst(
	total: number,
	concurrency: number,
	target: () => string,
	key: string,
	onAccepted: (accepted: number) => void,
) {
	const attempts = { network: 0, server: 0, duplicates: 0, accepted: 0 };
	const acceptedIds = new Map<number, string>();
	let next = 0;

	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			for (let i = next++; i < total; i = next++) {
				for (let attempt = 0; ; attempt++) {
					if (attempt > 200) throw new Error(`webhook ${i} never accepted`);
					let status = 0;
					let body: any = null;

					try {
						const reply = await fetch(target(), {
							method: 'POST',
							headers: { 'content-type': 'application/json', 'x-ingestion-key': key },
							body: JSON.stringify({ type: 'sms', content: `burst ${i}`, external_id: `burst-${i}` }),
							signal: AbortSignal.timeout(10_000),
						});

						status = reply.status;
						body = await reply.json().catch(() => null);
					} catch {
						attempts.network++;
					}

					if (status >= 200 && status < 300) {
						if (body?.data?.duplicate) attempts.duplicates++;
						acceptedIds.set(i, body.data.id);
						onAccepted(++attempts.accepted);
						break;
					}

					if (status >= 400 && status < 500) throw new Error(`webhook ${i}: ${status} ${JSON.stringify(body)}`);
					if (status >= 500) attempts.server++;
					await sleep(Math.min(1000, 50 * 2 ** Math.min(attempt, 5)));
				}
			}
		}),
	);

	return { attempts, acceptedIds };
}

async function storedOnce(instance: Instance, channel: string, total: number, acceptedIds: Map<number, string>) {
	const rows = await instance.db('activities').where({ channel }).select('id', 'external_id');
	const byExternal = new Map<string, string[]>();
	for (const row of rows as Array<{ id: string; external_id: string }>)
		byExternal.set(row.external_id, [...(byExternal.get(row.external_id) ?? []), row.id]);
	expect([...byExternal.values()].filter((ids) => ids.length > 1)).toEqual([]);
	expect(rows).toHaveLength(total);
	// Every 2xx named the row that holds that delivery (a duplicate reply names the original).
	for (const [i, id] of acceptedIds) expect(byExternal.get(`burst-${i}`)).toEqual([id]);
}

describe.each(vendors())('faults on %s', (vendor) => {
	let instance: Instance;
	const agentToken = `fault-agent-${vendor}`;

	beforeAll(async () => {
		instance = await startInstance(vendor, {
			ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE: '1000000',
			ACTIVITY_HUB_REAPER_CRON: '*/1 * * * * *',
		});

		await createUser(instance, AGENT_ROLE_ID, agentToken);
	});

	afterAll(() => instance?.stop());

	it('a burst of 5,000 webhooks through a Directus instance killed with SIGKILL and restarted: every 2xx stored once, retries add nothing', async () => {
		const channel = await createChannel(instance, { provider: 'generic' });
		const total = 5000;
		const more = { ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE: '1000000' };
		// On PostgreSQL a second instance serves beside the one killed; SQLite allows one writer process, so there the
		// restart (a new process on the same file) is the only way back.
		const peer = vendor === 'pg' ? await instance.sibling(more) : null;
		let urls = peer ? [instance.url, peer.url] : [instance.url];
		let restarted: Awaited<ReturnType<Instance['sibling']>> | null = null;
		let killing: Promise<void> | null = null;
		let turn = 0;
		const killAt = 1500;

		const result = await burst(
			total,
			32,
			() => `${urls[turn++ % urls.length]!}/ingest/${channel.id}`,
			channel.key,
			(accepted) => {
				if (accepted < killAt || killing) return;

				killing = (async () => {
					await instance.kill();
					restarted = await instance.sibling(more);
					urls = peer ? [restarted.url, peer.url] : [restarted.url];
				})();
			},
		);

		await killing;

		console.log(
			`[faults:${vendor}] 5,000 webhooks, an instance SIGKILLed after ${killAt} were accepted and restarted: ${result.attempts.network} network errors and ${result.attempts.server} 5xx retried, ${result.attempts.duplicates} retries answered as duplicates`,
		);

		expect(killing).not.toBeNull();
		expect(result.attempts.network + result.attempts.server).toBeGreaterThan(0); // the kill really hit requests in flight
		await storedOnce(instance, channel.id, total, result.acceptedIds);
		await restarted!.stop();
		await peer?.stop();
		await instance.stop(); // the killed process: releases the database handle

		instance = await startInstance(vendor, {
			ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE: '1000000',
			ACTIVITY_HUB_REAPER_CRON: '*/1 * * * * *',
		});

		await createUser(instance, AGENT_ROLE_ID, agentToken);
	}, 300_000);

	it('the same delivery replayed 300 times, half of them concurrently, is one activity per provider', async () => {
		const generic = await createChannel(instance, {
			provider: 'generic',
			secrets: { webhook_secret: `whsec_${Buffer.from('replay-secret-0123456789abcdef!!').toString('base64')}` },
		});

		const twilioToken = 'replay-twilio-token';
		const twilio = await createChannel(instance, { provider: 'twilio', secrets: { auth_token: twilioToken } });
		const whatsappSecret = 'replay-app-secret';
		const whatsapp = await createChannel(instance, { provider: 'whatsapp', secrets: { app_secret: whatsappSecret } });
		const postmark = await createChannel(instance, { provider: 'postmark' });

		const body = JSON.stringify({ type: 'sms', content: 'replayed' });
		const signedAt = new Date();
		const webhookId = `msg_${randomUUID()}`;

		const signature = new Webhook(`whsec_${Buffer.from('replay-secret-0123456789abcdef!!').toString('base64')}`).sign(
			webhookId,
			signedAt,
			body,
		);

		const twilioUrl = `${twilio.webhook}?key=${encodeURIComponent(twilio.key)}`;

		const twilioFields: Array<[string, string]> = [
			['MessageSid', 'SMreplay0000000000000000000000000'],
			['AccountSid', 'AC00000000000000000000000000000000'],
			['From', '+12025550100'],
			['To', '+12025550199'],
			['Body', 'replayed'],
			['NumMedia', '0'],
		];

		const waBody = JSON.stringify({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: '1',
					changes: [
						{
							field: 'messages',
							value: {
								messaging_product: 'whatsapp',
								messages: [
									{
										from: '12025550100',
										id: 'wamid.replay',
										timestamp: '1767225600',
										type: 'text',
										text: { body: 'replayed' },
									},
								],
							},
						},
					],
				},
			],
		});

		const deliveries = [
			{
				channel: generic,
				send: () =>
					call(generic.webhook, {
						method: 'POST',
						headers: {
							'content-type': 'application/json',
							'x-ingestion-key': generic.key,
							'webhook-id': webhookId,
							'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
							'webhook-signature': signature,
						},
						body,
					}),
			},
			{
				channel: twilio,
				send: () =>
					call(twilioUrl, {
						method: 'POST',
						headers: {
							'content-type': 'application/x-www-form-urlencoded',
							'x-twilio-signature': twilioSignature(twilioToken, twilioUrl, twilioFields),
						},
						body: new URLSearchParams(twilioFields).toString(),
					}),
			},
			{
				channel: whatsapp,
				send: () =>
					call(`${whatsapp.webhook}?key=${encodeURIComponent(whatsapp.key)}`, {
						method: 'POST',
						headers: {
							'content-type': 'application/json',
							'x-hub-signature-256': `sha256=${createHmac('sha256', whatsappSecret).update(waBody).digest('hex')}`,
						},
						body: waBody,
					}),
			},
			{
				channel: postmark,
				send: () =>
					call(postmark.webhook, {
						method: 'POST',
						headers: { 'x-ingestion-key': postmark.key },
						json: {
							MessageID: 'pm-replay-1',
							From: 'ana@acme.example',
							To: 'inbox@crm.example',
							Subject: 'Replayed',
							TextBody: 'replayed',
						},
					}),
			},
		];

		for (const delivery of deliveries) {
			const statuses: number[] = [];
			for (let i = 0; i < 150; i++) statuses.push((await delivery.send()).status);
			statuses.push(...(await Promise.all(Array.from({ length: 150 }, () => delivery.send()))).map((r) => r.status));
			expect(statuses.filter((s) => s < 200 || s >= 300)).toEqual([]);
			expect(await instance.db('activities').where({ channel: delivery.channel.id })).toHaveLength(1);
		}
	}, 300_000);

	// PostgreSQL only: SQLite is a file inside the Directus process, with no server to restart.
	if (vendor === 'pg')
		it('a database crash-restart in the middle of a drain loses nothing and completes nothing twice', async () => {
			const channel = await createChannel(instance, { provider: 'generic' });

			const contact = (
				await call(`${instance.url}/items/contacts`, {
					method: 'POST',
					token: instance.token,
					json: { first_name: 'Drain' },
				})
			).body.data.id;

			const total = 1500;
			const ids = await seedActivities(instance.db, total, { contact, channel: channel.id, queued: true });

			const workers = Array.from({ length: 4 }, () =>
				startWorker(instance.url, agentToken, ['--batch', '10', '--lease-seconds', '5', '--work-ms', '2']),
			);

			const completedBy = (list: Worker[]) => list.flatMap((w) => w.completed);
			await expect.poll(() => completedBy(workers).length, { timeout: 60_000, interval: 20 }).toBeGreaterThan(300);
			const restartStarted = Date.now();
			await instance.restartDatabase('immediate');

			console.log(
				`[faults:pg] database crash-restarted after ${completedBy(workers).length} completions, down ${Date.now() - restartStarted} ms`,
			);

			expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);
			const later: Worker[] = [];

			// Leases the restart orphaned expire (5 s) and the reaper requeues them: drain what is left.
			for (let round = 0; round < 10; round++) {
				const left = Number(
					(await instance
						.db('activities')
						.whereIn('id', ids)
						.whereNot({ status: 'completed' })
						.count({ n: '*' })
						.first())!['n'],
				);

				if (left === 0) break;
				await sleep(6000);
				const more = startWorker(instance.url, agentToken, ['--batch', '10']);
				await more.exited;
				later.push(more);
			}

			const rows = await instance.db('activities').whereIn('id', ids).select('id', 'status');
			expect(rows.filter((r: { status: string }) => r.status !== 'completed')).toEqual([]);
			// Completed once: no id reported twice, and one agent note per activity (the note is written with the completion).
			const completed = completedBy([...workers, ...later]);
			expect(completed.length).toBe(new Set(completed).size);
			const notes = await instance.db('contact_notes').whereIn('activity', ids).select('activity');
			expect(notes).toHaveLength(total);
			const reported = completed.filter((id) => ids.includes(id)).length;

			console.log(
				`[faults:pg] drain across the restart: ${total}/${total} completed once, ${reported} completions reported to workers, ${total - reported} committed while their reply was lost`,
			);
		}, 300_000);
});
