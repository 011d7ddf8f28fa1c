// The Analytics panel's figures: the report's shape, the range a request asks for, nearest-rank percentiles (what
// PostgreSQL's percentile_disc computes) of the waits the database groups, and the per-day series the charts draw.
import { InvalidPayloadError } from './errors.js';
import { appendTo } from './maps.js';
import { ANALYTICS_DAYS, MAX_ANALYTICS_DAYS } from './limits.js';

export interface ResponseFigure {
	count: number;
	median_seconds: number | null;
	p90_seconds: number | null;
}

export interface FirstResponse {
	overall: ResponseFigure;
	by_channel: Array<ResponseFigure & { channel: string | null }>;
	by_owner: Array<ResponseFigure & { owner: string | null }>;
}

export interface DayRow {
	/** YYYY-MM-DD (UTC). */
	day: string;
	channel: string | null;
	type: string;
	count: number;
	unmatched: number;
	ambiguous: number;
}

export interface AnalyticsReport {
	from: string;
	to: string;
	totals: { activities: number; unmatched: number; ambiguous: number; unmatched_share: number | null };
	per_day: DayRow[];
	first_response: FirstResponse;
	failures: Array<{ reason: string; count: number }>;
	/** Names of the channels and owners the figures mention, by id. */
	channels: Record<string, string>;
	owners: Record<string, string>;
	measured_at: string;
}

const DAY_MS = 86_400_000;

/** The range of a request: `from`/`to` (ISO dates or times) or `days` back from now; 30 days by default. */
export function analyticsRange(input: Record<string, unknown>, now = new Date()): { from: Date; to: Date } {
	const date = (name: string) => {
		const value = input[name];
		if (value === undefined || value === null || value === '') return null;
		const parsed = typeof value === 'string' ? new Date(value) : new Date(NaN);
		if (Number.isNaN(parsed.getTime())) throw new InvalidPayloadError(`${name} must be an ISO date or time`);
		return parsed;
	};

	let days = ANALYTICS_DAYS;

	if (input['days'] !== undefined && input['days'] !== '') {
		days = Number(input['days']);
		if (!Number.isInteger(days) || days < 1 || days > MAX_ANALYTICS_DAYS)
			throw new InvalidPayloadError(`days must be an integer from 1 to ${MAX_ANALYTICS_DAYS}`);
	}

	const to = date('to') ?? now;
	const from = date('from') ?? new Date(to.getTime() - days * DAY_MS);
	if (from >= to) throw new InvalidPayloadError('from must be before to');
	if (to.getTime() - from.getTime() > MAX_ANALYTICS_DAYS * DAY_MS)
		throw new InvalidPayloadError(`a report covers at most ${MAX_ANALYTICS_DAYS} days`);
	return { from, to };
}

/** The nearest-rank percentile of sorted values (percentile_disc): the first whose cumulative share reaches p. */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
	if (!sorted.length) return null;
	return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

const figureOf = (values: number[]): ResponseFigure => {
	const sorted = Float64Array.from(values).sort();

	return {
		count: sorted.length,
		median_seconds: sorted.length ? Math.round(nearestRank(sorted, 0.5)!) : null,
		p90_seconds: sorted.length ? Math.round(nearestRank(sorted, 0.9)!) : null,
	};
};

/**
 * First-response figures overall, by channel and by owner, from the waits of each channel and owner as the database
 * aggregates them: their seconds joined by commas (one row per pair, not one per wait, crosses the driver).
 */
export function percentiles(
	groups: Array<{ channel: string | null; owner: string | null; seconds: string | number }>,
): FirstResponse {
	const all: number[] = [];
	const byChannel = new Map<string | null, number[]>();
	const byOwner = new Map<string | null, number[]>();

	for (const group of groups) {
		for (const text of String(group.seconds).split(',')) {
			const seconds = Number(text);
			all.push(seconds);
			appendTo(byChannel, group.channel, seconds);
			appendTo(byOwner, group.owner, seconds);
		}
	}

	// The busiest first; ties by id, so both databases list the same order.
	const figures = (groups: Map<string | null, number[]>) =>
		[...groups]
			.map(([key, values]) => ({ key, figure: figureOf(values) }))
			.sort((a, b) => b.figure.count - a.figure.count || String(a.key).localeCompare(String(b.key)));

	return {
		overall: figureOf(all),
		by_channel: figures(byChannel).map(({ key, figure }) => ({ channel: key, ...figure })),
		by_owner: figures(byOwner).map(({ key, figure }) => ({ owner: key, ...figure })),
	};
}

/** Per day (every day of the range, zeros included) the count of each series key, for a stacked chart. */
export function dailySeries(
	report: Pick<AnalyticsReport, 'from' | 'to' | 'per_day'>,
	by: 'channel' | 'type',
): { days: string[]; series: Array<{ key: string | null; counts: number[] }> } {
	const start = Math.floor(Date.parse(report.from) / DAY_MS);
	const end = Math.ceil(Date.parse(report.to) / DAY_MS);

	const days = Array.from({ length: Math.max(0, end - start) }, (_, i) =>
		new Date((start + i) * DAY_MS).toISOString().slice(0, 10),
	);

	const index = new Map(days.map((day, i) => [day, i]));
	const series = new Map<string | null, number[]>();

	for (const row of report.per_day) {
		const key = row[by];
		const at = index.get(row.day);
		if (at === undefined) continue;
		if (!series.has(key)) series.set(key, Array(days.length).fill(0));
		series.get(key)![at]! += row.count;
	}

	return {
		days,
		series: [...series]
			.map(([key, counts]) => ({ key, counts }))
			.sort((a, b) => b.counts.reduce((s, n) => s + n, 0) - a.counts.reduce((s, n) => s + n, 0)),
	};
}
