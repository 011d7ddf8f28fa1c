import { defineOperationApi } from '@directus/extensions-sdk';
import { jsonOption, leasedActivity } from '../runtime/operations.js';
import { activityQueue, QUEUE_STATES } from '../queue/index.js';

interface Options {
	activity: string;
	lease_token: string;
	processed_data?: unknown;
	note?: string;
}

export default defineOperationApi<Options>({
	id: 'activity-hub-complete',
	handler: async (options, context) => {
		const { database, getSchema } = context;
		const { id, token } = leasedActivity(options);

		const queue = activityQueue({ database, schema: getSchema, accountability: null });

		const result = await queue.complete(
			id,
			token,
			jsonOption<Record<string, unknown>>(options.processed_data, {}),
			options.note || null,
		);

		return { id, status: QUEUE_STATES.completed, note: result.noteId };
	},
});
