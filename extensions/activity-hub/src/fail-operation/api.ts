import { defineOperationApi } from '@directus/extensions-sdk';
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
		const { database, getSchema } = context;
		const { id, token } = leasedActivity(options);
		const error = options.error || 'Failed in a flow';
		const queue = activityQueue({ database, schema: getSchema, accountability: null });
		const result = await queue.fail(id, token, error, options.retry !== false);
		return { id, ...result };
	},
});
