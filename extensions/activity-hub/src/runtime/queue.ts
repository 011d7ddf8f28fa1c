// Queue transitions against the database, each fenced by the lease token and emitting item events.
import type { Knex } from 'knex';
import { AGENT_POLICY_ID } from '../../../../migrations/z0002-activity-hub-agent-access.js';
import { afterFailure, type ClaimOptions, claimStatement, inClaimOrder, preparedPostgres } from '../shared/queue.js';
import { type Accountability, activityFromRow, dbTime, dialectOf, toIso } from './context.js';

export class LeaseLost extends Error {}

const rowsOf = (result: any): Record<string, unknown>[] => (Array.isArray(result) ? result : (result?.rows ?? []));

export async function claim(database: Knex, options: ClaimOptions) {
	const dialect = dialectOf(database);
	const { sql, bindings } = claimStatement(dialect, options);

	const rows =
		dialect === 'postgres'
			? await preparedQuery(database, preparedPostgres(sql, bindings))
			: rowsOf(await database.raw(sql, bindings as any[]));

	return inClaimOrder(rows.map(activityFromRow), options.worker);
}

/** Runs a named prepared statement on a pooled PostgreSQL connection (knex has no prepared-statement API). */
async function preparedQuery(database: Knex, statement: { name: string; text: string; values: unknown[] }) {
	const client = database.client as {
		acquireConnection(): Promise<any>;
		releaseConnection(connection: any): Promise<void>;
	};

	const connection = await client.acquireConnection();

	try {
		return (await connection.query(statement)).rows as Record<string, unknown>[];
	} finally {
		await client.releaseConnection(connection);
	}
}

function fenced(query: Knex.QueryBuilder, id: string, token: string, now: Date, database: Knex) {
	return query
		.where({ id, status: 'processing', lease_token: token })
		.andWhere('lease_expires_at', '>', dbTime(database, now));
}

export async function heartbeat(database: Knex, id: string, token: string, leaseSeconds: number, now = new Date()) {
	const until = new Date(now.getTime() + leaseSeconds * 1000);

	const changed = await fenced(database('activities'), id, token, now, database).update({
		lease_expires_at: dbTime(database, until),
	});

	if (changed === 0) throw new LeaseLost();
	return { lease_expires_at: until.toISOString() };
}

export interface Completion {
	id: string;
	lease_token: string;
	processed_data?: unknown;
	note?: string | null;
}

export type CompletionResult =
	| { id: string; status: 'completed'; note: number | string | null; note_skipped?: string }
	| { id: string; error: 'LEASE_LOST' };

/**
 * Complete many activities with one fenced statement: each row changes only while its own lease token is current
 * and unexpired; the others are reported as LEASE_LOST and change nothing. Notes, when asked for, are written in
 * the same transaction (one note per activity).
 */
export async function completeMany(database: Knex, items: Completion[], now = new Date()): Promise<CompletionResult[]> {
	const withNotes = items.some((item) => item.note);

	const run = async (db: Knex) => {
		const postgres = dialectOf(db) === 'postgres';
		const t = dbTime(db, now);
		const cast = (value: string, type: string) => (postgres ? `${value}::${type}` : value);

		const source = items
			.map((_, i) =>
				i === 0
					? `SELECT ${cast('?', 'uuid')} AS id, ${cast('?', 'text')} AS token, ${cast('?', 'json')} AS processed`
					: `SELECT ${cast('?', 'uuid')}, ?, ${cast('?', 'json')}`,
			)
			.join(' UNION ALL ');

		const values = items.flatMap((item) => [item.id, item.lease_token, JSON.stringify(item.processed_data ?? {})]);

		const sql = `UPDATE activities SET status = 'completed', processed_data = v.processed, completed_at = ?, lease_token = NULL,
			   lease_expires_at = NULL, last_error = NULL, date_updated = ?
			 FROM (${source}) AS v
			 WHERE activities.id = v.id AND activities.status = 'processing' AND activities.lease_token = v.token AND activities.lease_expires_at > ?
			 RETURNING activities.id, activities.contact`;

		const bindings = [t, t, ...values, t];

		// Outside a transaction (no notes) the statement can run prepared on any pooled connection.
		const updated = (
			postgres && !withNotes
				? await preparedQuery(db, preparedPostgres(sql, bindings, 'activity_hub_complete'))
				: rowsOf(await db.raw(sql, bindings as any[]))
		) as Array<{ id: string; contact: number | string | null }>;

		const contactOf = new Map(updated.map((row) => [String(row.id), row.contact]));
		const notes = new Map<string, number | string | null>();

		const noteRows = items
			.filter((item) => item.note && contactOf.has(item.id) && contactOf.get(item.id) != null)
			.map((item) => ({
				contact: contactOf.get(item.id),
				content: item.note,
				activity: item.id,
				source: 'agent',
				author: null,
				date_created: t,
			}));

		if (noteRows.length) {
			await db('contact_notes').insert(noteRows).onConflict('activity').ignore();

			const stored = await db('contact_notes')
				.select('id', 'activity')
				.whereIn(
					'activity',
					noteRows.map((row) => row.activity),
				);

			for (const note of stored) notes.set(String(note.activity), note.id);
		}

		return items.map((item): CompletionResult => {
			if (!contactOf.has(item.id)) return { id: item.id, error: 'LEASE_LOST' };
			const skipped = item.note && contactOf.get(item.id) == null ? 'activity has no contact' : undefined;
			return {
				id: item.id,
				status: 'completed',
				note: notes.get(item.id) ?? null,
				...(skipped ? { note_skipped: skipped } : {}),
			};
		});
	};

	return withNotes ? database.transaction((trx) => run(trx)) : run(database);
}

/** One completion; throws LeaseLost when the lease expired or belongs to another worker. */
export async function complete(
	database: Knex,
	id: string,
	token: string,
	processedData: unknown,
	note: string | null,
	now = new Date(),
) {
	const [result] = await completeMany(database, [{ id, lease_token: token, processed_data: processedData, note }], now);
	if (!result || 'error' in result) throw new LeaseLost();
	return { noteId: result.note, noteSkipped: Boolean(result.note_skipped) };
}

export async function fail(database: Knex, id: string, token: string, error: string, retry: boolean, now = new Date()) {
	return database.transaction(async (trx) => {
		const query = fenced(trx('activities').select('attempts', 'max_attempts'), id, token, now, trx);
		const row = await (dialectOf(trx) === 'postgres' ? query.forUpdate() : query).first();
		if (!row) throw new LeaseLost();
		const next = afterFailure(Number(row.attempts), Number(row.max_attempts), retry, now);

		await trx('activities')
			.where({ id, lease_token: token })
			.update({
				status: next.status,
				available_at: next.availableAt ? dbTime(trx, next.availableAt) : undefined,
				last_error: error.slice(0, 10_000),
				lease_token: null,
				lease_expires_at: null,
				date_updated: dbTime(trx, now),
			});

		return { status: next.status, available_at: next.availableAt?.toISOString() ?? null };
	});
}

/** Expired leases back to raw (the attempt was counted at claim) or, at max_attempts, to failed. */
export async function reap(database: Knex, now = new Date()) {
	const t = dbTime(database, now);

	const rows = rowsOf(
		await database.raw(
			`UPDATE activities SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'raw' END,
			   lease_token = NULL, lease_expires_at = NULL, available_at = ?, date_updated = ?,
			   last_error = 'Lease expired: the worker stopped heartbeating'
			 WHERE status = 'processing' AND lease_expires_at < ? RETURNING id, status`,
			[t, t, t],
		),
	);

	return rows as Array<{ id: string; status: string }>;
}

export async function retryFailed(database: Knex, id: string, now = new Date()) {
	const changed = await database('activities')
		.where({ id, status: 'failed' })
		.update({
			status: 'raw',
			attempts: 0,
			available_at: dbTime(database, now),
			lease_token: null,
			lease_expires_at: null,
			date_updated: dbTime(database, now),
		});

	return changed > 0;
}

const agentCache = new Map<string, { agent: boolean; expires: number }>();

/** Admins and holders of the Activity Hub Agent policy (through a role or directly) may work the queue. */
export async function isAgent(database: Knex, accountability: Accountability | null | undefined): Promise<boolean> {
	if (!accountability?.user) return false;
	if (accountability.admin) return true;
	const cacheKey = `${accountability.user}:${(accountability.roles ?? [accountability.role]).join(',')}`;
	const cached = agentCache.get(cacheKey);
	if (cached && cached.expires > Date.now()) return cached.agent;

	const roles = (accountability.roles ?? (accountability.role ? [accountability.role] : [])).filter(
		Boolean,
	) as string[];

	const row = await database('directus_access')
		.where({ policy: AGENT_POLICY_ID })
		.andWhere((q) => {
			q.where('user', accountability.user!);
			if (roles.length) q.orWhereIn('role', roles);
		})
		.first();

	agentCache.set(cacheKey, { agent: Boolean(row), expires: Date.now() + 30_000 });
	return Boolean(row);
}

export async function isAgentUser(database: Knex, accountability: Accountability | null | undefined) {
	return Boolean(accountability?.user) && !accountability?.admin && (await isAgent(database, accountability));
}

export interface QueueHealth {
	queued: number;
	processing: number;
	failed: number;
	completed_last_hour: number;
	/** Completions per minute, averaged over the last 15 minutes. */
	throughput_per_minute: number;
	/** Age in seconds of the queued activity waiting longest (null when nothing waits). */
	oldest_queued_seconds: number | null;
	recent_failures: Array<{
		id: string;
		type: string;
		channel: string | null;
		last_error: string | null;
		attempts: number;
		failed_at: string | null;
	}>;
	measured_at: string;
}

/** What the Queue health panel shows; every read is served by one of the queue's partial indexes. */
export async function queueHealth(database: Knex, now = new Date()): Promise<QueueHealth> {
	const since = (minutes: number) => dbTime(database, new Date(now.getTime() - minutes * 60_000));
	const count = async (query: Knex.QueryBuilder) => Number((await query.count({ n: '*' }).first())?.['n'] ?? 0);

	const [queued, processing, failed, completed, oldest, failures] = await Promise.all([
		count(database('activities').where({ status: 'raw' })),
		count(database('activities').where({ status: 'processing' })),
		count(database('activities').where({ status: 'failed' })),
		// One range read of the last hour's completions answers both the hour and the last 15 minutes.
		database('activities')
			.where({ status: 'completed' })
			.andWhere('completed_at', '>=', since(60))
			.first(
				database.raw('COUNT(*) AS last_hour'),
				database.raw('SUM(CASE WHEN completed_at >= ? THEN 1 ELSE 0 END) AS last_15', [since(15)]),
			),
		database('activities')
			.where({ status: 'raw' })
			.orderBy('available_at', 'asc')
			.first('available_at', 'date_created'),
		database('activities')
			.where({ status: 'failed' })
			.orderBy('date_updated', 'desc')
			.limit(10)
			.select('id', 'type', 'channel', 'last_error', 'attempts', 'date_updated'),
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
			channel: (row['channel'] as string | null) ?? null,
			last_error: (row['last_error'] as string | null) ?? null,
			attempts: Number(row['attempts'] ?? 0),
			failed_at: toIso(row['date_updated']),
		})),
		measured_at: now.toISOString(),
	};
}
