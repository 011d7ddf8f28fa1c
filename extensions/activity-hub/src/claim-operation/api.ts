import { defineOperationApi } from '@directus/extensions-sdk';
import { claimFilters } from '../shared/claim-filters.js';
import { flowClaimOptions } from '../shared/limits.js';
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
		const { database, getSchema } = context;
		const { limit, leaseSeconds } = flowClaimOptions(options);
		// The API's own check: a type or channel it would refuse fails the step instead of widening the claim.
		const filters = claimFilters({ types: listOption(options.types), channels: listOption(options.channels) });
		const worker = flowWorker(context.accountability, context.flow);
		const queue = activityQueue({ database, schema: getSchema, accountability: null });
		// The plaintext lease tokens go to the next steps only; the database holds their hashes.
		return queue.claim({ worker, limit, leaseSeconds, ...filters, now: new Date() });
	},
});
