// Payload retention: for channels with `payload_retention_days`, completed and failed activities older than that lose
// their raw provider payload (`payload`, which holds the provider's media list) and the provider media URLs kept in
// `metadata.media_errors`; the row, its content, processed data, notes, attachments and place in the timeline stay.
// Never a leased or queued activity: the update itself only takes completed and failed rows. Once per cluster (the
// sweep), in batches.
import type { Knex } from 'knex';
import { QUEUE_STATES } from '../queue/index.js';
import { dbTime, parseJson } from '../runtime/context.js';

const BATCH = 500;

export async function applyRetention(database: Knex, now = new Date()): Promise<number> {
	const channels = await database('ingestion_channels')
		.whereNotNull('payload_retention_days')
		.select('id', 'payload_retention_days');

	let cleared = 0;

	for (const channel of channels as Array<{ id: string; payload_retention_days: number | string }>) {
		const days = Number(channel.payload_retention_days);
		if (!Number.isFinite(days) || days < 0) continue;
		const cutoff = dbTime(database, new Date(now.getTime() - days * 86_400_000));

		for (;;) {
			const rows = await database('activities')
				.where({ channel: channel.id })
				.whereIn('status', [QUEUE_STATES.completed, QUEUE_STATES.failed])
				.whereNotNull('payload')
				.where('date_created', '<', cutoff)
				.select('id', 'metadata')
				.limit(BATCH);

			if (rows.length === 0) break;

			for (const row of rows as Array<{ id: string; metadata: unknown }>) {
				const metadata = parseJson(row.metadata);
				const update: Record<string, unknown> = { payload: null };

				if (metadata && typeof metadata === 'object' && 'media_errors' in metadata) {
					const { media_errors: _dropped, ...rest } = metadata as Record<string, unknown>;
					update['metadata'] = JSON.stringify({ ...rest, payload_cleared: true });
				}

				cleared += Number(
					await database('activities')
						.where({ id: row.id })
						.whereIn('status', [QUEUE_STATES.completed, QUEUE_STATES.failed])
						.update(update),
				);
			}

			if (rows.length < BATCH) break;
		}
	}

	return cleared;
}
