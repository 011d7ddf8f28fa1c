// For each claimed activity with an audio (or video) attachment and no transcript yet: send the recording to an
// OpenAI-compatible POST /audio/transcriptions (ACTIVITY_HUB_TRANSCRIBE_URL, _MODEL, _API_KEY) and store its
// utterances in processed_data.transcript under the lease, which stays held for the next step (the summary).
// Returns the activities that may go on, with their processed_data; one that fails is failed with the reason and
// retried as the queue retries (backoff, max_attempts), and left out of the result.
import { defineOperationApi } from '@directus/extensions-sdk';
import { cachedSchema } from '../runtime/context.js';
import { jsonOption } from '../runtime/operations.js';
import { readRecording, recordingOf, transcribe } from '../runtime/transcription.js';
import { readConfig } from '../shared/config.js';
import { DEFAULT_CHANNEL_LIMITS } from '../shared/limits.js';
import { readTranscript } from '../shared/transcript.js';
import { activityQueue } from '../queue/index.js';

interface Options {
	activities?: unknown;
}

export default defineOperationApi<Options>({
	id: 'activity-hub-transcribe',
	handler: async (options, context) => {
		const { database, getSchema, env, logger, services } = context;
		const config = readConfig(env).transcribe;
		const activities = jsonOption<Array<Record<string, any>>>(options.activities, []);
		const schema = cachedSchema(() => getSchema());
		const queue = activityQueue({ database, schema, accountability: null });
		const passed: Array<Record<string, any>> = [];

		for (const activity of Array.isArray(activities) ? activities : []) {
			if (!activity?.id || !activity.lease_token) continue;

			try {
				const processed = (activity['processed_data'] ?? {}) as Record<string, unknown>;

				const recording = readTranscript(processed['transcript']).length
					? null
					: await recordingOf(database, String(activity.id));

				if (!recording) {
					passed.push(activity);
					continue;
				}

				const bytes = await readRecording(services, await schema(), recording, DEFAULT_CHANNEL_LIMITS.maxFileBytes);
				const { utterances, language } = await transcribe(config, recording, bytes);

				const processedData = await queue.annotate(activity.id, activity.lease_token, {
					transcript: utterances,
					transcript_source: 'transcribe',
					transcript_model: config.model,
					...(language ? { transcript_language: language } : {}),
				});

				passed.push({ ...activity, processed_data: processedData });
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				logger.warn(`Activity Hub: transcribing ${activity.id} failed: ${message}`);
				await queue.fail(activity.id, activity.lease_token, `Transcription failed: ${message}`, true).catch(() => null);
			}
		}

		return passed;
	},
});
