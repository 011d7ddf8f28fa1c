import { defineOperationApi } from '@directus/extensions-sdk';
import type { HubContext } from '../runtime/context.js';
import { emitUpdated } from '../runtime/events.js';
import { jsonOption } from '../runtime/operations.js';
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
		if (!options.activity || !options.lease_token) throw new Error('activity and lease_token are required');
		const processed = jsonOption<Record<string, unknown>>(options.processed_data, {});
		const result = await complete(database, String(options.activity), String(options.lease_token), processed, options.note || null);
		emitUpdated('activities', [String(options.activity)], { status: 'completed' }, { database, schema: await getSchema(), accountability: null });
		return { id: options.activity, status: 'completed', note: result.noteId };
	},
});
