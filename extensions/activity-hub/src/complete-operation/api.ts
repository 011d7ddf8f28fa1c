import { defineOperationApi } from '@directus/extensions-sdk';
import { jsonOption, leasedActivity } from '../runtime/operations.js';
import { activityQueue, QUEUE_STATES } from '../queue/index.js';
import { transcriptProblem } from '../shared/transcript.js';

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
		const processed = jsonOption<Record<string, unknown>>(options.processed_data, {});
		// The shape a transcript has whoever writes it (shared/transcript.ts), as the API checks it.
		const problem = processed && 'transcript' in processed ? transcriptProblem(processed['transcript']) : null;
		if (problem) throw new Error(`processed_data.${problem}`);
		const result = await queue.complete(id, token, processed, options.note || null);

		return { id, status: QUEUE_STATES.completed, note: result.noteId };
	},
});
