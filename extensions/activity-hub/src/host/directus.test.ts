// Smoke test of the host boundary against the Directus installed here: the internals host/directus.ts imports exist
// where it imports them and behave as it relies on. Run against every Directus release the package's host range names.
import { describe, expect, it } from 'vitest';
import emitter from '@directus/api/emitter';
import { register } from 'prom-client';
import {
	checkAccess,
	emitItemAction,
	flushHostCaches,
	hostPromClient,
	publishToCluster,
	subscribeToCluster,
} from './directus.js';

describe('Directus host adapter', () => {
	it('emits item actions on the emitter Directus itself listens to', async () => {
		const seen: unknown[] = [];
		const listener = (meta: unknown) => void seen.push(meta);
		emitter.onAction('activities.items.create', listener);

		try {
			emitItemAction('create', 'activities', { key: 'a1', payload: { status: 'raw' } }, { accountability: null });

			await expect
				.poll(() => seen)
				.toEqual([expect.objectContaining({ collection: 'activities', key: 'a1', payload: { status: 'raw' } })]);
		} finally {
			emitter.offAction('activities.items.create', listener);
		}
	});

	it('checks access with Directus’s own rules: unknown collections are forbidden, admins pass without a database read', async () => {
		const admin = { user: 'u', role: null, roles: [], admin: true, app: true, ip: null };
		const schema = { collections: { activities: {} }, relations: [] };

		await expect(
			checkAccess({ accountability: admin, action: 'create', collection: 'activities' }, { schema, knex: null }),
		).resolves.toBeUndefined();

		await expect(
			checkAccess({ accountability: admin, action: 'read', collection: 'nope' }, { schema, knex: null }),
		).rejects.toMatchObject({ code: 'FORBIDDEN' });
	});

	it('flushes the host caches', async () => {
		await expect(flushHostCaches()).resolves.toBeUndefined();
	});

	it('takes the prom-client Directus imports, whose global register its /metrics serves', async () => {
		const prom = hostPromClient();
		expect(prom.register).toBe(register);
		new prom.Counter({ name: 'activity_hub_host_probe_total', help: 'probe' });

		try {
			expect(await register.metrics()).toContain('activity_hub_host_probe_total 0');
		} finally {
			register.removeSingleMetric('activity_hub_host_probe_total');
		}
	});

	it('carries messages on Directus’s bus (in-process without Redis)', async () => {
		const heard: unknown[] = [];
		await subscribeToCluster('activity-hub:probe', (message) => void heard.push(message));
		await publishToCluster('activity-hub:probe', { job: 'j1' });
		await expect.poll(() => heard).toEqual([{ job: 'j1' }]);
	});
});
