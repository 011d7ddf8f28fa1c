// The metrics on Directus's /metrics: registered into the host's own prom-client registry (host/directus.ts), the
// gauges read from this database once installed (until then they show nothing).
import type { Knex } from 'knex';
import { hostPromClient } from '../host/directus.js';
import { isInstalled } from '../install/status.js';
import { queueGauges } from '../runtime/health.js';
import { registerHubMetrics, useHubMetrics } from './index.js';

export function enableHostMetrics(database: Knex) {
	const prom = hostPromClient();

	useHubMetrics(
		registerHubMetrics(prom, prom.register, async () =>
			isInstalled() ? queueGauges(database) : { byStatus: {}, oldestQueuedSeconds: 0 },
		),
	);
}
