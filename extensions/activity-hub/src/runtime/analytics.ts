// The Analytics panel's read (GET /activity-hub/analytics): activities per day by channel and type, the share
// unmatched, first-response times and failures by reason over a range of days. Every figure is an aggregate over one
// index: the range's activities from activities_daily_idx (their day, channel, type and match: install step z0018;
// index-only), the failures from activities_failed_idx (z0005).
//
// First response: install step z0018's triggers keep one row per wait (an inbound activity that follows an outbound one
// in its conversation, with the seconds to the next outbound one) in activity_hub_first_responses, indexed by the
// reply's time; the range's waits are those answered in it, read from that index.
import type { Knex } from 'knex';
import { FIRST_RESPONSES, SQLITE_DAY } from '../../../../migrations/z0018-activity-hub-first-responses.js';
import { dbTime, dialectOf, toIso } from './context.js';
import { type AnalyticsReport, percentiles } from '../shared/analytics.js';

export interface AnalyticsRange {
	from: Date;
	to: Date;
}

const DAY_MS = 86_400_000;

const compare = (a: string, b: string) => Number(a > b) - Number(a < b);

export async function analytics(db: Knex, { from, to }: AnalyticsRange): Promise<AnalyticsReport> {
	const sqlite = dialectOf(db) === 'sqlite';
	const range = [dbTime(db, from), dbTime(db, to)];

	// The range's days by channel and type. SQLite groups along activities_daily_idx (the UTC day first: no sort), so
	// the range is also given in days; PostgreSQL hashes the date of each row it reads from that index.
	const perDay = sqlite
		? db.raw(
				`SELECT ${SQLITE_DAY} AS day, channel, type, COUNT(*) AS n,
					SUM(match_status = 'unmatched') AS unmatched, SUM(match_status = 'ambiguous') AS ambiguous
				FROM activities WHERE ${SQLITE_DAY} BETWEEN ? AND ? AND occurred_at >= ? AND occurred_at < ?
				GROUP BY 1, 2, 3`,
				[Math.floor(from.getTime() / DAY_MS), Math.floor(to.getTime() / DAY_MS), ...range],
			)
		: db.raw(
				`SELECT day::text AS day, channel, type, n, unmatched, ambiguous FROM (
					SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, channel, type, COUNT(*) AS n,
						COUNT(*) FILTER (WHERE match_status = 'unmatched') AS unmatched,
						COUNT(*) FILTER (WHERE match_status = 'ambiguous') AS ambiguous
					FROM activities WHERE occurred_at >= ? AND occurred_at < ? GROUP BY 1, 2, 3) d`,
				range,
			);

	// The waits answered in the range, one row per channel and owner with their seconds joined by commas.
	const responses = db.raw(
		`SELECT channel, owner, ${sqlite ? 'group_concat(seconds)' : "string_agg(seconds::text, ',')"} AS seconds
		FROM ${FIRST_RESPONSES} WHERE replied_at >= ? AND replied_at < ? GROUP BY channel, owner`,
		range,
	);

	const failures = db('activities')
		.where({ status: 'failed' })
		.andWhere('date_updated', '>=', range[0]!)
		.andWhere('date_updated', '<', range[1]!)
		.groupByRaw('1')
		.orderBy('n', 'desc')
		.limit(10)
		.select(db.raw(`COALESCE(SUBSTR(last_error, 1, 200), '') AS reason`), db.raw('COUNT(*) AS n'));

	const [dayRows, responseRows, failureRows] = await Promise.all([perDay, responses, failures]);
	const rowsOf = (result: any): any[] => (Array.isArray(result) ? result : result.rows);

	const days = rowsOf(dayRows)
		.map((row) => ({
			day: sqlite ? new Date(Number(row.day) * DAY_MS).toISOString().slice(0, 10) : String(row.day),
			channel: row.channel ?? null,
			type: String(row.type),
			count: Number(row.n),
			unmatched: Number(row.unmatched),
			ambiguous: Number(row.ambiguous),
		}))
		.sort((a, b) => compare(a.day, b.day) || compare(a.channel ?? '', b.channel ?? '') || compare(a.type, b.type));

	const firstResponse = percentiles(rowsOf(responseRows));

	const channelIds = [...new Set(days.map((row) => row.channel).filter(Boolean))] as string[];
	for (const row of firstResponse.by_channel)
		if (row.channel && !channelIds.includes(row.channel)) channelIds.push(row.channel);
	const ownerIds = firstResponse.by_owner.map((row) => row.owner).filter(Boolean) as string[];

	const [channels, owners] = await Promise.all([
		channelIds.length ? db('ingestion_channels').whereIn('id', channelIds).select('id', 'name') : [],
		ownerIds.length ? db('directus_users').whereIn('id', ownerIds).select('id', 'first_name', 'last_name') : [],
	]);

	const total = days.reduce((sum, row) => sum + row.count, 0);
	const unmatched = days.reduce((sum, row) => sum + row.unmatched, 0);

	return {
		from: from.toISOString(),
		to: to.toISOString(),
		totals: {
			activities: total,
			unmatched,
			ambiguous: days.reduce((sum, row) => sum + row.ambiguous, 0),
			unmatched_share: total ? unmatched / total : null,
		},
		per_day: days,
		first_response: firstResponse,
		failures: failureRows.map((row: any) => ({ reason: String(row.reason), count: Number(row.n) })),
		channels: Object.fromEntries(channels.map((row: any) => [String(row.id), String(row.name ?? '')])),
		owners: Object.fromEntries(
			owners.map((row: any) => [
				String(row.id),
				[row.first_name, row.last_name].filter(Boolean).join(' ') || String(row.id).slice(0, 8),
			]),
		),
		measured_at: toIso(new Date())!,
	};
}
