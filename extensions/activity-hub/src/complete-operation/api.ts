import { defineOperationApi } from '@directus/extensions-sdk';
import type { HubContext } from '../runtime/context.js';
import { emitUpdated } from '../runtime/events.js';
import { jsonOption, leasedActivity } from '../runtime/operations.js';
import { complete } from '../runtime/queue.js';

interface Options {
	activity: string;
	lease_token: string;
	processed_data?: unknown;
	note?: string;
}

export default defineOperationApi<Options>({
	id: 'activity-hub-complete',
	handler: async (options, context) => {
		const { database, getSchema } = context as unknown as HubContext;
		const { id, token } = leasedActivity(options);

		const result = await complete(
			database,
			id,
			token,
			jsonOption<Record<string, unknown>>(options.processed_data, {}),
			options.note || null,
		);

		emitUpdated(
			'activities',
			[id],
			{ status: 'completed' },
			{ database, schema: await getSchema(), accountability: null },
		);

		return { id, status: 'completed', note: result.noteId };
	},
});
