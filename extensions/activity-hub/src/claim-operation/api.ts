import { defineOperationApi } from '@directus/extensions-sdk';
import { type ActivityType, isActivityType } from '../shared/activity.js';
import { MAX_CLAIM, MAX_LEASE_SECONDS } from '../shared/node/queue.js';
import type { HubContext } from '../runtime/context.js';
import { flowWorker, jsonOption } from '../runtime/operations.js';
import { activityQueue } from '../queue/index.js';

interface Options {
	limit?: number | string;
	lease_seconds?: number | string;
	types?: ActivityType[] | string;
}

export default defineOperationApi<Options>({
	id: 'activity-hub-claim',
	handler: async (options, context) => {
		const { database, getSchema } = context as unknown as HubContext;
		const limit = Math.min(MAX_CLAIM, Math.max(1, Number(options.limit ?? 10) || 10));
		const leaseSeconds = Math.min(MAX_LEASE_SECONDS, Math.max(5, Number(options.lease_seconds ?? 300) || 300));
		const types = jsonOption<unknown[]>(options.types, []).filter(isActivityType);
		const worker = flowWorker(context.accountability as any, (context as any).flow);
		const queue = activityQueue({ database, schema: getSchema, accountability: null });
		// The plaintext lease tokens go to the next steps only; the database holds their hashes.
		return queue.claim({ worker, limit, leaseSeconds, types, now: new Date() });
	},
});
