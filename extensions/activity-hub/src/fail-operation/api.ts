import { defineOperationApi } from '@directus/extensions-sdk';
import type { HubContext } from '../runtime/context.js';
import { emitUpdated } from '../runtime/events.js';
import { leasedActivity } from '../runtime/operations.js';
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
		const { id, token } = leasedActivity(options);
		const error = options.error || 'Failed in a flow';
		const result = await fail(database, id, token, error, options.retry !== false);

		emitUpdated(
			'activities',
			[id],
			{ status: result.status, last_error: error },
			{ database, schema: await getSchema(), accountability: null },
		);

		return { id, ...result };
	},
});
