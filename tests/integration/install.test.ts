// Installing Activity Hub as a team does: a plain Directus project with its own collections and data, the extension
// unpacked from the release tarball into ./extensions, and `directus start` — the bundle installs itself, additively,
// once per cluster; upgrades a 0.1.0 database; waits for `directus activity-hub install` when auto-install is off;
// adopts a team's own `contacts` or refuses a clash before writing anything.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { AGENT_ROLE_ID } from '../../migrations/z0002-activity-hub-agent-access.js';
import { AI_FLOW_ID } from '../../migrations/z0004-activity-hub-ai-flow.js';
import { DASHBOARD_ID } from '../../migrations/z0006-activity-hub-dashboard.js';
import { generateIngestionKey } from '../../extensions/activity-hub/src/shared/node/keys.js';
import { deriveKey, seal } from '../../extensions/activity-hub/src/shared/node/secret-box.js';
import { startRedis } from '../../scripts/lib/redis.mjs';
import { freePort, type RunningDirectus } from '../../scripts/lib/directus.mjs';
import { call, createChannel, createUser } from '../harness/api.js';
import { vendors } from '../harness/instance.js';
import { installLegacy } from '../harness/legacy.js';
import { type PlainProject, plainProject, userCollections } from '../harness/project.js';
import { ADMIN } from '../harness/shared.js';
import { ADVANCED_MEMBERS, DETAIL_MEMBERS } from '../harness/studio-layout.js';

const BUNDLE = [
	'activities',
	'activity_files',
	'agent_preferences',
	'contact_identities',
	'contact_notes',
	'contacts',
	'ingestion_channel_secrets',
	'ingestion_channels',
];

const RECORD = 'activity_hub_install';

/** Every install step is a file in migrations/; the 0.1.0 fixture ran the first six as Directus migrations. */
const STEP_COUNT = readdirSync(new URL('../../migrations/', import.meta.url)).filter((f) =>
	/^z\d{4}-.*\.js$/.test(f),
).length;

const STEPS_OF_0_1_0 = 6;

/** Tables the bundle owns outside Directus's collections: the refusal log, the search index and the waits (z0014, z0015, z0018). */
const DATABASE_ONLY: Record<string, string[]> = {
	sqlite: [
		'activity_hub_first_responses',
		'activity_hub_refusals',
		'activity_hub_search',
		'activity_hub_search_config',
		'activity_hub_search_content',
		'activity_hub_search_data',
		'activity_hub_search_docsize',
		'activity_hub_search_idx',
		'activity_hub_search_keys',
	],
	pg: [
		'activity_hub_activity_search',
		'activity_hub_first_responses',
		'activity_hub_note_search',
		'activity_hub_refusals',
	],
};

const INSTALLED = /Activity Hub: installed 0\.2\.0 in (\d+) ms/;

/** Prints how long the install took (for the README and the closing notes), and returns the log line's match. */
function installTime(output: string, what: string) {
	const took = INSTALLED.exec(output)?.[1];
	if (took) console.log(`[install] ${what}: ${took} ms`);
	return took;
}

/** The messages logged at error level or worse (pino: 50 error, 60 fatal). */
const errors = (output: string) =>
	output
		.split('\n')
		.filter((line) => /"level":(5|6)0/.test(line))
		.map((line) => (JSON.parse(line) as { msg: string }).msg);

const target = (project: PlainProject) => ({ url: project.url, token: ADMIN.token });

const fieldsOf = async (project: PlainProject, collection: string) =>
	(await project.api('GET', `/fields/${collection}`)).data.map(
		(f: { field: string; type: string; schema: unknown }) => ({ field: f.field, type: f.type, schema: f.schema }),
	);

/** A collection as Studio's data model creates one: an auto-increment id and fields with their Studio metadata. */
async function createCollection(
	project: PlainProject,
	collection: string,
	fields: Array<{ field: string; type: string }>,
) {
	await project.api('POST', '/collections', {
		collection,
		schema: {},
		meta: {},
		fields: [
			{
				field: 'id',
				type: 'integer',
				meta: { hidden: true, readonly: true, interface: 'input' },
				schema: { is_primary_key: true, has_auto_increment: true },
			},
			...fields.map((field) => ({ ...field, meta: { interface: 'input' } })),
		],
	});
}

const translated = (en: string, de: string) => [
	{ language: 'en-US', translation: en },
	{ language: 'de-DE', translation: de },
];

/**
 * The Studio layout the snapshot carries (once set by z0009/z0010): the channel form's setup first and its closed
 * "Advanced" group, the contact page's timeline under a closed "Contact details" group; each group once.
 */
async function expectStudioLayout(project: PlainProject) {
	const metaOf = async (collection: string) => {
		const rows: Array<{ field: string; meta: Record<string, unknown> }> = (
			await project.api('GET', `/fields/${collection}`)
		).data;

		return { rows, meta: Object.fromEntries(rows.map((f) => [f.field, f.meta])) };
	};

	const groupMeta = { interface: 'group-detail', special: ['alias', 'no-data', 'group'], width: 'full', hidden: false };
	const channels = await metaOf('ingestion_channels');
	expect(channels.rows.filter((f) => f.field === 'advanced')).toHaveLength(1);

	expect(channels.meta['advanced']).toMatchObject({
		...groupMeta,
		group: null,
		sort: 12,
		options: { start: 'closed', headerIcon: 'tune' },
		note: 'Key prefix, limits in bytes and raw counters; the setup above covers them',
		translations: translated('Advanced', 'Erweitert'),
	});

	expect(channels.meta['secrets']).toMatchObject({
		sort: 2,
		group: null,
		translations: translated('Setup', 'Einrichtung'),
	});

	expect(
		ADVANCED_MEMBERS.map((field) => [field, channels.meta[field]?.['group'], channels.meta[field]?.['sort']]),
	).toEqual(ADVANCED_MEMBERS.map((field, index) => [field, 'advanced', index + 1]));

	for (const counter of ADVANCED_MEMBERS.slice(4)) expect(channels.meta[counter]?.['hidden']).toBe(true);
	expect(channels.meta['max_request_bytes']).toMatchObject({ display: 'filesize' });

	const contacts = await metaOf('contacts');
	expect(contacts.rows.filter((f) => f.field === 'contact_details')).toHaveLength(1);

	expect(contacts.meta['contact_details']).toMatchObject({
		...groupMeta,
		group: null,
		sort: 4,
		options: { start: 'closed', headerIcon: 'badge' },
		translations: translated('Contact details', 'Kontaktdaten'),
	});

	expect(contacts.meta['timeline']).toMatchObject({ sort: 8, group: null, width: 'fill' });
	for (const name of ['first_name', 'last_name']) expect(contacts.meta[name]).toMatchObject({ group: null });

	expect(
		DETAIL_MEMBERS.map((field) => [field, contacts.meta[field]?.['group'], contacts.meta[field]?.['sort']]),
	).toEqual(DETAIL_MEMBERS.map((field, index) => [field, 'contact_details', index + 4]));

	expect(contacts.meta['emails']).toMatchObject({
		display: 'formatted-json-value',
		display_options: { format: '{{email}}' },
	});
}

async function unavailable(project: PlainProject) {
	const health = await call(`${project.url}/activity-hub/queue/health`, { token: ADMIN.token });
	const ingest = await call(`${project.url}/ingest/6f1b3e2a-9c4d-4e7f-8a1b-000000000000`, { method: 'POST', json: {} });
	expect(ingest.status).toBe(503);
	expect(ingest.body).toEqual(health.body);
	expect(health.status).toBe(503);
	return health.body.errors[0] as { message: string; extensions: { code: string } };
}

describe.each(vendors())('a plain Directus project on %s', (vendor) => {
	let project: PlainProject;
	let server: RunningDirectus;
	let productFields: unknown;

	beforeAll(async () => {
		project = await plainProject(vendor, 'plain');
		const plain = await project.start();
		await createCollection(project, 'products', [{ field: 'title', type: 'string' }]);
		await project.api('POST', '/items/products', [{ title: 'Widget' }, { title: 'Gadget' }]);
		productFields = await fieldsOf(project, 'products');
		await plain.stop();
		project.addExtension();
		server = await project.start();
	}, 240_000);

	afterAll(async () => {
		await server?.stop();
		await project?.close();
	});

	it('installs itself as Directus starts: collections, agent role and policy, flow, dashboard, record', async () => {
		expect(installTime(server.output(), `fresh install on ${vendor}`)).toBeDefined();

		expect(await userCollections(project)).toEqual(
			[...BUNDLE, RECORD, ...(DATABASE_ONLY[vendor] ?? []), 'products'].sort(),
		);

		expect((await project.api('GET', `/roles/${AGENT_ROLE_ID}`)).data.name).toBe('Activity Agent');

		expect((await project.api('GET', `/flows/${AI_FLOW_ID}`)).data).toMatchObject({
			status: 'inactive',
			trigger: 'schedule',
		});

		expect(
			(await project.api('GET', `/dashboards/${DASHBOARD_ID}?fields=name,panels.type`)).data.panels
				.map((p: { type: string }) => p.type)
				.sort(),
		).toEqual([
			'activity-hub-analytics',
			'activity-hub-dual-timeline',
			'activity-hub-duplicates',
			'activity-hub-queue-health',
		]);

		const record = await project.db(RECORD).select('key', 'value');
		expect(record.find((r) => r.key === 'version')?.value).toBe('0.2.0');

		expect(record.filter((r) => r.key.startsWith('step:')).map((r) => r.value)).toEqual(
			Array(STEP_COUNT).fill('applied'),
		);
	});

	it('serves the Studio entries from the unpacked package', async () => {
		const { data } = await project.api('GET', '/extensions');

		const bundle = data.find(
			(e: { schema?: { name?: string } }) => e.schema?.name === 'directus-extension-activity-hub',
		);

		expect(bundle).toBeDefined();

		const app = await (
			await fetch(`${project.url}/extensions/sources/index.js`, { headers: { authorization: `Bearer ${ADMIN.token}` } })
		).text();

		for (const id of [
			'activity-hub-timeline',
			'activity-hub-channel-setup',
			'activity-hub-dual-timeline',
			'activity-hub-queue-health',
			'activity-hub-claim',
		])
			expect(app).toContain(id);
	});

	it('ingests a webhook, matches it, and an agent claims and completes it', async () => {
		const contact = (
			await project.api('POST', '/items/contacts', {
				first_name: 'Ana',
				emails: [{ email: 'ana@acme.example', type: 'work' }],
			})
		).data;

		const channel = await createChannel(target(project), { provider: 'generic' });
		await createUser(target(project), AGENT_ROLE_ID, `agent-${vendor}`);

		const send = () =>
			call(channel.webhook, {
				method: 'POST',
				headers: { 'x-ingestion-key': channel.key },
				json: { type: 'email', sender: 'Ana <ana@acme.example>', subject: 'Hello' },
			});

		await expect.poll(async () => (await send()).body.data?.contact, { timeout: 10_000 }).toBe(contact.id);

		const agent = (path: string, json: unknown) =>
			call(`${project.url}/activity-hub${path}`, { method: 'POST', token: `agent-${vendor}`, json });

		const claimed = (await agent('/queue/claim', { limit: 50 })).body.data;
		expect(claimed.length).toBeGreaterThan(0);
		for (const item of claimed)
			expect(
				(await agent(`/queue/${item.id}/complete`, { lease_token: item.lease_token, note: 'handled' })).status,
			).toBe(200);

		expect(Number((await project.db('contact_notes').where({ contact: contact.id }).count({ n: '*' }))[0]!.n)).toBe(
			claimed.length,
		);
	});

	it('lays out the channel form and the contact page as the snapshot says', () => expectStudioLayout(project));

	it('leaves the project’s own collection and data exactly as they were', async () => {
		expect(await fieldsOf(project, 'products')).toEqual(productFields);

		expect((await project.api('GET', '/items/products?sort=id')).data).toEqual([
			{ id: 1, title: 'Widget' },
			{ id: 2, title: 'Gadget' },
		]);
	});

	it('restarts without changing anything and without an error in the log', async () => {
		await server.stop();
		const before = await project.db(RECORD).select().orderBy('key');
		server = await project.start();
		expect(server.output()).not.toMatch(/Activity Hub: (installed|applying|running)/);
		expect(errors(server.output())).toEqual([]);
		expect(await project.db(RECORD).select().orderBy('key')).toEqual(before);
		expect((await call(`${project.url}/activity-hub/queue/health`, { token: ADMIN.token })).status).toBe(200);
	});
});

describe.each(vendors().filter((v) => v === 'pg'))('a cluster on %s', (vendor) => {
	it('three instances starting at once on one empty database install once, and all three serve', async () => {
		const project = await plainProject(vendor, 'cluster');
		onTestFinished(() => project.close());
		project.addExtension();
		const redis = await startRedis();
		const cluster = { REDIS: redis.url, SYNCHRONIZATION_STORE: 'redis', CACHE_ENABLED: 'true', CACHE_STORE: 'redis' };

		const servers = await Promise.all(
			[0, 1, 2].map(async () => {
				const port = String(await freePort());
				return project.start({ ...cluster, PORT: port, PUBLIC_URL: `http://127.0.0.1:${port}` });
			}),
		);

		try {
			const outputs = servers.map((s) => s.output());
			expect(outputs.filter((o) => INSTALLED.test(o))).toHaveLength(1);
			expect(outputs.filter((o) => /Activity Hub: running z0001/.test(o))).toHaveLength(1);
			for (const output of outputs) expect(errors(output)).toEqual([]);
			for (const s of servers)
				expect((await call(`${s.url}/activity-hub/queue/health`, { token: ADMIN.token })).status).toBe(200);
			expect(await project.db('directus_roles').where({ id: AGENT_ROLE_ID }).count({ n: '*' })).toEqual([{ n: '1' }]);

			expect(await project.db('directus_dashboards').where({ name: 'Activity Hub' }).count({ n: '*' })).toEqual([
				{ n: '1' },
			]);

			expect(await project.db('directus_flows').where({ id: AI_FLOW_ID }).count({ n: '*' })).toEqual([{ n: '1' }]);
		} finally {
			await Promise.all(servers.map((s) => s.stop()));
			await redis.stop();
		}
	});
});

describe.each(vendors())('upgrading a 0.1.0 database on %s', (vendor) => {
	it('keeps every row and every key, and records 0.1.0’s steps instead of running them again', async () => {
		const project = await plainProject(vendor, 'upgrade');
		onTestFinished(() => project.close());
		await installLegacy(project);
		let server = await project.start();

		const contact = (
			await project.api('POST', '/items/contacts', {
				first_name: 'Ana',
				emails: [{ email: 'ana@acme.example', type: 'work' }],
			})
		).data;

		const channel = (await project.api('POST', '/items/ingestion_channels', { name: 'Webhooks', provider: 'generic' }))
			.data;

		const { key, hash } = generateIngestionKey();

		await project
			.db('ingestion_channel_secrets')
			.insert({ id: channel.id, key_hash: hash, secrets: seal(deriveKey(ADMIN.secret), '{}') });

		const activity = (
			await project.api('POST', '/items/activities', {
				type: 'sms',
				direction: 'inbound',
				status: 'completed',
				channel: channel.id,
				contact: contact.id,
				content: 'hi',
				external_id: 'old-1',
			})
		).data;

		await project.api('POST', '/items/contact_notes', {
			contact: contact.id,
			activity: activity.id,
			content: 'Called back',
		});

		await server.stop();

		const tables = [
			'contacts',
			'activities',
			'contact_notes',
			'ingestion_channels',
			'ingestion_channel_secrets',
			'directus_flows',
			'directus_dashboards',
			'directus_roles',
		];

		const snapshot = async () =>
			Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await project.db(t).select().orderBy('id')])));

		const before = await snapshot();

		project.addExtension();
		server = await project.start();

		try {
			expect(installTime(server.output(), `upgrade of a 0.1.0 database on ${vendor}`)).toBeDefined();
			expect(errors(server.output())).toEqual([]);
			// Every row and value kept; the upgrade adds columns (null on old rows) and rewires only the AI flow it
			// seeded (z0013: transcribe before summarising).
			const after = await snapshot();

			const kept = (rows: Record<string, unknown>[], like: Record<string, unknown>[]) =>
				rows.map((row, i) => Object.fromEntries(Object.keys(like[i] ?? row).map((key) => [key, row[key]])));

			const withoutAiFlow = (rows: Record<string, unknown>[]) => rows.filter((row) => row['id'] !== AI_FLOW_ID);

			for (const table of tables) {
				const old: Record<string, unknown>[] = before[table] ?? [];
				const now: Record<string, unknown>[] = after[table] ?? [];
				if (table === 'directus_flows')
					expect(kept(withoutAiFlow(now), withoutAiFlow(old))).toEqual(withoutAiFlow(old));
				else expect(kept(now, old)).toEqual(old);
			}

			expect(after['directus_flows'].find((flow: { id: string }) => flow.id === AI_FLOW_ID)?.description).toMatch(
				/transcribes recordings/,
			);

			const steps = await project.db(RECORD).where('key', 'like', 'step:%').select('value');

			expect(steps.map((s) => s.value).sort()).toEqual([
				...Array(STEP_COUNT - STEPS_OF_0_1_0).fill('applied'),
				...Array(STEPS_OF_0_1_0).fill('applied by 0.1.0'),
			]);

			const reply = await call(`${project.url}/ingest/${channel.id}`, {
				method: 'POST',
				headers: { 'x-ingestion-key': key },
				json: { type: 'sms', sender: '+12025550143', content: 'after the upgrade' },
			});

			expect(reply.status).toBe(202);
			await expectStudioLayout(project);

			// Step z0015 indexed what 0.1.0 stored: the old activity and its note are found; new rows by the triggers.
			const found = await project.api('GET', `/activity-hub/search?q=${encodeURIComponent('called back')}`);
			expect(found.data.results.map((r: { kind: string }) => r.kind)).toEqual(['note']);
			expect((await project.api('GET', '/activity-hub/search?q=hi')).data.results[0].id).toBe(activity.id);
			expect((await project.api('GET', '/activity-hub/search?q=upgrade')).data.results[0].id).toBe(reply.body.data.id);
		} finally {
			await server.stop();
		}
	});
});

// The command runs the same install as the start-up hook (covered on both databases above): SQLite suffices here.
describe.each(vendors().filter((v) => v === 'sqlite'))('ACTIVITY_HUB_AUTO_INSTALL=false on %s', (vendor) => {
	it('answers 503 until `directus activity-hub install` has run, then serves', async () => {
		const project = await plainProject(vendor, 'manual');
		onTestFinished(() => project.close());
		project.addExtension();
		const manual = { ACTIVITY_HUB_AUTO_INSTALL: 'false' };
		let server = await project.start(manual);

		try {
			const refusal = await unavailable(project);
			expect(refusal.extensions.code).toBe('ACTIVITY_HUB_NOT_INSTALLED');
			expect(refusal.message).toContain('directus activity-hub install');
			expect(await userCollections(project)).toEqual([]);
			await server.stop();

			const { stdout } = await project.cli(['activity-hub', 'install'], manual);
			expect(stdout).toMatch(/Activity Hub 0\.2\.0 installed in \d+ ms \(schema, z0001/);

			expect((await project.cli(['activity-hub', 'install'], manual)).stdout).toContain(
				'Activity Hub 0.2.0 is already installed',
			);

			expect((await project.cli(['activity-hub', 'status'], manual)).stdout).toContain(
				'Activity Hub 0.2.0 is installed',
			);

			server = await project.start(manual);
			expect((await call(`${project.url}/activity-hub/queue/health`, { token: ADMIN.token })).status).toBe(200);
		} finally {
			await server.stop();
		}
	});
});

describe.each(vendors())('a project with its own collections named like the bundle’s on %s', (vendor) => {
	it('adopts its own `contacts` once told where e-mails and phones are, never altering it', async () => {
		const project = await plainProject(vendor, 'owncontacts');
		onTestFinished(() => project.close());
		let server = await project.start();

		await createCollection(project, 'contacts', [
			{ field: 'full_name', type: 'string' },
			{ field: 'email_address', type: 'string' },
			{ field: 'mobile', type: 'string' },
		]);

		const person = (
			await project.api('POST', '/items/contacts', {
				full_name: 'Ana Ruiz',
				email_address: 'Ana.Ruiz@acme.example',
				mobile: '(202) 555-0143',
			})
		).data;

		const fieldsBefore = await fieldsOf(project, 'contacts');
		await server.stop();
		project.addExtension();

		try {
			server = await project.start();
			const refusal = await unavailable(project);
			expect(refusal.extensions.code).toBe('CONTACTS_FIELDS_REQUIRED');
			expect(refusal.message).toMatch(/ACTIVITY_HUB_CONTACT_EMAIL_FIELDS.*full_name, email_address, mobile/);
			expect(errors(server.output()).join('\n')).toContain('ACTIVITY_HUB_CONTACT_EMAIL_FIELDS');
			expect(await userCollections(project)).toEqual(['contacts']);
			await server.stop();

			server = await project.start({
				ACTIVITY_HUB_CONTACTS_COLLECTION: 'contacts',
				ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: 'email_address',
				ACTIVITY_HUB_CONTACT_PHONE_FIELDS: 'mobile',
			});

			expect(server.output()).toMatch(INSTALLED);
			expect(await fieldsOf(project, 'contacts')).toEqual(fieldsBefore);
			expect((await project.api('GET', `/items/contacts/${person.id}`)).data).toEqual(person);
			// The people already there are indexed by the install: their next message matches at once.
			const channel = await createChannel(target(project), { provider: 'generic', create_unknown_contacts: true });

			const send = (json: unknown) =>
				call(channel.webhook, { method: 'POST', headers: { 'x-ingestion-key': channel.key }, json });

			await expect
				.poll(async () => (await send({ type: 'sms', sender: '+12025550143' })).body.data.contact, { timeout: 10_000 })
				.toBe(person.id);

			expect((await send({ type: 'email', sender: 'ana.ruiz@acme.example' })).body.data.contact).toBe(person.id);
			// Unknown senders never become rows in a team's own collection.
			expect((await send({ type: 'email', sender: 'stranger@elsewhere.example' })).body.data.contact).toBeNull();
			expect(Number((await project.db('contacts').count({ n: '*' }))[0]!.n)).toBe(1);
		} finally {
			await server.stop();
		}
	});

	it('refuses its own `activities` before writing anything, naming the clash', async () => {
		const project = await plainProject(vendor, 'clash');
		onTestFinished(() => project.close());
		let server = await project.start();
		await createCollection(project, 'activities', [{ field: 'what', type: 'string' }]);
		await project.api('POST', '/items/activities', { what: 'a call' });
		await server.stop();
		project.addExtension();
		server = await project.start();

		try {
			const refusal = await unavailable(project);
			expect(refusal.extensions.code).toBe('COLLECTION_CLASH');
			expect(refusal.message).toContain('"activities"');
			expect(errors(server.output()).join('\n')).toContain('already has "activities"');
			expect(await userCollections(project)).toEqual(['activities']);
			expect(await project.db.schema.hasTable(RECORD)).toBe(false);
			expect((await project.api('GET', '/items/activities')).data).toEqual([{ id: 1, what: 'a call' }]);
		} finally {
			await server.stop();
		}
	});
});
