// Adapters' changes to stored activities (ActivityUpdate): a Twilio transcription onto its call, a booking moved or
// cancelled, a Zoom recording onto its meeting. The activity is found by its external_id or any uid the booking had
// (`metadata.booking_uids`); each change runs in its own transaction, the row locked on PostgreSQL, and is answered
// like an insert: a change that alters nothing (a replay, or one older than the change already applied) is a
// duplicate. When no activity is stored yet, `otherwise` is inserted through the writer as any new activity is.
import type { Knex } from 'knex';
import type { Channel } from '../runtime/channels.js';
import { activityFromRow, dbTime, dialectOf, parseJson } from '../runtime/context.js';
import { emitUpdated } from '../runtime/events.js';
import type { WriteResult } from '../runtime/writer.js';
import { HubError } from '../shared/errors.js';
import { MEDIA_HOSTS } from '../shared/node/media.js';
import { type ActivityUpdate, assertDraftStorable, type UpdateMedia } from '../shared/node/providers/index.js';
import { transcriptText } from '../shared/transcript.js';
import type { MediaFetcher } from './media-fetcher.js';
import type { PipelineParts } from './parts.js';

const FIELDS = [
	'id',
	'type',
	'status',
	'contact',
	'external_id',
	'subject',
	'content',
	'occurred_at',
	'transcript_text',
] as const;

const JSON_COLUMNS = ['payload', 'metadata', 'processed_data'] as const;

/** The stored activity an update names, or null: by external_id (indexed) first, then by a booking's earlier uids. */
export async function findUpdated(database: Knex, channel: string, keys: string[]) {
	if (keys.length === 0) return null;
	const columns = [...FIELDS, ...JSON_COLUMNS];
	const byId = await database('activities').select(columns).where({ channel }).whereIn('external_id', keys).first();
	if (byId) return byId as Record<string, unknown>;
	const metadata = dialectOf(database) === 'postgres' ? 'metadata::text' : 'metadata';
	const like = (key: string) => `%"${key.replace(/[\\%_]/g, (c) => `\\${c}`)}"%`;

	const byUid = await database('activities')
		.select(columns)
		.where({ channel, type: 'meeting' })
		.andWhere((query) => {
			for (const key of keys) query.orWhereRaw(`${metadata} LIKE ? ESCAPE '\\'`, [like(key)]);
		})
		.first();

	return (byUid as Record<string, unknown> | undefined) ?? null;
}

const object = (value: unknown): Record<string, unknown> => {
	const parsed = parseJson(value);
	return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
};

/** The columns an update changes on a stored row (nothing when it changes nothing), with the event fields. */
export function updatedColumns(
	current: Record<string, unknown>,
	update: ActivityUpdate,
): { columns: Record<string, unknown>; changed: string[] } {
	const metadata = object(current['metadata']);
	const storedAt = typeof metadata['event_at'] === 'string' ? new Date(metadata['event_at']) : null;
	// Older than the change already applied (or the same one again): only the uids are learnt.
	const newer = !update.eventAt || !storedAt || update.eventAt.getTime() > storedAt.getTime();
	const next: Record<string, unknown> = {};

	if (update.eventAt) {
		const uids = [...new Set([...((metadata['booking_uids'] as string[] | undefined) ?? []), ...update.keys])];
		next['metadata'] = { ...metadata, booking_uids: uids };
	}

	if (newer) {
		next['metadata'] = {
			...metadata,
			...(next['metadata'] as object),
			...update.metadata,
			...(update.eventAt ? { event_at: update.eventAt.toISOString() } : {}),
		};

		if (update.payload) next['payload'] = { ...object(current['payload']), ...update.payload };

		if (update.processedData) {
			const processed = { ...object(current['processed_data']), ...update.processedData };
			next['processed_data'] = processed;
			if ('transcript' in update.processedData)
				next['transcript_text'] = transcriptText(processed['transcript']) || null;
		}

		for (const [field, value] of Object.entries(update.set ?? {})) next[field] = value;
	}

	const changed = Object.keys(next).filter((field) => {
		const before = current[field];
		const after = next[field];
		if ((JSON_COLUMNS as readonly string[]).includes(field))
			return JSON.stringify(object(before)) !== JSON.stringify(after);
		if (after instanceof Date) return activityFromRow({ occurred_at: before })['occurred_at'] !== after.toISOString();
		return (before ?? null) !== (after ?? null);
	});

	return { columns: Object.fromEntries(changed.map((field) => [field, next[field]])), changed };
}

export interface Updater {
	apply(channel: Channel, updates: ActivityUpdate[]): Promise<WriteResult[]>;
}

export function createUpdater(
	{ database, writer, schema, logger }: Pick<PipelineParts, 'database' | 'writer' | 'schema' | 'logger'>,
	fetchMedia: MediaFetcher,
): Updater {
	const fetchLater = (row: Record<string, unknown>, media: UpdateMedia[] | undefined) => {
		if (media?.length)
			void fetchMedia(row, media).catch((error) => logger.warn(error, 'Activity Hub: media of an update not fetched'));
	};

	async function change(channel: Channel, row: Record<string, unknown>, update: ActivityUpdate): Promise<WriteResult> {
		if (update.type && row['type'] !== update.type)
			throw new HubError(409, 'NOT_A_CALL', `The activity ${update.keys[0]} is a ${row['type']}, not a ${update.type}`);

		const outcome = await database.transaction(async (trx) => {
			const query = trx('activities')
				.select([...FIELDS, ...JSON_COLUMNS])
				.where({ id: row['id'] });

			const current = (await (dialectOf(trx) === 'postgres' ? query.forUpdate() : query).first()) ?? row;
			const { columns, changed } = updatedColumns(current, update);
			if (changed.length === 0) return { current, changed };
			const now = new Date();
			const values: Record<string, unknown> = { date_updated: dbTime(trx, now) };

			for (const [field, value] of Object.entries(columns)) {
				if (value instanceof Date) values[field] = dbTime(trx, value);
				else if ((JSON_COLUMNS as readonly string[]).includes(field)) values[field] = JSON.stringify(value);
				else values[field] = value;
			}

			await trx('activities').where({ id: row['id'] }).update(values);
			return { current, changed, columns };
		});

		const result = {
			id: String(row['id']),
			duplicate: outcome.changed.length === 0,
			status: String(outcome.current['status']),
			contact: (outcome.current['contact'] as number | string | null) ?? null,
		};

		if (outcome.changed.length) {
			emitUpdated('activities', [result.id], outcome.columns!, {
				database,
				schema: await schema(),
				accountability: null,
			});

			fetchLater({ ...outcome.current, channel: channel.id }, update.media);
		}

		return result;
	}

	return {
		async apply(channel, updates) {
			const results: WriteResult[] = [];

			for (const update of updates) {
				let row = await findUpdated(database, channel.id, update.keys);

				if (!row) {
					if (!update.otherwise)
						throw new HubError(
							404,
							'ACTIVITY_NOT_FOUND',
							`No activity ${update.keys.join(' or ')} is stored on this channel yet`,
						);

					const metadata = {
						...update.otherwise.metadata,
						...(update.eventAt ? { booking_uids: update.keys, event_at: update.eventAt.toISOString() } : {}),
					};

					const draft = { ...update.otherwise, metadata, fileIds: [] };
					assertDraftStorable(draft, MEDIA_HOSTS[channel.provider]);
					const [written] = await writer.write(channel, [draft]);

					if (!written!.duplicate) {
						fetchLater({ id: written!.id, type: draft.type, channel: channel.id }, update.media);
						results.push(written!);
						continue;
					}

					// Another delivery stored it first: change that one.
					row = await findUpdated(database, channel.id, update.keys);
					if (!row) throw new HubError(409, 'CONFLICT', 'The activity changed while this update was applied; retry');
				}

				results.push(await change(channel, row, update));
			}

			return results;
		},
	};
}
