// Ad-hoc profiling aid (not part of npm run bench): start Directus with --cpu-prof, drive claim/complete or ingest
// over HTTP, stop it, and print the hottest functions of the profile.
// tsx bench/profile-queue.ts [profile dir] [queue | single | ingest | replies | imap] [pg | sqlite]
//   queue: claims of 50, each completed on its own; single: 8 agents claiming 1 and completing 1; ingest: c=32;
//   replies: 8 clients replying by e-mail to 2,000 inbound mails through a local SMTP server, until all are sent;
//   imap: the first sync of a 5,000-message mailbox in the imap bench's mix, from a local Dovecot.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { directusEnv, freePort, installActivityHub, startDirectus } from '../scripts/lib/directus.mjs';
import { startPostgres } from '../scripts/lib/postgres.mjs';
import { load } from './load.js';
import { startSmtpSink } from '../tests/harness/smtp.js';
import { startDovecot } from '../tests/harness/dovecot.js';
import { mixed } from './imap.js';

const profileDir = process.argv[2] ?? mkdtempSync(join(os.tmpdir(), 'activity-hub-profile-'));
const root = mkdtempSync(join(os.tmpdir(), 'activity-hub-prof-'));
const vendor = process.argv[4] ?? 'pg';
const pg = await startPostgres(root);
await pg.createDatabase('prof');

const admin = {
	email: 'a@example.com',
	password: 'password-123',
	token: 'prof-token',
	secret: 'prof-secret-0123456789abcdefghijklmnopq',
};

const env = directusEnv({
	db:
		vendor === 'sqlite'
			? { client: 'sqlite3', filename: join(root, 'prof.db') }
			: { client: 'pg', host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'prof' },
	port: await freePort(),
	dataDir: join(root, 'd'),
	admin,
	extra: { LOG_LEVEL: 'error', ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE: '100000000', PRESSURE_LIMITER_ENABLED: 'false' },
});

await installActivityHub(env);
const spawned = performance.now();
const server = await startDirectus({ ...env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` });

const post = (path: string, body: unknown, token = admin.token) =>
	fetch(`${server.url}${path}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});

const channel = (await (await post('/items/ingestion_channels', { name: 'p', provider: 'generic' })).json()).data.id;
const keyAnswer = await (await post(`/activity-hub/channels/${channel}/key`, {})).json();
if (!keyAnswer.data) throw new Error(`key: ${JSON.stringify(keyAnswer)}`);
const key = keyAnswer.data.key;
const mode = process.argv[3] ?? 'queue';
let loadStarted = performance.now();

if (mode === 'replies') {
	const sink = await startSmtpSink();
	const from = 'support@acme.example';

	const mail = (
		await (
			await post('/items/ingestion_channels', {
				name: 'mail',
				provider: 'postmark',
				settings: { smtp: { host: '127.0.0.1', port: sink.port, secure: false, from } },
			})
		).json()
	).data.id;

	const ids: string[] = [];

	for (let i = 0; i < 2000; i += 100) {
		const batch = Array.from({ length: 100 }, (_, j) => ({
			type: 'email',
			direction: 'inbound',
			status: 'completed',
			channel: mail,
			subject: `Question ${i + j}`,
			sender: `customer${i + j}@bench.example`,
			recipient: from,
			message_id: `q${i + j}@bench.example`,
			thread_key: `q${i + j}@bench.example`,
		}));

		ids.push(
			...((await (await post('/items/activities', batch)).json()).data as Array<{ id: string }>).map((a) => a.id),
		);
	}

	const started = performance.now();

	const posts = await load(ids.length, 8, (i) =>
		post(`/activity-hub/activities/${ids[i]}/reply`, { content: 'Thanks, we will be in touch.' }),
	);

	if (posts.ok !== ids.length) throw new Error(`replies: ${JSON.stringify(posts.statuses)} for ${ids.length} POSTs`);
	while (sink.mails.length < ids.length) await new Promise((resolve) => setTimeout(resolve, 5));
	const seconds = (performance.now() - started) / 1000;
	console.log('replies: POSTs', posts.rps.toFixed(0), '/s; sent', (ids.length / seconds).toFixed(0), '/s');
	await sink.close();
} else if (mode === 'imap') {
	const dovecot = await startDovecot();
	const user = await dovecot.addUser('prof@crm.example');
	const sources = Array.from({ length: 5000 }, (_, i) => mixed(i, user.user));
	for (let i = 0; i < sources.length; i += 500) await dovecot.append(user, 'INBOX', sources.slice(i, i + 500));
	const started = (loadStarted = performance.now()); // the appends above are not the sync's

	const created = await post('/items/ingestion_channels', {
		name: 'mailbox',
		provider: 'imap',
		settings: dovecot.settings(user, { since: 3650 }),
		secrets: { password: user.password },
	});

	const mailbox = (await created.json()).data.id;
	let stored = 0;

	while (stored < sources.length) {
		await new Promise((resolve) => setTimeout(resolve, 100));

		const answer = await fetch(`${server.url}/items/activities?filter[channel][_eq]=${mailbox}&aggregate[count]=*`, {
			headers: { authorization: `Bearer ${admin.token}` },
		});

		stored = Number((await answer.json()).data[0].count);
	}

	console.log('imap first sync', (stored / ((performance.now() - started) / 1000)).toFixed(0), 'msg/s');
	await dovecot.stop();
} else if (mode === 'ingest') {
	const result = await load(3000, 32, (i) =>
		post(`/ingest/${channel}`, { type: 'sms', sender: `p${i}@x.example`, content: 'hi', external_id: `e${i}` }, key),
	);

	console.log('ingest', result.rps.toFixed(0), '/s', 'p99', result.p99.toFixed(1), 'ms');
} else {
	// `single`: claims of 1; `queue`: claims of 50. Either way each activity is completed on its own.
	const limit = mode === 'single' ? 1 : 50;
	await load(2000, 32, (i) => post(`/ingest/${channel}`, { type: 'sms', content: 'hi', external_id: `e${i}` }, key));
	let done = 0;
	const started = performance.now();

	await Promise.all(
		Array.from({ length: 8 }, async () => {
			for (;;) {
				const claimed = (await (await post('/activity-hub/queue/claim', { limit })).json()).data as Array<{
					id: string;
					lease_token: string;
				}>;

				if (!claimed.length) return;

				for (const item of claimed) {
					const reply = await post(`/activity-hub/queue/${item.id}/complete`, { lease_token: item.lease_token });
					if (reply.ok) done++;
					await reply.arrayBuffer();
				}
			}
		}),
	);

	console.log(`claim ${limit} + complete each`, (done / ((performance.now() - started) / 1000)).toFixed(0), '/s');
}

const loadEnded = performance.now();
await server.stop();
const stopped = performance.now();
await pg.stop();

// The newest profile: a directory given twice keeps the earlier runs' profiles.
const file = readdirSync(profileDir)
	.filter((f) => f.endsWith('.cpuprofile'))
	.sort()
	.at(-1)!;

const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8'));
const self = new Map<string, number>();
const dt = profile.timeDeltas as number[];
const byId = new Map(profile.nodes.map((n: any) => [n.id, n]));

// Only the samples of the load: the profile spans the process's life, start-up included (by wall clock, roughly).
const elapsed = dt.reduce((sum, delta) => sum + delta, 0);
const share = (at: number) => ((at - spawned) / (stopped - spawned)) * elapsed;
const [from, to] = [share(loadStarted), share(loadEnded)];
let at = 0;
const byPackage = new Map<string, number>();

/** Who a frame belongs to: a package under node_modules, the bundle, Node itself, or V8 (GC, idle, program). */
const packageOf = (url: string) => {
	if (!url) return '(v8: gc, idle, program, native)';
	if (url.includes('activity-hub/dist')) return 'activity-hub';
	const scoped = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
	if (scoped) return scoped[1]!;
	return url.startsWith('node:') ? 'node' : url;
};

profile.samples.forEach((id: number, i: number) => {
	at += dt[i] ?? 0;
	if (at < from || at > to) return;
	const node: any = byId.get(id);
	const name = `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.split('/').slice(-3).join('/')}:${node.callFrame.lineNumber}`;
	self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0));
	const owner = packageOf(node.callFrame.url);
	byPackage.set(owner, (byPackage.get(owner) ?? 0) + (dt[i] ?? 0));
});

const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [name, us] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40))
	console.log(((100 * us) / total).toFixed(1).padStart(5), '%', name);

console.log('\nby package (self time):');
for (const [name, us] of [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20))
	console.log(((100 * us) / total).toFixed(1).padStart(5), '%', name);
