import { defineOperationApi } from '@directus/extensions-sdk';
import type { HubContext } from '../runtime/context.js';
import { leasedActivity } from '../runtime/operations.js';
import { activityQueue } from '../queue/index.js';

interface Options {
	activity: string;
	lease_token: string;
	error?: string;
	retry?: boolean;
}

export default defineOperationApi<Options>({
	id: 'activity-hub-fail',
	handler: async (options, context) => {
		const { database, getSchema } = context as unknown as HubContext;
		const { id, token } = leasedActivity(options);
		const error = options.error || 'Failed in a flow';
		const queue = activityQueue({ database, schema: getSchema, accountability: null });
		const result = await queue.fail(id, token, error, options.retry !== false);
		return { id, ...result };
	},
});
