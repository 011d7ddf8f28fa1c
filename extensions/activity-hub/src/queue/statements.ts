// The queue's statements against the database, each fenced by the lease token. They emit nothing: callers go through
// queue/index.ts, which pairs every transition with its events.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { hashKey } from '../shared/node/keys.js';
import {
	afterFailure,
	type ClaimOptions,
	claimStatement,
	inClaimOrder,
	preparedPostgres,
} from '../shared/node/queue.js';
import { activityFromRow, dbTime, dialectOf, toIso } from '../runtime/context.js';
import { groupCommit, perDatabase } from './group.js';
import { QUEUE_STATES } from './states.js';
import { LeaseLost } from '../shared/errors.js';
import { transcriptText } from '../shared/transcript.js';
import { mergedProcessedData } from '../runtime/transcripts.js';

const { queued: RAW, processing: PROCESSING, completed: COMPLETED, failed: FAILED } = QUEUE_STATES;

export { LeaseLost } from '../shared/errors.js';

export const LEASE_EXPIRED_ERROR = 'Lease expired: the worker stopped heartbeating';

/**
 * What the lease_token column holds: the SHA-256 of the token only the claimer received, as for ingestion keys. A
 * read of the row (REST, GraphQL, websocket, revisions) therefore yields nothing that completes the lease.
 */
export const leaseTokenHash = (token: string) => hashKey(token);

/** Fresh random tokens with their hashes, one per activity a claim may take. */
function newLeases(count: number) {
	const bytes = randomBytes(32 * count);

	return Array.from({ length: count }, (_, index) => {
		const token = bytes.subarray(index * 32, (index + 1) * 32).toString('base64url');
		return { token, hash: leaseTokenHash(token) };
	});
}

const rowsOf = (result: any): Record<string, unknown>[] => (Array.isArray(result) ? result : (result?.rows ?? []));

/** Claims up to `limit` activities; each comes back with the plaintext lease token, which is stored nowhere. */
export function claim(database: Knex, options: ClaimOptions): Promise<Record<string, unknown>[]> {
	const grouped = groupedClaims(database);
	if (!grouped || options.limit > GROUPED_UP_TO) return claimNow(database, options);
	// Claims merge only with claims of the same worker and filters: their priority tiers are the same.
	const key = JSON.stringify([options.worker, options.leaseSeconds, options.types ?? [], options.channels ?? []]);
	return grouped(key, options);
}

/** Concurrent claims of one shape become one statement of their summed limits, its rows dealt out in claim order. */
const groupedClaims = perDatabase((database) =>
	groupCommit<ClaimOptions, Record<string, unknown>[]>({
		joins: (gathered, next) =>
			gathered.reduce((sum, options) => sum + options.limit, next.limit) <= MAX_GROUPED &&
			Math.abs(gathered[0]!.now.getTime() - next.now.getTime()) <= 1000,
		run: async (batch) => {
			if (batch.length === 1) return [await claimNow(database, batch[0]!)];
			const latest = batch.reduce((at, options) => Math.max(at, options.now.getTime()), 0);

			const rows = await claimNow(database, {
				...batch[0]!,
				limit: batch.reduce((sum, options) => sum + options.limit, 0),
				now: new Date(latest),
			});

			let next = 0;
			return batch.map((options) => rows.slice(next, (next += options.limit)));
		},
	}),
);

/**
 * Small calls merge, up to this many rows in one statement; larger ones have already spread a statement's fixed
 * cost and run on their own, side by side on PostgreSQL's pool.
 */
const GROUPED_UP_TO = 16;
const MAX_GROUPED = 64;

async function claimNow(database: Knex, options: ClaimOptions) {
	const dialect = dialectOf(database);
	const leases = newLeases(options.limit);
	const tokenOf = new Map(leases.map((lease) => [lease.hash, lease.token]));

	const { sql, bindings } = claimStatement(
		dialect,
		options,
		leases.map((lease) => lease.hash),
	);

	const rows =
		dialect === 'postgres'
			? await preparedQuery(database, preparedPostgres(sql, bindings))
			: rowsOf(await database.raw(sql, bindings as any[]));

	const activities = rows.map((row) => {
		const activity = activityFromRow(row);
		activity['lease_token'] = tokenOf.get(String(row['lease_token']));
		return activity;
	});

	return inClaimOrder(activities, options.worker);
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

function fenced(query: Knex.QueryBuilder, id: string, tokenHash: string, now: Date, database: Knex) {
	return query
		.where({ id, status: PROCESSING, lease_token: tokenHash })
		.andWhere('lease_expires_at', '>', dbTime(database, now));
}

export async function heartbeat(database: Knex, id: string, token: string, leaseSeconds: number, now = new Date()) {
	const until = new Date(now.getTime() + leaseSeconds * 1000);

	const changed = await fenced(database('activities'), id, leaseTokenHash(token), now, database).update({
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
 * When each completed activity was received (ISO), for the metrics' received → completed histogram; kept beside the
 * results (never in them: they are the API's reply) and read by queue/index.ts.
 */
export const receivedAtOf = new WeakMap<CompletionResult, string | null>();

/**
 * Complete many activities with one fenced statement: each row changes only while its own lease token is current
 * and unexpired; the others are reported as LEASE_LOST and change nothing. Notes, when asked for, are written in
 * the same transaction (one note per activity).
 */
export function completeMany(database: Knex, items: Completion[], now = new Date()): Promise<CompletionResult[]> {
	const grouped = groupedCompletions(database);
	// Notes are written in a transaction of their own.
	if (!grouped || items.length === 0 || items.length > GROUPED_UP_TO || items.some((item) => item.note))
		return completeNow(database, items, now);
	return grouped('complete', { items, now });
}

/**
 * Concurrent completions without notes become one fenced statement. Calls merge only when they name different
 * activities, so each activity's result belongs to exactly one call.
 */
const groupedCompletions = perDatabase((database) =>
	groupCommit<{ items: Completion[]; now: Date }, CompletionResult[]>({
		joins: (gathered, next) => {
			const ids = new Set(gathered.flatMap((call) => call.items.map((item) => item.id)));

			return (
				ids.size + next.items.length <= MAX_GROUPED &&
				Math.abs(gathered[0]!.now.getTime() - next.now.getTime()) <= 1000 &&
				!next.items.some((item) => ids.has(item.id))
			);
		},
		run: async (batch) => {
			if (batch.length === 1) return [await completeNow(database, batch[0]!.items, batch[0]!.now)];
			const latest = batch.reduce((at, call) => Math.max(at, call.now.getTime()), 0);

			const results = await completeNow(
				database,
				batch.flatMap((call) => call.items),
				new Date(latest),
			);

			let next = 0;
			return batch.map((call) => results.slice(next, (next += call.items.length)));
		},
	}),
);

async function completeNow(database: Knex, items: Completion[], now: Date): Promise<CompletionResult[]> {
	const withNotes = items.some((item) => item.note);

	const run = async (db: Knex) => {
		const postgres = dialectOf(db) === 'postgres';
		const t = dbTime(db, now);

		// PostgreSQL: the completions as one JSON parameter, so the statement's text (prepared once per connection)
		// is the same for any number of them. SQLite: one SELECT per completion.
		const source = postgres
			? `SELECT * FROM json_to_recordset(?::json) AS r(id uuid, token text, processed json, transcript text)`
			: items
					.map((_, i) =>
						i === 0 ? `SELECT ? AS id, ? AS token, ? AS processed, ? AS transcript` : `SELECT ?, ?, ?, ?`,
					)
					.join(' UNION ALL ');

		// The transcript's plain text beside it, for the timeline's search.
		const plain = (item: Completion) =>
			transcriptText((item.processed_data as { transcript?: unknown } | undefined)?.transcript) || null;

		const values = postgres
			? [
					JSON.stringify(
						items.map((item) => ({
							id: item.id,
							token: leaseTokenHash(item.lease_token),
							processed: item.processed_data ?? {},
							transcript: plain(item),
						})),
					),
				]
			: items.flatMap((item) => [
					item.id,
					leaseTokenHash(item.lease_token),
					JSON.stringify(item.processed_data ?? {}),
					plain(item),
				]);

		const sql = `UPDATE activities SET status = '${COMPLETED}', processed_data = v.processed, transcript_text = v.transcript, completed_at = ?, lease_token = NULL,
			   lease_expires_at = NULL, last_error = NULL, date_updated = ?
			 FROM (${source}) AS v
			 WHERE activities.id = v.id AND activities.status = '${PROCESSING}' AND activities.lease_token = v.token AND activities.lease_expires_at > ?
			 RETURNING activities.id, activities.contact, activities.date_created`;

		const bindings = [t, t, ...values, t];

		// Outside a transaction (no notes) the statement can run prepared on any pooled connection.
		const updated = (
			postgres && !withNotes
				? await preparedQuery(db, preparedPostgres(sql, bindings, 'activity_hub_complete'))
				: rowsOf(await db.raw(sql, bindings as any[]))
		) as Array<{ id: string; contact: number | string | null; date_created: unknown }>;

		const contactOf = new Map(updated.map((row) => [String(row.id), row.contact]));
		const receivedOf = new Map(updated.map((row) => [String(row.id), toIso(row.date_created)]));
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

			const result: CompletionResult = {
				id: item.id,
				status: COMPLETED,
				note: notes.get(item.id) ?? null,
				...(skipped ? { note_skipped: skipped } : {}),
			};

			receivedAtOf.set(result, receivedOf.get(item.id) ?? null);
			return result;
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
	return {
		noteId: result.note,
		noteSkipped: Boolean(result.note_skipped),
		receivedAt: receivedAtOf.get(result) ?? null,
	};
}

/**
 * Merges `patch` into a leased activity's processed_data while the lease stays held (a Transcribe recording step
 * before the summary); the processed_data written comes back. Throws LeaseLost as any fenced transition does.
 */
export async function annotate(
	database: Knex,
	id: string,
	token: string,
	patch: Record<string, unknown>,
	now = new Date(),
): Promise<Record<string, unknown>> {
	const tokenHash = leaseTokenHash(token);

	return database.transaction(async (trx) => {
		const query = fenced(trx('activities').select('processed_data'), id, tokenHash, now, trx);
		const row = await (dialectOf(trx) === 'postgres' ? query.forUpdate() : query).first();
		if (!row) throw new LeaseLost();
		const { processed, transcriptText: plain } = mergedProcessedData(row.processed_data, patch);

		await trx('activities')
			.where({ id, lease_token: tokenHash })
			.update({ processed_data: JSON.stringify(processed), transcript_text: plain, date_updated: dbTime(trx, now) });

		return processed;
	});
}

export async function fail(database: Knex, id: string, token: string, error: string, retry: boolean, now = new Date()) {
	const tokenHash = leaseTokenHash(token);

	return database.transaction(async (trx) => {
		const query = fenced(trx('activities').select('attempts', 'max_attempts'), id, tokenHash, now, trx);
		const row = await (dialectOf(trx) === 'postgres' ? query.forUpdate() : query).first();
		if (!row) throw new LeaseLost();
		const next = afterFailure(Number(row.attempts), Number(row.max_attempts), retry, now);

		await trx('activities')
			.where({ id, lease_token: tokenHash })
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
			`UPDATE activities SET status = CASE WHEN attempts >= max_attempts THEN '${FAILED}' ELSE '${RAW}' END,
			   lease_token = NULL, lease_expires_at = NULL, available_at = ?, date_updated = ?, last_error = ?
			 WHERE status = '${PROCESSING}' AND lease_expires_at < ? RETURNING id, status`,
			[t, t, LEASE_EXPIRED_ERROR, t],
		),
	);

	return rows as Array<{ id: string; status: typeof RAW | typeof FAILED }>;
}

/**
 * An admin's retry: failed activities back to raw with their attempts reset; answers the ids that were failed (only
 * those change — a leased, queued or completed one is left as it is).
 */
export async function retryFailed(database: Knex, ids: string[], now = new Date()) {
	return backToQueue(database, ids, [FAILED], now);
}

/** Requeue: completed or failed activities back to raw (attempts reset) to be worked again; never a leased one. */
export async function requeue(database: Knex, ids: string[], now = new Date()) {
	return backToQueue(database, ids, [COMPLETED, FAILED], now);
}

async function backToQueue(database: Knex, ids: string[], from: string[], now: Date): Promise<string[]> {
	if (ids.length === 0) return [];
	const t = dbTime(database, now);

	const rows = await database('activities').whereIn('id', ids).whereIn('status', from).update(
		{
			status: RAW,
			attempts: 0,
			available_at: t,
			lease_token: null,
			lease_expires_at: null,
			completed_at: null,
			date_updated: t,
		},
		['id'],
	);

	return (rows as Array<{ id: string }>).map((row) => String(row.id));
}
