// Writing into an activity's processed_data outside the queue's transitions (a transcript fetched for a meeting):
// merged at the top level, with `transcript_text`, the plain text the timeline searches, kept beside it.
import type { Knex } from 'knex';
import { transcriptText } from '../shared/transcript.js';
import { dialectOf, parseJson } from './context.js';

/** processed_data and transcript_text after merging `patch` into the stored processed_data. */
export function mergedProcessedData(stored: unknown, patch: Record<string, unknown>) {
	const current = parseJson(stored);
	const processed = { ...(current && typeof current === 'object' && !Array.isArray(current) ? current : {}), ...patch };
	return { processed, transcriptText: transcriptText((processed as Record<string, unknown>)['transcript']) || null };
}

export async function mergeProcessedData(database: Knex, id: string, patch: Record<string, unknown>) {
	await database.transaction(async (trx) => {
		const query = trx('activities').select('processed_data').where({ id });
		const row = await (dialectOf(trx) === 'postgres' ? query.forUpdate() : query).first();
		if (!row) return;
		const { processed, transcriptText: plain } = mergedProcessedData(row.processed_data, patch);

		await trx('activities')
			.where({ id })
			.update({ processed_data: JSON.stringify(processed), transcript_text: plain });
	});
}
