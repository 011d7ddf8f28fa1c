// What follows a committed batch, off the request's path: duplicate uploads removed, item events for what the writer
// stored with plain SQL (websocket subscribers, flows), and provider media queued for fetching.
import { emitCreated } from '../runtime/events.js';
import { BackgroundQueue } from '../runtime/media.js';
import type { CommitListener } from '../runtime/writer.js';
import type { MediaFetcher } from './media-fetcher.js';
import type { PipelineParts } from './parts.js';

export function afterCommit({
	database,
	files,
	logger,
	schema,
	fetchMedia,
}: Pick<PipelineParts, 'database' | 'files' | 'logger' | 'schema'> & { fetchMedia: MediaFetcher }): CommitListener {
	const mediaQueue = new BackgroundQueue(2);

	return ({ rows, contacts, orphanFileIds }) => {
		void files
			.remove(orphanFileIds)
			.catch((error) => logger.warn(error, 'Activity Hub: could not remove duplicate upload'));

		if (rows.length === 0 && contacts.length === 0) return;

		void schema().then((current) => {
			const events = { database, schema: current, accountability: null };
			for (const contact of contacts) emitCreated('contacts', contact['id'] as number, contact, events);
			for (const row of rows) emitCreated('activities', row['id'] as string, row, events);
		});

		for (const row of rows) {
			const media = (row['payload'] as { media?: unknown[] } | null)?.media;
			if (Array.isArray(media) && media.length) mediaQueue.add(() => fetchMedia(row));
		}
	};
}
