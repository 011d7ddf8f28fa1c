// The refusal log: every refused webhook of a known channel — when, the status and reason code it was answered with,
// the remote address, the declared length, the provider — and never its body, key or signature (none of them is
// ever handed to it). Written in batches off the request's path (shared/refusal-buffer.ts bounds what waits), read
// by the channel setup, and pruned to a per-channel cap and an age by one scheduled job per cluster.
import type { Knex } from 'knex';
import { hubMetrics } from '../metrics/index.js';
import {
	REFUSAL_LOG_FLUSH_MS,
	REFUSAL_LOG_MAX_AGE_DAYS,
	REFUSAL_LOG_MAX_PENDING,
	REFUSAL_LOG_PER_CHANNEL,
	REFUSAL_LOG_PER_CHANNEL_PER_FLUSH,
	REFUSAL_LOG_RECENT,
} from '../shared/limits.js';
import { type Refusal, RefusalBuffer } from '../shared/refusal-buffer.js';
import { dbTime, toIso } from './context.js';

export const REFUSALS_TABLE = 'activity_hub_refusals';

/** Rows per INSERT (7 values each: well under SQLite's bound-parameter limit). */
const INSERT_CHUNK = 100;

export class RefusalLog {
	private buffer = new RefusalBuffer({
		maxPending: REFUSAL_LOG_MAX_PENDING,
		perChannel: REFUSAL_LOG_PER_CHANNEL_PER_FLUSH,
	});

	private timer: ReturnType<typeof setTimeout> | null = null;
	private writing: Promise<void> = Promise.resolve();

	constructor(
		private database: Knex,
		private warn: (error: unknown, message: string) => void,
		private flushMs = REFUSAL_LOG_FLUSH_MS,
	) {}

	/** Records a refusal for the next batch; returns at once and never throws. */
	record(refusal: Refusal) {
		this.buffer.add(refusal);
		this.timer ??= setTimeout(() => this.flush(), this.flushMs);
	}

	/** Writes what waits (one batch at a time, in order); resolves once written. */
	flush(): Promise<void> {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		const { refusals, dropped } = this.buffer.take();
		hubMetrics().refusalsDropped(dropped);
		if (refusals.length === 0) return this.writing;
		this.writing = this.writing.then(() => this.write(refusals)).catch(() => {});
		return this.writing;
	}

	private async write(refusals: Refusal[]) {
		const rows = refusals.map((refusal) => ({ ...refusal, refused_at: dbTime(this.database, refusal.refused_at) }));

		try {
			for (let at = 0; at < rows.length; at += INSERT_CHUNK)
				await this.database(REFUSALS_TABLE).insert(rows.slice(at, at + INSERT_CHUNK));
		} catch (error) {
			// A channel deleted meanwhile (its foreign key), or the database away: the log loses these, nothing else.
			hubMetrics().refusalsDropped(rows.length);
			this.warn(error, `Activity Hub: ${rows.length} refusal(s) not logged`);
		}
	}
}

export interface RefusalSummary {
	total: number;
	by_reason: Array<{ reason: string; count: number }>;
	recent: Array<Omit<Refusal, 'channel' | 'refused_at'> & { refused_at: string | null }>;
}

/** The channel setup's view: how many are kept, how many per reason (most first), and the last few. */
export async function refusalSummary(database: Knex, channel: string): Promise<RefusalSummary> {
	const [byReason, recent] = await Promise.all([
		database(REFUSALS_TABLE)
			.where({ channel })
			.groupBy('reason')
			.select('reason')
			.count({ n: '*' })
			.orderBy([{ column: 'n', order: 'desc' }, { column: 'reason' }]),
		database(REFUSALS_TABLE)
			.where({ channel })
			.orderBy('id', 'desc')
			.limit(REFUSAL_LOG_RECENT)
			.select('refused_at', 'status', 'reason', 'remote_address', 'content_length', 'provider'),
	]);

	const by_reason = (byReason as Array<Record<string, unknown>>).map((row) => ({
		reason: String(row['reason']),
		count: Number(row['n']),
	}));

	return {
		total: by_reason.reduce((sum, row) => sum + row.count, 0),
		by_reason,
		recent: recent.map((row) => ({
			refused_at: toIso(row['refused_at']),
			status: Number(row['status']),
			reason: String(row['reason']),
			remote_address: (row['remote_address'] as string | null) ?? null,
			content_length: row['content_length'] == null ? null : Number(row['content_length']),
			provider: String(row['provider']),
		})),
	};
}

/** Drops entries older than the age limit, then each channel's beyond its cap (its oldest first). */
export async function pruneRefusals(
	database: Knex,
	now = new Date(),
	limits = { perChannel: REFUSAL_LOG_PER_CHANNEL, maxAgeDays: REFUSAL_LOG_MAX_AGE_DAYS },
) {
	const cutoff = new Date(now.getTime() - limits.maxAgeDays * 86_400_000);
	let removed = await database(REFUSALS_TABLE).where('refused_at', '<', dbTime(database, cutoff)).delete();

	const crowded = await database(REFUSALS_TABLE)
		.groupBy('channel')
		.having(database.raw('COUNT(*) > ?', [limits.perChannel]))
		.select('channel');

	for (const { channel } of crowded) {
		const last = await database(REFUSALS_TABLE)
			.where({ channel })
			.orderBy('id', 'desc')
			.offset(limits.perChannel)
			.first('id');

		if (last) removed += await database(REFUSALS_TABLE).where({ channel }).andWhere('id', '<=', last.id).delete();
	}

	return removed;
}
