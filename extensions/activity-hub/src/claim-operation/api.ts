import { defineOperationApi } from '@directus/extensions-sdk';
import { type ActivityType, isActivityType } from '../shared/activity.js';
import { flowClaimOptions } from '../shared/limits.js';
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
		const { database, getSchema } = context;
		const { limit, leaseSeconds } = flowClaimOptions(options);
		const types = jsonOption<unknown[]>(options.types, []).filter(isActivityType);
		const worker = flowWorker(context.accountability, context.flow);
		const queue = activityQueue({ database, schema: getSchema, accountability: null });
		// The plaintext lease tokens go to the next steps only; the database holds their hashes.
		return queue.claim({ worker, limit, leaseSeconds, types, now: new Date() });
	},
});
