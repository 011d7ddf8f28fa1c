// For each claimed activity: ask an OpenAI-compatible chat-completions API (ACTIVITY_HUB_LLM_URL, _MODEL,
// _API_KEY) for a summary and facts, store them in processed_data and write the summary as the contact's note.
// Errors fail the activity (retried with backoff), never the whole batch.
import { defineOperationApi } from '@directus/extensions-sdk';
import { chatRequest, readSummary } from '../shared/llm.js';
import { cachedSchema } from '../runtime/context.js';
import { readConfig } from '../shared/config.js';
import { jsonOption } from '../runtime/operations.js';
import { activityQueue } from '../queue/index.js';

interface Options {
	activities?: unknown;
}

export default defineOperationApi<Options>({
	id: 'activity-hub-summarise',
	handler: async (options, context) => {
		const { database, getSchema, env, logger } = context;
		const { url, model, apiKey, timeoutMs } = readConfig(env).llm;
		const activities = jsonOption<Array<Record<string, any>>>(options.activities, []);
		// One schema for the batch's events, not one clone per activity.
		const queue = activityQueue({ database, schema: cachedSchema(() => getSchema()), accountability: null });
		const outcome = { completed: 0, failed: 0 };

		for (const activity of Array.isArray(activities) ? activities : []) {
			try {
				if (!url) throw new Error('ACTIVITY_HUB_LLM_URL is not set');

				const response = await fetch(`${url}/chat/completions`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
					body: JSON.stringify(chatRequest(activity, model)),
					signal: AbortSignal.timeout(timeoutMs),
				});

				if (!response.ok) throw new Error(`The model API answered ${response.status}`);
				const { summary, facts } = readSummary(await response.json());

				await queue.complete(
					activity['id'],
					activity['lease_token'],
					{ ...(activity['processed_data'] ?? {}), summary, facts, model },
					summary,
				);

				outcome.completed++;
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				logger.warn(`Activity Hub: summarising ${activity['id']} failed: ${message}`);
				await queue.fail(activity['id'], activity['lease_token'], message, true).catch(() => null);
				outcome.failed++;
			}
		}

		return outcome;
	},
});
