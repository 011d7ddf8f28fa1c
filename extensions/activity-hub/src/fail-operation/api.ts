import { defineOperationApi } from '@directus/extensions-sdk';
import type { HubContext } from '../runtime/context.js';
import { emitUpdated } from '../runtime/events.js';
import { fail } from '../runtime/queue.js';

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
		if (!options.activity || !options.lease_token) throw new Error('activity and lease_token are required');
		const error = options.error || 'Failed in a flow';
		const result = await fail(database, String(options.activity), String(options.lease_token), error, options.retry !== false);
		emitUpdated('activities', [String(options.activity)], { status: result.status, last_error: error }, { database, schema: await getSchema(), accountability: null });
		return { id: options.activity, ...result };
	},
});
