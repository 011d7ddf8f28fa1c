// The lease-based queue as SQL: one atomic statement per claim. PostgreSQL: a CTE with FOR UPDATE … SKIP LOCKED
// (the CTE fences the planner so it never updates more rows than LIMIT). SQLite: a single UPDATE … FROM
// (SELECT … LIMIT n) RETURNING, atomic under SQLite's single writer. On both, each priority tier is read in index
// order and limited to n, so a claim costs the same with 10 or 100,000 activities queued. States come from queue/states.ts, inlined as
// literals so the partial indexes on status still match the statements.
// Priority: the worker's own activities, then global ones (no owner), then other owners' activities that have
// waited longer than that owner's stale threshold — unless the owner opted out of remote processing.
import { createHash } from 'node:crypto';
import { PENDING_DELIVERY } from '../../../../../migrations/z0016-activity-hub-outbound-indexes.js';
import { QUEUE_STATES } from '../../queue/states.js';
import type { ActivityType } from '../activity.js';
import { UUID } from '../ids.js';
import { DEFAULT_STALE_MINUTES } from '../limits.js';

export { DEFAULT_STALE_MINUTES, MAX_CLAIM, MAX_LEASE_SECONDS } from '../limits.js';

export type Dialect = 'postgres' | 'sqlite';

/** The sender's claim choice (bindings: now, limit) and its reaper's condition (now), on activities_delivery_pending_idx. */
export const SEND_PICK = `SELECT id FROM activities WHERE ${PENDING_DELIVERY} AND delivery_status = 'queued'
	AND available_at <= ? ORDER BY available_at, id LIMIT ?`;

export const SEND_REAPABLE = `${PENDING_DELIVERY} AND delivery_status = 'sending' AND lease_expires_at < ?`;

export interface ClaimOptions {
	worker: string;
	limit: number;
	leaseSeconds: number;
	types?: ActivityType[];
	channels?: string[];
	now: Date;
}

const { queued: RAW, processing: PROCESSING } = QUEUE_STATES;

/**
 * SQL text and bindings for one claim. Timestamps bind as Date (PostgreSQL) or epoch ms (SQLite, as Directus stores
 * them). `leaseHashes` (at least `limit`, bound as one JSON array) are the SHA-256 of fresh lease tokens: each claimed
 * row takes a different one, so the tokens themselves never reach the database.
 */
export function claimStatement(
	dialect: Dialect,
	options: ClaimOptions,
	leaseHashes: string[],
): { sql: string; bindings: unknown[] } {
	if (leaseHashes.length < options.limit) throw new Error(`a claim of ${options.limit} needs as many lease hashes`);
	const hashes = JSON.stringify(leaseHashes);
	return dialect === 'postgres' ? postgresClaim(options, hashes) : sqliteClaim(options, hashes);
}

function filterSql(options: ClaimOptions) {
	const sql: string[] = [];
	const bindings: unknown[] = [];

	if (options.types?.length) {
		sql.push(`AND a.type IN (${options.types.map(() => '?').join(', ')})`);
		bindings.push(...options.types);
	}

	if (options.channels?.length) {
		sql.push(`AND a.channel IN (${options.channels.map(() => '?').join(', ')})`);
		bindings.push(...options.channels);
	}

	return { sql: sql.join(' '), bindings };
}

/**
 * PostgreSQL: each priority tier is its own index-ordered branch, locked with SKIP LOCKED and limited to n;
 * the UPDATE takes the best n of them. No claim sorts the whole backlog. A worker that is not a user
 * (a flow, "flow:<id>") has no own tier.
 */
function postgresClaim(options: ClaimOptions, hashes: string) {
	const isUser = UUID.test(options.worker);
	const { sql: filters, bindings: filterBindings } = filterSql(options);
	const until = new Date(options.now.getTime() + options.leaseSeconds * 1000);
	const bindings: unknown[] = [];

	const branch = (tier: string, where: string, whereBindings: unknown[], order = 'a.available_at', join = '') => {
		bindings.push(...whereBindings, ...filterBindings, options.limit);
		return `SELECT a.id, ${tier} AS tier, ${order} AS sort_at FROM activities a ${join}
			WHERE ${where} AND a.attempts < a.max_attempts ${filters}
			ORDER BY ${order}, a.id LIMIT ? FOR UPDATE OF a SKIP LOCKED`;
	};

	const preferences = `LEFT JOIN agent_preferences p ON p."user" = a.owner`;
	const remoteAllowed = `COALESCE(p.allow_remote_processing, true)`;
	const branches: string[] = [];
	if (isUser)
		branches.push(
			branch('0', `a.status = '${RAW}' AND a.owner = ?::uuid AND a.available_at <= ?`, [options.worker, options.now]),
		);
	branches.push(branch('1', `a.status = '${RAW}' AND a.owner IS NULL AND a.available_at <= ?`, [options.now]));

	branches.push(
		branch(
			'2',
			`a.status = '${RAW}' AND a.owner IS NOT NULL ${isUser ? 'AND a.owner <> ?::uuid' : ''} AND ${remoteAllowed}
			 AND a.available_at <= ?::timestamptz - make_interval(mins => COALESCE(p.stale_threshold_minutes, ${DEFAULT_STALE_MINUTES}))`,
			isUser ? [options.worker, options.now] : [options.now],
			'a.available_at',
			preferences,
		),
	);

	branches.push(
		branch(
			isUser
				? `CASE WHEN a.owner = ?::uuid THEN 0 WHEN a.owner IS NULL THEN 1 ELSE 2 END`
				: `CASE WHEN a.owner IS NULL THEN 1 ELSE 2 END`,
			`a.status = '${PROCESSING}' AND a.lease_expires_at < ? AND (a.owner IS NULL ${isUser ? 'OR a.owner = ?::uuid' : ''} OR ${remoteAllowed})`,
			isUser ? [options.worker, options.now, options.worker] : [options.now],
			'a.lease_expires_at',
			preferences,
		),
	);

	// Locking clauses are not allowed inside UNION, so each branch is its own CTE.
	const ctes = branches.map((branchSql, index) => `tier${index} AS (${branchSql})`).join(',\n\t\t');
	const union = branches.map((_, index) => `SELECT * FROM tier${index}`).join(' UNION ALL ');

	const sql = `WITH ${ctes},
		candidates AS (${union}),
		picked AS (SELECT id, row_number() OVER () AS n FROM (SELECT id FROM candidates ORDER BY tier, sort_at, id LIMIT ?) best),
		leases AS (SELECT picked.id, t.hash FROM picked
			JOIN json_array_elements_text(?::json) WITH ORDINALITY AS t(hash, n) ON t.n = picked.n)
		UPDATE activities SET status = '${PROCESSING}', attempts = attempts + 1, lease_owner = ?, lease_token = leases.hash,
			lease_expires_at = ?, date_updated = ?
		FROM leases WHERE activities.id = leases.id RETURNING activities.*`;

	return { sql, bindings: [...bindings, options.limit, hashes, options.worker, until, options.now] };
}

/**
 * SQLite: one UPDATE … FROM (SELECT … LIMIT n) RETURNING, atomic under SQLite's single writer. As on PostgreSQL,
 * each priority tier is its own index-ordered branch limited to n (the worker's own, unowned, other owners' stale
 * ones; expired leases, few, sorted on their own), and the best n of them are taken: no claim sorts the backlog.
 * The order is the one a single sort of every candidate by (tier, available_at, id) would give.
 */
function sqliteClaim(options: ClaimOptions, hashes: string) {
	const { sql: filters, bindings: filterBindings } = filterSql(options);
	const now = options.now.getTime();
	const until = now + options.leaseSeconds * 1000;
	const bindings: unknown[] = [];
	const preferences = `LEFT JOIN agent_preferences p ON p."user" = a.owner`;

	const stale = `(COALESCE(p.allow_remote_processing, 1) AND a.available_at <= ? - COALESCE(p.stale_threshold_minutes, ${DEFAULT_STALE_MINUTES}) * 60000)`;

	const branch = (tier: string, where: string, whereBindings: unknown[], join = '', order = 'a.available_at, a.id') => {
		bindings.push(...whereBindings, ...filterBindings, options.limit);
		return `SELECT * FROM (SELECT a.id, ${tier} AS tier, a.available_at AS sort_at FROM activities a ${join}
			WHERE ${where} AND a.attempts < a.max_attempts ${filters} ORDER BY ${order} LIMIT ?)`;
	};

	const branches = [
		branch('0', `a.status = '${RAW}' AND a.owner = ? AND a.available_at <= ?`, [options.worker, now]),
		branch('1', `a.status = '${RAW}' AND a.owner IS NULL AND a.available_at <= ?`, [now]),
		branch(
			'2',
			`a.status = '${RAW}' AND a.owner IS NOT NULL AND a.owner <> ? AND a.available_at <= ? AND ${stale}`,
			[options.worker, now, now],
			preferences,
		),
		branch(
			`CASE WHEN a.owner = ? THEN 0 WHEN a.owner IS NULL THEN 1 ELSE 2 END`,
			`a.status = '${PROCESSING}' AND a.lease_expires_at < ? AND (a.owner IS NULL OR a.owner = ? OR ${stale})`,
			[options.worker, now, options.worker, now],
			preferences,
			'tier, a.available_at, a.id',
		),
	];

	const candidates = `SELECT id FROM (${branches.join(' UNION ALL ')}) ORDER BY tier, sort_at, id LIMIT ?`;

	return {
		// RETURNING * of an UPDATE … FROM names the activities' columns only.
		sql: `UPDATE activities SET status = '${PROCESSING}', attempts = attempts + 1, lease_owner = ?, lease_token = leases.hash,
			lease_expires_at = ?, date_updated = ?
			FROM (SELECT picked.id, t.value AS hash FROM (SELECT id, row_number() OVER () AS n FROM (${candidates})) picked
				JOIN json_each(?) t ON t.key + 1 = picked.n) AS leases
			WHERE activities.id = leases.id RETURNING *`,
		bindings: [options.worker, until, now, ...bindings, options.limit, hashes],
	};
}

/**
 * A knex-style statement (`?` placeholders) as a named PostgreSQL prepared statement (`$1…`), so hot statements —
 * the claim has four locking CTEs — are planned once per connection instead of on every call.
 */
export function preparedPostgres(sql: string, bindings: unknown[], prefix = 'activity_hub_claim') {
	let index = 0;
	const text = sql.replace(/\?/g, () => `$${++index}`);
	if (index !== bindings.length)
		throw new Error(`claim statement has ${index} placeholders for ${bindings.length} values`);
	return { name: `${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text, values: bindings };
}

/** RETURNING gives rows in storage order: hand the batch to the worker in priority order. */
export function inClaimOrder<T extends { owner?: unknown; available_at?: unknown; id?: unknown }>(
	rows: T[],
	worker: string,
): T[] {
	/** The worker's own first, then unowned, then other owners' (work stealing). */
	const tier = (row: T) => {
		if (row.owner === worker) return 0;
		return row.owner == null ? 1 : 2;
	};

	const time = (row: T) => new Date(row.available_at as string | number).getTime() || 0;
	return [...rows].sort((a, b) => tier(a) - tier(b) || time(a) - time(b) || String(a.id).localeCompare(String(b.id)));
}

/** Exponential backoff with full jitter: base · 2^(attempt-1), capped, times a random factor in [0.5, 1). */
export function retryDelayMs(attempt: number, random = Math.random, baseMs = 10_000, capMs = 3_600_000): number {
	const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(exponential * (0.5 + random() / 2));
}

/** What a failed attempt becomes: back to raw with a delay while attempts remain, else failed (the dead letter). */
export function afterFailure(attempts: number, maxAttempts: number, retry: boolean, now: Date, random = Math.random) {
	if (retry && attempts < maxAttempts)
		return { status: RAW, availableAt: new Date(now.getTime() + retryDelayMs(attempts, random)) };
	return { status: QUEUE_STATES.failed, availableAt: null };
}
