// The Queue health panel's read: counts, throughput and recent failures, each served by a partial index.
import type { Knex } from 'knex';
import { QUEUE_STATES } from '../queue/states.js';
import { dbTime, toIso } from './context.js';
import type { QueueHealth } from '../shared/queue-health.js';
import type { QueueGauges } from '../metrics/index.js';

const { queued: QUEUED, failed: FAILED } = QUEUE_STATES;

/** What the Queue health panel shows; every read is served by one of the queue's partial indexes. */
export async function queueHealth(database: Knex, now = new Date()): Promise<QueueHealth> {
	const since = (minutes: number) => dbTime(database, new Date(now.getTime() - minutes * 60_000));
	const count = async (query: Knex.QueryBuilder) => Number((await query.count({ n: '*' }).first())?.['n'] ?? 0);

	const [queued, processing, failed, completed, oldest, failures] = await Promise.all([
		count(database('activities').where({ status: QUEUED })),
		count(database('activities').where({ status: QUEUE_STATES.processing })),
		count(database('activities').where({ status: FAILED })),
		// One range read of the last hour's completions answers both the hour and the last 15 minutes.
		database('activities')
			.where({ status: QUEUE_STATES.completed })
			.andWhere('completed_at', '>=', since(60))
			.first(
				database.raw('COUNT(*) AS last_hour'),
				database.raw('SUM(CASE WHEN completed_at >= ? THEN 1 ELSE 0 END) AS last_15', [since(15)]),
			),
		database('activities')
			.where({ status: QUEUED })
			.orderBy('available_at', 'asc')
			.first('available_at', 'date_created'),
		database('activities as a')
			.leftJoin('ingestion_channels as c', 'c.id', 'a.channel')
			.where('a.status', FAILED)
			.orderBy('a.date_updated', 'desc')
			.limit(10)
			.select(
				'a.id',
				'a.type',
				'a.subject',
				'a.channel',
				'c.name as channel_name',
				'a.last_error',
				'a.attempts',
				'a.date_updated',
			),
	]);

	const waitingSince = oldest ? toIso(oldest.available_at ?? oldest.date_created) : null;
	return {
		queued,
		processing,
		failed,
		completed_last_hour: Number(completed?.['last_hour'] ?? 0),
		throughput_per_minute: Math.round((Number(completed?.['last_15'] ?? 0) / 15) * 10) / 10,
		oldest_queued_seconds: waitingSince
			? Math.max(0, Math.round((now.getTime() - Date.parse(waitingSince)) / 1000))
			: null,
		recent_failures: failures.map((row: Record<string, unknown>) => ({
			id: String(row['id']),
			type: String(row['type']),
			subject: (row['subject'] as string | null) ?? null,
			channel: (row['channel'] as string | null) ?? null,
			channel_name: (row['channel_name'] as string | null) ?? null,
			last_error: (row['last_error'] as string | null) ?? null,
			attempts: Number(row['attempts'] ?? 0),
			failed_at: toIso(row['date_updated']),
		})),
		measured_at: now.toISOString(),
	};
}

/**
 * The metrics' gauges: activities per status and the age of the oldest queued one. Each count is served by the
 * partial index of its status (queued, leased, failed, completed), the oldest by the queued index's order.
 */
export async function queueGauges(database: Knex, now = new Date()): Promise<QueueGauges> {
	const count = async (status: string) =>
		Number((await database('activities').where({ status }).count({ n: '*' }).first())?.['n'] ?? 0);

	const statuses = Object.values(QUEUE_STATES);

	const [counts, oldest] = await Promise.all([
		Promise.all(statuses.map(count)),
		database('activities')
			.where({ status: QUEUED })
			.orderBy('available_at', 'asc')
			.first('available_at', 'date_created'),
	]);

	const waitingSince = oldest ? toIso(oldest.available_at ?? oldest.date_created) : null;

	return {
		byStatus: Object.fromEntries(statuses.map((status, index) => [status, counts[index]!])),
		oldestQueuedSeconds: waitingSince ? Math.max(0, (now.getTime() - Date.parse(waitingSince)) / 1000) : 0,
	};
}
