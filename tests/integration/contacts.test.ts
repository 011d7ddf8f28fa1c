// Contacts you can trust: merging duplicates (counts, dry run, repeat, beside ingests and leases, live events), the
// duplicate review list, erasure on request (every table, the storage folder and the log searched afterwards), and
// per-channel payload retention run by the once-per-cluster sweep.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { admin, call, createChannel, createUser } from '../harness/api.js';
import { type Instance, startInstance, vendors } from '../harness/instance.js';
import { openSocket } from '../harness/websocket.js';

describe.each(vendors())('contacts on %s', (vendor) => {
	let instance: Instance;
	let channel: { id: string; key: string; webhook: string };
	const agentToken = `agent-contacts-${vendor}`;

	const ingest = async (fields: Record<string, unknown>, into = channel) => {
		const reply = await call(into.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': into.key },
			json: fields,
		});

		expect(reply.status, reply.text).toBe(202);
		return reply.body.data as { id: string; contact: number | null };
	};

	const contact = async (fields: Record<string, unknown>) => {
		const reply = await admin(instance).post('/items/contacts', fields);
		expect(reply.status, reply.text).toBe(200);
		return reply.body.data.id as number;
	};

	const indexed = (id: number, n: number) =>
		expect.poll(async () => (await instance.db('contact_identities').where({ contact: id })).length).toBe(n);

	const agent = (path: string, json: unknown) =>
		call(`${instance.url}/activity-hub${path}`, { method: 'POST', token: agentToken, json });

	const upload = async (name: string, text: string) => {
		const form = new FormData();
		form.append('file', new Blob([text], { type: 'text/plain' }), name);

		const reply = await fetch(`${instance.url}/files`, {
			method: 'POST',
			headers: { authorization: `Bearer ${instance.token}` },
			body: form,
		});

		expect(reply.status).toBe(200);
		return ((await reply.json()) as { data: { id: string } }).data.id;
	};

	beforeAll(async () => {
		instance = await startInstance(vendor, { ACTIVITY_HUB_SWEEP_CRON: '*/2 * * * * *' });
		channel = await createChannel(instance, { provider: 'generic' });
		await createUser(instance, AGENT_ROLE_ID, agentToken);
	}, 120_000);

	afterAll(() => instance?.stop());

	it('merges duplicates: counts first, then everything moves, beside ingests and a lease, live', async () => {
		const tag = randomUUID().slice(0, 8);

		const into = await contact({
			first_name: 'Ana',
			last_name: 'Ruiz',
			emails: [{ email: `ana-${tag}@x.example`, type: 'work' }],
		});

		const from = await contact({
			first_name: 'Ana',
			last_name: 'Ruiz',
			emails: [
				{ email: `ANA-${tag}@x.example`, type: 'home' },
				{ email: `ana.r-${tag}@y.example`, type: 'home' },
			],
			phones: [{ number: '+1 202 555 0107', type: 'mobile' }],
		});

		const other = await contact({ first_name: 'Other', emails: [{ email: `shared-${tag}@z.example`, type: 'work' }] });

		await admin(instance).patch(`/items/contacts/${from}`, {
			emails: [
				{ email: `ana.r-${tag}@y.example`, type: 'home' },
				{ email: `shared-${tag}@z.example`, type: 'home' },
			],
		});

		await indexed(from, 3);
		await indexed(into, 1);
		await indexed(other, 1);

		const duplicates = await admin(instance).get('/activity-hub/contacts/duplicates');
		expect(duplicates.status).toBe(200);

		const pair = duplicates.body.data.find(
			(g: { contacts: Array<{ id: number }> }) =>
				g.contacts.some((c) => c.id === into) && g.contacts.some((c) => c.id === from),
		);

		expect(pair).toMatchObject({ reason: 'name:ana ruiz|' });

		const fromActivity = await ingest({
			type: 'email',
			sender: `ana.r-${tag}@y.example`,
			content: 'from the duplicate',
		});

		expect(fromActivity.contact).toBe(from);
		const ambiguous = await ingest({ type: 'email', sender: `shared-${tag}@z.example`, content: 'whose?' });
		const leased = await ingest({ type: 'sms', sender: '+12025550107', content: 'being processed' });
		expect(leased.contact).toBe(from);
		const file = await upload(`attachment-${tag}.txt`, 'attached');
		await instance.db('activity_files').insert({ activities_id: fromActivity.id, directus_files_id: file });

		expect(
			(await admin(instance).post('/items/contact_notes', { contact: from, content: 'a note on the duplicate' }))
				.status,
		).toBe(200);

		const claimed = await agent('/queue/claim', { limit: 100, lease_seconds: 60 });
		const lease = claimed.body.data.find((a: { id: string }) => a.id === leased.id);
		expect(lease).toBeDefined();

		// Dry run: the counts, nothing written.
		const preview = await admin(instance).post('/activity-hub/contacts/merge', { into, from: [from], dry_run: true });
		expect(preview.status, preview.text).toBe(200);

		expect(preview.body.data).toMatchObject({
			into,
			merged: [from],
			dry_run: true,
			counts: {
				activities: 2,
				notes: 1,
				attachments: 1,
				identities: 3,
				match_candidates: 1,
				emails_added: 2,
				phones_added: 1,
			},
		});

		expect(await instance.db('contacts').where({ id: from }).first()).toBeDefined();

		// Bad input: a clear 400, nothing written.
		for (const body of [
			{ into, from: [] },
			{ into, from: [into] },
			{ from: [from] },
			{ into, from: [from], dry_run: 'yes' },
		])
			expect((await admin(instance).post('/activity-hub/contacts/merge', body)).status).toBe(400);

		expect((await admin(instance).post('/activity-hub/contacts/merge', { into: 999999, from: [from] })).status).toBe(
			404,
		);

		// Live: the timeline of `into` hears the moved activities.
		const { socket, messages } = await openSocket(instance.url, instance.token);

		socket.send(
			JSON.stringify({
				type: 'subscribe',
				collection: 'activities',
				uid: 'into',
				query: { filter: { contact: { _eq: into } }, fields: ['id', 'contact'] },
			}),
		);

		// Subscribed once Directus has answered with the subscription's first rows.
		await expect
			.poll(() => messages.some((m) => m.type === 'subscription' && m.uid === 'into' && m.event === 'init'))
			.toBe(true);

		// Ingests from the duplicate's addresses stream while the merge runs.
		let streaming = true;
		const streamed: Array<{ id: string; contact: number | null }> = [];

		const stream = (async () => {
			for (let i = 0; streaming || i < 5; i++)
				streamed.push(await ingest({ type: 'email', sender: `ana.r-${tag}@y.example`, content: `during ${i}` }));
		})();

		await new Promise((resolve) => setTimeout(resolve, 100));
		const merged = await admin(instance).post('/activity-hub/contacts/merge', { into, from: [from] });
		streaming = false;
		await stream;
		expect(merged.status, merged.text).toBe(200);

		expect(merged.body.data).toMatchObject({
			into,
			merged: [from],
			dry_run: false,
			counts: { notes: 1, attachments: 1 },
		});

		expect(await instance.db('contacts').where({ id: from }).first()).toBeUndefined();

		const moved = await instance
			.db('activities')
			.whereIn('id', [fromActivity.id, leased.id, ...streamed.map((s) => s.id)])
			.select('id', 'contact');

		expect(moved.filter((row: { contact: unknown }) => Number(row.contact) !== into)).toEqual([]);

		expect(
			(await instance.db('contact_notes').where({ contact: into })).map((n: { content: string }) => n.content),
		).toContain('a note on the duplicate');

		expect(await instance.db('activity_files').where({ activities_id: fromActivity.id })).toHaveLength(1);
		const stillAmbiguous = await instance.db('activities').where({ id: ambiguous.id }).first();
		expect(stillAmbiguous.match_status).toBe('ambiguous');

		expect(
			JSON.parse(
				typeof stillAmbiguous.match_candidates === 'string'
					? stillAmbiguous.match_candidates
					: JSON.stringify(stillAmbiguous.match_candidates),
			)
				.map(Number)
				.sort(),
		).toEqual([into, other].sort((a, b) => a - b));

		const survivor = (await admin(instance).get(`/items/contacts/${into}`)).body.data;

		expect(survivor.emails.map((e: { email: string }) => e.email.toLowerCase()).sort()).toEqual(
			[`ana-${tag}@x.example`, `ana.r-${tag}@y.example`, `shared-${tag}@z.example`].sort(),
		);

		expect(survivor.phones).toHaveLength(1);
		expect((await ingest({ type: 'sms', sender: '+12025550107', content: 'after' })).contact).toBe(into);

		await expect
			.poll(() =>
				messages.some(
					(m) =>
						m.type === 'subscription' &&
						m.event === 'update' &&
						m.data?.some((d: { id: string }) => d.id === fromActivity.id),
				),
			)
			.toBe(true);

		socket.close();

		// The lease survives: completing it writes its note on `into`.
		const done = await agent(`/queue/${leased.id}/complete`, {
			lease_token: lease.lease_token,
			note: 'done after merge',
		});

		expect(done.status, done.text).toBe(200);
		expect((await instance.db('contact_notes').where({ activity: leased.id }).first()).contact).toBe(into);

		// Repeating the merge is harmless.
		const again = await admin(instance).post('/activity-hub/contacts/merge', { into, from: [from] });
		expect(again.status).toBe(200);
		expect(again.body.data).toMatchObject({ merged: [], counts: { activities: 0, notes: 0 } });
	}, 120_000);

	it('erases a contact and every trace of it: tables, storage, log; 409 while leased; an audit entry', async () => {
		const tag = randomUUID().replace(/-/g, '').slice(0, 10);
		const digits = String(1000 + Math.floor(Math.random() * 8999));

		const needles = [
			`Zyxname${tag}`,
			`Qwlast${tag}`,
			`erase-${tag}@private.example`,
			`+1202555${digits}`,
			`202555${digits}`,
			`message-${tag}`,
			`note-${tag}`,
			`bytes-${tag}`,
			`file-${tag}`,
			`Company${tag}`,
		];

		const person = await contact({
			first_name: `Zyxname${tag}`,
			last_name: `Qwlast${tag}`,
			company: `Company${tag}`,
			emails: [{ email: `erase-${tag}@private.example`, type: 'work' }],
		});

		// Revisions and activity-log rows that hold the data.
		await admin(instance).patch(`/items/contacts/${person}`, {
			phones: [{ number: `+1 202 555 ${digits}`, type: 'work' }],
		});

		await indexed(person, 2);
		// Its own channel, so the claim below takes these two whatever earlier tests left queued.
		const own = await createChannel(instance, { provider: 'generic', name: `erase ${tag}` });

		const first = await ingest(
			{
				type: 'email',
				sender: `erase-${tag}@private.example`,
				subject: `message-${tag}`,
				content: `message-${tag} body`,
			},
			own,
		);

		const second = await ingest({ type: 'sms', sender: `+1202555${digits}`, content: `message-${tag} sms` }, own);
		expect(first.contact).toBe(person);
		const file = await upload(`file-${tag}.txt`, `bytes-${tag}`);
		await instance.db('activity_files').insert({ activities_id: first.id, directus_files_id: file });

		expect(
			(await admin(instance).post('/items/contact_notes', { contact: person, content: `note-${tag}` })).status,
		).toBe(200);

		await admin(instance).patch(`/items/activities/${second.id}`, { subject: `message-${tag} edited` });
		// A thumbnail-like transformed copy in storage, as Directus writes for images.
		expect((await admin(instance).get(`/assets/${file}`)).status).toBe(200);

		expect(
			(
				await call(`${instance.url}/activity-hub/contacts/${person}/erase`, {
					method: 'POST',
					token: agentToken,
					json: { confirm: true },
				})
			).status,
		).toBe(403);

		expect((await admin(instance).post(`/activity-hub/contacts/${person}/erase`, {})).status).toBe(400);

		const claimed = await agent('/queue/claim', { limit: 100, lease_seconds: 60, channels: [own.id] });
		const lease = claimed.body.data.find((a: { id: string }) => a.id === second.id);
		expect(lease).toBeDefined();
		const refused = await admin(instance).post(`/activity-hub/contacts/${person}/erase`, { confirm: true });
		expect(refused.status).toBe(409);
		expect(refused.body.errors[0].extensions.code).toBe('CONTACT_LEASED');
		expect(await instance.db('contacts').where({ id: person }).first()).toBeDefined();
		for (const held of claimed.body.data.filter((a: { id: string }) => [first.id, second.id].includes(a.id)))
			expect((await agent(`/queue/${held.id}/complete`, { lease_token: held.lease_token })).status).toBe(200);

		const erased = await admin(instance).post(`/activity-hub/contacts/${person}/erase`, { confirm: true });
		expect(erased.status, erased.text).toBe(200);

		expect(erased.body.data).toMatchObject({
			erased: true,
			counts: { activities: 2, notes: 1, files: 1, identities: 2 },
		});

		expect(erased.body.data.counts.revisions).toBeGreaterThan(0);
		expect((await admin(instance).post(`/activity-hub/contacts/${person}/erase`, { confirm: true })).status).toBe(404);

		// The audit entry: who and when, the counts, nothing personal.
		const audit = await instance
			.db('directus_activity')
			.where({ origin: 'activity-hub:erase', item: String(person) })
			.first();

		expect(audit).toMatchObject({ action: 'delete', collection: 'contacts' });
		const auditRevision = await instance.db('directus_revisions').where({ activity: audit.id }).first();
		const auditData = typeof auditRevision.data === 'string' ? JSON.parse(auditRevision.data) : auditRevision.data;
		expect(auditData).toMatchObject({ erased: true, activities: 2, notes: 1 });

		expect(Object.keys(auditData).sort()).toEqual(
			[
				'activities',
				'activity_log',
				'erased',
				'erased_by',
				'files',
				'identities',
				'match_candidates',
				'notes',
				'revisions',
			].sort(),
		);

		// Every table, every stored file, the whole log: none of the contact's data.
		const tables: string[] =
			vendor === 'pg'
				? (
						await instance.db.raw(
							`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
						)
					).rows.map((r: { table_name: string }) => r.table_name)
				: (await instance.db.raw(`SELECT name FROM sqlite_master WHERE type = 'table'`)).map(
						(r: { name: string }) => r.name,
					);

		expect(tables).toContain('directus_revisions');
		const found: string[] = [];

		for (const table of tables) {
			const text = JSON.stringify(await instance.db(table).select('*')).toLowerCase();
			for (const needle of needles) if (text.includes(needle.toLowerCase())) found.push(`${table}: ${needle}`);
		}

		const walk = (dir: string): string[] =>
			readdirSync(dir).flatMap((name) => {
				const path = join(dir, name);
				return statSync(path).isDirectory() ? walk(path) : [path];
			});

		for (const path of walk(instance.env['STORAGE_LOCAL_ROOT']!)) {
			const text = `${path}\n${readFileSync(path, 'latin1')}`.toLowerCase();
			for (const needle of needles) if (text.includes(needle.toLowerCase())) found.push(`${path}: ${needle}`);
		}

		const log = `${instance.output()}\n${instance.hubLog.join('\n')}`.toLowerCase();
		for (const needle of needles) if (log.includes(needle.toLowerCase())) found.push(`log: ${needle}`);
		expect(found).toEqual([]);
	}, 120_000);

	it('clears old payloads per channel, never a queued or leased activity, keeping content and notes', async () => {
		const kept = await createChannel(instance, { provider: 'generic' });
		const retained = await createChannel(instance, { provider: 'generic', payload_retention_days: 30 });

		expect(
			(await admin(instance).get(`/items/ingestion_channels/${retained.id}`)).body.data.payload_retention_days,
		).toBe(30);

		const send = async (target: { webhook: string; key: string }, content: string) =>
			(
				await call(target.webhook, {
					method: 'POST',
					headers: { 'x-ingestion-key': target.key },
					json: { type: 'sms', content, sender: '+12025550188' },
				})
			).body.data.id as string;

		const ids = {
			oldCompleted: await send(retained, 'old completed'),
			oldFailed: await send(retained, 'old failed'),
			oldQueued: await send(retained, 'old queued'),
			oldLeased: await send(retained, 'old leased'),
			recentCompleted: await send(retained, 'recent completed'),
			otherChannel: await send(kept, 'kept channel'),
		};

		const old = vendor === 'sqlite' ? Date.now() - 40 * 86_400_000 : new Date(Date.now() - 40 * 86_400_000);
		const set = (id: string, fields: Record<string, unknown>) => instance.db('activities').where({ id }).update(fields);
		for (const id of Object.values(ids)) if (id !== ids.recentCompleted) await set(id, { date_created: old });
		await set(ids.oldCompleted, { status: 'completed', processed_data: JSON.stringify({ summary: 'kept summary' }) });

		await set(ids.oldFailed, {
			status: 'failed',
			metadata: JSON.stringify({ media_errors: [{ url: 'https://api.twilio.com/x' }] }),
		});

		await set(ids.oldLeased, { status: 'processing' });
		await set(ids.recentCompleted, { status: 'completed' });
		await set(ids.otherChannel, { status: 'completed' });

		const payload = async (id: string) => (await instance.db('activities').where({ id }).first()).payload;
		await expect.poll(() => payload(ids.oldCompleted), { timeout: 10_000 }).toBeNull();
		await expect.poll(() => payload(ids.oldFailed), { timeout: 10_000 }).toBeNull();

		const completed = (await admin(instance).get(`/items/activities/${ids.oldCompleted}`)).body.data;

		expect(completed).toMatchObject({
			content: 'old completed',
			processed_data: { summary: 'kept summary' },
			status: 'completed',
		});

		const failed = (await admin(instance).get(`/items/activities/${ids.oldFailed}`)).body.data;
		expect(failed.metadata.media_errors).toBeUndefined();

		for (const id of [ids.oldQueued, ids.oldLeased, ids.recentCompleted, ids.otherChannel])
			expect(await payload(id)).not.toBeNull();
	}, 60_000);
});
