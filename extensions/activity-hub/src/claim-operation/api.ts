import { defineOperationApi } from '@directus/extensions-sdk';
import { claimFilters } from '../shared/claim-filters.js';
import { MAX_CLAIM, MAX_LEASE_SECONDS } from '../shared/node/queue.js';
import type { HubContext } from '../runtime/context.js';
import { flowWorker, listOption } from '../runtime/operations.js';
import { activityQueue } from '../queue/index.js';

interface Options {
	limit?: number | string;
	lease_seconds?: number | string;
	types?: string[] | string;
	channels?: string[] | string;
}

export default defineOperationApi<Options>({
	id: 'activity-hub-claim',
	handler: async (options, context) => {
		const { database, getSchema } = context as unknown as HubContext;
		const limit = Math.min(MAX_CLAIM, Math.max(1, Number(options.limit ?? 10) || 10));
		const leaseSeconds = Math.min(MAX_LEASE_SECONDS, Math.max(5, Number(options.lease_seconds ?? 300) || 300));
		// The API's own check: a type or channel it would refuse fails the step instead of widening the claim.
		const filters = claimFilters({ types: listOption(options.types), channels: listOption(options.channels) });
		const worker = flowWorker(context.accountability as any, (context as any).flow);
		const queue = activityQueue({ database, schema: getSchema, accountability: null });
		// The plaintext lease tokens go to the next steps only; the database holds their hashes.
		return queue.claim({ worker, limit, leaseSeconds, ...filters, now: new Date() });
	},
});
