// The lease-based queue as SQL: one atomic statement per claim. PostgreSQL: a CTE with FOR UPDATE … SKIP LOCKED
// (the CTE fences the planner so it never updates more rows than LIMIT). SQLite: a single UPDATE … WHERE id IN
// (SELECT … LIMIT n) RETURNING, atomic under SQLite's single writer.
// Priority: the worker's own activities, then global ones (no owner), then other owners' activities that have
// waited longer than that owner's stale threshold — unless the owner opted out of remote processing.
import type { ActivityType } from './activity.js';

export type Dialect = 'postgres' | 'sqlite';

export interface ClaimOptions {
	worker: string;
	limit: number;
	leaseSeconds: number;
	types?: ActivityType[];
	channels?: string[];
	now: Date;
}

export const DEFAULT_STALE_MINUTES = 15;
export const MAX_CLAIM = 100;
export const MAX_LEASE_SECONDS = 3600;

/** SQL text and bindings for one claim. Timestamps bind as Date (PostgreSQL) or epoch ms (SQLite, as Directus stores them). */
export function claimStatement(dialect: Dialect, options: ClaimOptions): { sql: string; bindings: unknown[] } {
	const time = (date: Date) => (dialect === 'sqlite' ? date.getTime() : date);
	const now = time(options.now);
	const leaseUntil = time(new Date(options.now.getTime() + options.leaseSeconds * 1000));
	const filters: string[] = [];
	const filterBindings: unknown[] = [];
	if (options.types?.length) {
		filters.push(`AND a.type IN (${options.types.map(() => '?').join(', ')})`);
		filterBindings.push(...options.types);
	}
	if (options.channels?.length) {
		filters.push(`AND a.channel IN (${options.channels.map(() => '?').join(', ')})`);
		filterBindings.push(...options.channels);
	}
	const staleBefore =
		dialect === 'postgres'
			? `?::timestamptz - make_interval(mins => COALESCE(p.stale_threshold_minutes, ${DEFAULT_STALE_MINUTES}))`
			: `? - COALESCE(p.stale_threshold_minutes, ${DEFAULT_STALE_MINUTES}) * 60000`;
	const candidates = `
		SELECT a.id FROM activities a
		LEFT JOIN agent_preferences p ON p."user" = a.owner
		WHERE a.attempts < a.max_attempts
		  AND ((a.status = 'raw' AND a.available_at <= ?) OR (a.status = 'processing' AND a.lease_expires_at < ?))
		  AND (a.owner IS NULL OR a.owner = ?
		       OR (COALESCE(p.allow_remote_processing, ${dialect === 'postgres' ? 'true' : '1'}) AND a.available_at <= ${staleBefore}))
		  ${filters.join(' ')}
		ORDER BY CASE WHEN a.owner = ? THEN 0 WHEN a.owner IS NULL THEN 1 ELSE 2 END, a.available_at, a.id
		LIMIT ?`;
	const candidateBindings = [now, now, options.worker, now, ...filterBindings, options.worker, options.limit];
	const token = dialect === 'postgres' ? `gen_random_uuid()::text` : `lower(hex(randomblob(16)))`;
	const set = `status = 'processing', attempts = attempts + 1, lease_owner = ?, lease_token = ${token}, lease_expires_at = ?, date_updated = ?`;
	if (dialect === 'postgres') {
		return {
			sql: `WITH candidates AS (${candidates} FOR UPDATE OF a SKIP LOCKED)
				UPDATE activities SET ${set} FROM candidates WHERE activities.id = candidates.id RETURNING activities.*`,
			bindings: [...candidateBindings, options.worker, leaseUntil, now],
		};
	}
	return {
		sql: `UPDATE activities SET ${set} WHERE id IN (${candidates}) RETURNING *`,
		bindings: [options.worker, leaseUntil, now, ...candidateBindings],
	};
}

/** Exponential backoff with full jitter: base · 2^(attempt-1), capped, times a random factor in [0.5, 1). */
export function retryDelayMs(attempt: number, random = Math.random, baseMs = 10_000, capMs = 3_600_000): number {
	const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(exponential * (0.5 + random() / 2));
}

/** What a failed attempt becomes: back to raw with a delay while attempts remain, else failed (the dead letter). */
export function afterFailure(attempts: number, maxAttempts: number, retry: boolean, now: Date, random = Math.random) {
	if (retry && attempts < maxAttempts) return { status: 'raw' as const, availableAt: new Date(now.getTime() + retryDelayMs(attempts, random)) };
	return { status: 'failed' as const, availableAt: null };
}
