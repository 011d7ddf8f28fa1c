// The package's host range starts at Directus 12.0.2, the oldest 12.x release on the registry: the same release
// tarball installs itself there and its host boundary (item events, access checks, cache flushes) works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectus } from '../../scripts/lib/directus.mjs';
import { call, createChannel } from '../harness/api.js';
import { vendors } from '../harness/instance.js';
import { plainProject, type PlainProject } from '../harness/project.js';
import { ADMIN } from '../harness/shared.js';
import packageJson from '../../extensions/activity-hub/package.json' with { type: 'json' };

const OLDEST = '12.0.2';

describe.each(vendors().filter((v) => v === 'sqlite'))(`Directus ${OLDEST} on %s`, (vendor) => {
	let project: PlainProject;
	let server: RunningDirectus;

	beforeAll(async () => {
		project = await plainProject(vendor, 'oldest', { host: OLDEST });
		project.addExtension();
		server = await project.start();
	}, 600_000);

	afterAll(async () => {
		await server?.stop();
		await project?.close();
	});

	it('is inside the host range the package declares', () => {
		expect(packageJson['directus:extension'].host).toBe(`^${OLDEST}`);
	});

	it('runs that release and installs itself there', async () => {
		expect((await project.api('GET', '/server/info')).data.version).toBe(OLDEST);
		expect(server.output()).toMatch(/Activity Hub: installed 0\.2\.0 in \d+ ms/);

		expect(
			server
				.output()
				.split('\n')
				.filter((line) => /"level":(5|6)0/.test(line)),
		).toEqual([]);
	});

	it('ingests with item events, checks access and serves the queue', async () => {
		const channel = await createChannel({ url: project.url, token: ADMIN.token }, { provider: 'generic' });

		const accepted = await call(channel.webhook, {
			method: 'POST',
			headers: { 'x-ingestion-key': channel.key },
			json: { type: 'sms', sender: '+12025550143', content: 'hello' },
		});

		expect(accepted.status).toBe(202);

		expect((await project.api('GET', `/items/activities/${accepted.body.data.id}`)).data).toMatchObject({
			content: 'hello',
			status: 'raw',
		});

		expect((await call(`${project.url}/activity-hub/channels/${channel.id}/key`, { method: 'POST' })).status).toBe(401);
		expect((await call(`${project.url}/activity-hub/queue/health`, { token: ADMIN.token })).body.data.queued).toBe(1);
	});
});
