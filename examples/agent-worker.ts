// An Activity Hub agent: claims activities, keeps their leases alive while it works, completes them (with a note
// on the contact) or gives them back with an error. Run with a token of a user holding the Activity Agent role:
//
//   DIRECTUS_URL=http://localhost:8055 DIRECTUS_TOKEN=… npx tsx examples/agent-worker.ts [--once] [--batch 10] [--work-ms 0]
//
// --once stops when the queue is empty (scripts, tests); without it the worker polls. Each completed activity is
// printed as a JSON line, so a supervisor can audit what this worker did.
import { createDirectus, customEndpoint, rest, staticToken } from '@directus/sdk';
import { parseArgs } from 'node:util';

interface Claimed {
	id: string;
	lease_token: string;
	type: string;
	subject: string | null;
	content: string | null;
	sender: string | null;
}

const { values } = parseArgs({
	options: {
		once: { type: 'boolean', default: false },
		batch: { type: 'string', default: '10' },
		'lease-seconds': { type: 'string', default: '60' },
		'work-ms': { type: 'string', default: '0' },
		'poll-ms': { type: 'string', default: '2000' },
	},
});

const url = process.env['DIRECTUS_URL'] ?? 'http://localhost:8055';
const token = process.env['DIRECTUS_TOKEN'];
if (!token) throw new Error('Set DIRECTUS_TOKEN to a token of a user with the Activity Agent role');
const leaseSeconds = Number(values['lease-seconds']);
const directus = createDirectus(url).with(staticToken(token)).with(rest());

const post = <T>(path: string, body: unknown) =>
	directus.request<T>(customEndpoint<T>({ path, method: 'POST', body: JSON.stringify(body) }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const statusOf = (error: unknown) => (error as { response?: { status?: number } })?.response?.status;
/** Network errors and 5xx (Directus restarting, the database failing over) pass; retry them with backoff. 4xx do not. */
const transient = (error: unknown) => statusOf(error) === undefined || statusOf(error)! >= 500;

async function withRetry<T>(what: string, run: () => Promise<T>): Promise<T> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await run();
		} catch (error) {
			if (!transient(error) || attempt >= 30) throw error;
			console.error(`${what} failed (${statusOf(error) ?? 'network'}), retrying`);
			await sleep(Math.min(3000, 100 * 2 ** attempt));
		}
	}
}

/** Your processing goes here: transcription, a model call, enrichment… This one writes a short summary. */
async function processActivity(activity: Claimed): Promise<{ processed_data: Record<string, unknown>; note: string }> {
	const workMs = Number(values['work-ms']);
	if (workMs > 0) await sleep(workMs);
	const text = [activity.subject, activity.content].filter(Boolean).join(' — ');
	const summary = `${activity.type} from ${activity.sender ?? 'unknown'}: ${text.slice(0, 140)}`;
	return { processed_data: { summary, words: text.split(/\s+/).filter(Boolean).length }, note: summary };
}

async function work(activity: Claimed) {
	// Heartbeat at a third of the lease, so a slow job keeps its lease and a crashed worker loses it quickly.
	const heartbeat = setInterval(
		() => {
			post(`/activity-hub/queue/${activity.id}/heartbeat`, {
				lease_token: activity.lease_token,
				lease_seconds: leaseSeconds,
			}).catch(() => {});
		},
		(leaseSeconds * 1000) / 3,
	);

	try {
		const result = await processActivity(activity);

		// Retried through outages; fenced by the lease token, so a retry after a lost reply cannot complete twice.
		await withRetry('complete', () =>
			post(`/activity-hub/queue/${activity.id}/complete`, { lease_token: activity.lease_token, ...result }),
		);

		console.log(JSON.stringify({ completed: activity.id, pid: process.pid }));
	} catch (error) {
		// A 409 means our lease was lost (expired and re-claimed): someone else owns the activity now.
		const message = error instanceof Error ? error.message : JSON.stringify(error);

		await post(`/activity-hub/queue/${activity.id}/fail`, { lease_token: activity.lease_token, error: message }).catch(
			() => {},
		);
	} finally {
		clearInterval(heartbeat);
	}
}

for (;;) {
	const claimed = await withRetry('claim', () =>
		post<Claimed[]>('/activity-hub/queue/claim', { limit: Number(values.batch), lease_seconds: leaseSeconds }),
	);

	if (claimed.length === 0) {
		if (values.once) break;
		await sleep(Number(values['poll-ms']));
		continue;
	}

	for (const activity of claimed) await work(activity);
}
