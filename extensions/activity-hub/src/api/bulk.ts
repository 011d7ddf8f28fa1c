// Bulk actions: POST /activity-hub/activities/bulk runs retry, requeue, convert-to-note or link over the activities
// a Directus filter selects (shared/bulk.ts), through the same actions.ts functions the single-activity routes call.
// A dry run answers the count; a run selects through Directus's ItemsService with the caller's permissions, in
// batches by id, never a leased activity, and answers per item. It stops between batches when cancelled — by
// POST /activities/bulk/cancel on any instance (Directus's bus carries it), or when the caller goes away.
import { randomUUID } from 'node:crypto';
import { publishToCluster, subscribeToCluster } from '../host/directus.js';
import { QUEUE_STATES } from '../queue/index.js';
import type { HubContext } from '../runtime/context.js';
import { type BulkAction, bulkFilter, parseBulkRequest } from '../shared/bulk.js';
import { HubError, InvalidPayloadError } from '../shared/errors.js';
import { UUID } from '../shared/ids.js';
import { BULK_BATCH, BULK_MAX_ITEMS } from '../shared/limits.js';
import { linkActivity, noteFromActivity, requeueActivities, retryActivities } from './actions.js';
import { type Caller, requireAdmin, requireUser } from './http.js';

export type BulkItemResult =
	| { id: string; result: 'retried' | 'requeued' | 'linked' }
	| { id: string; result: 'noted'; note: string | number; created: boolean }
	| { id: string; result: 'skipped' | 'error'; code: string; message?: string };

export interface BulkRun {
	action: BulkAction;
	job: string;
	processed: number;
	succeeded: number;
	skipped: number;
	failed: number;
	cancelled: boolean;
	/** More activities match than one run takes (BULK_MAX_ITEMS): run it again for the rest. */
	more: boolean;
	results: BulkItemResult[];
}

const CANCEL_CHANNEL = 'activity-hub:bulk-cancel';

/** Runs in this process, by job id, with who started them. */
const running = new Map<string, { user: string; abort: AbortController }>();
/** Cancels that arrived before their run started (the two requests raced), kept for a minute. */
const early = new Map<string, CancelMessage>();
const EARLY_CANCEL_MS = 60_000;
let listening: Promise<void> | null = null;

type CancelMessage = { job: string; user: string; admin: boolean };

const mayCancel = (message: CancelMessage, user: string) => message.admin || message.user === user;

/** Subscribes this process to cancels from any instance (once; at the endpoint's start, so no cancel passes it by). */
export function listenForCancels() {
	listening ??= subscribeToCluster<CancelMessage>(CANCEL_CHANNEL, (message) => {
		const run = running.get(message.job);
		if (run && mayCancel(message, run.user)) return run.abort.abort();
		if (run) return;
		early.set(message.job, message);
		setTimeout(() => early.delete(message.job), EARLY_CANCEL_MS).unref();
	}).catch((error) => {
		listening = null;
		throw error;
	});

	return listening;
}

/** Asks every instance to stop the run `job` (its starter or an admin may) after the batch it is in. */
export async function cancelBulk(caller: Caller, job: unknown) {
	requireUser(caller.accountability);
	await listenForCancels();
	if (typeof job !== 'string' || !UUID.test(job)) throw new InvalidPayloadError('job must be a UUID');
	const { user, admin } = caller.accountability;
	await publishToCluster<CancelMessage>(CANCEL_CHANNEL, { job, user, admin: admin === true });
	return { job, cancel_requested: true };
}

type Items = {
	readByQuery(query: Record<string, unknown>): Promise<Array<Record<string, unknown>>>;
};

export async function bulkActivities(ctx: HubContext, caller: Caller, body: unknown, signal?: AbortSignal) {
	const request = parseBulkRequest(body);
	const { action, filter } = request;
	if (action === 'retry' || action === 'requeue') requireAdmin(caller.accountability);
	else requireUser(caller.accountability);
	const db = ctx.database;

	// The caller's own read permissions decide what the filter can select.
	const items = new ctx.services.ItemsService('activities', {
		schema: caller.schema,
		accountability: caller.accountability,
		knex: db,
	}) as unknown as Items;

	// Directus offers no range operators on UUIDs, so a run pages by offset in id order: after each batch the
	// offset moves past the rows of it that still match (a retried row leaves the selection, a linked one may
	// stay), and ids already handled are never handled twice.
	const select = (offset: number, limit: number) =>
		items.readByQuery({ filter: bulkFilter(action, filter), fields: ['id'], sort: ['id'], limit, offset });

	const count = async (only: string[] | null = null) => {
		const [row] = await items.readByQuery({ filter: bulkFilter(action, filter, only), aggregate: { count: ['*'] } });
		return Number(row?.['count'] ?? 0);
	};

	if (request.dryRun) {
		const total = await count();

		return {
			action,
			dry_run: true,
			count: total,
			batch_size: BULK_BATCH,
			batches: Math.ceil(Math.min(total, BULK_MAX_ITEMS) / BULK_BATCH),
			max_per_run: BULK_MAX_ITEMS,
		};
	}

	const job = request.job ?? randomUUID();
	if (running.has(job)) throw new HubError(409, 'BULK_RUNNING', 'A bulk run with this job id is running');
	await listenForCancels();
	const abort = new AbortController();
	const user = caller.accountability!.user!;
	running.set(job, { user, abort });
	const cancelledEarly = early.get(job);
	early.delete(job);
	if (cancelledEarly && mayCancel(cancelledEarly, user)) abort.abort();
	const stop = () => abort.abort();
	signal?.addEventListener('abort', stop);

	const run: BulkRun = {
		action,
		job,
		processed: 0,
		succeeded: 0,
		skipped: 0,
		failed: 0,
		cancelled: false,
		more: false,
		results: [],
	};

	try {
		let offset = 0;
		const seen = new Set<string>();

		while (run.processed < BULK_MAX_ITEMS) {
			if (abort.signal.aborted) {
				run.cancelled = true;
				break;
			}

			const page = (await select(offset, Math.min(BULK_BATCH, BULK_MAX_ITEMS - run.processed))).map((row) =>
				String(row['id']),
			);

			if (page.length === 0) break;
			const ids = page.filter((id) => !seen.has(id));
			for (const id of ids) seen.add(id);

			if (ids.length) {
				for (const result of await runBatch(ctx, caller, request, ids)) {
					run.results.push(result);
					run.processed++;
					if (result.result === 'skipped') run.skipped++;
					else if (result.result === 'error') run.failed++;
					else run.succeeded++;
				}
			}

			offset += page.length - ids.length + (ids.length ? await count(ids) : 0);
		}

		if (!run.cancelled && run.processed >= BULK_MAX_ITEMS)
			run.more = (await select(offset, 1)).some((row) => !seen.has(String(row['id'])));

		return run;
	} finally {
		running.delete(job);
		signal?.removeEventListener('abort', stop);
	}
}

const failure = (id: string, error: unknown): BulkItemResult => {
	if (error instanceof HubError) return { id, result: 'error', code: error.code, message: error.message };
	return { id, result: 'error', code: 'INTERNAL', message: 'The action failed on this activity' };
};

/** One batch through the single-activity actions; each id answers once, in order. */
async function runBatch(
	ctx: HubContext,
	caller: Caller,
	request: ReturnType<typeof parseBulkRequest>,
	ids: string[],
): Promise<BulkItemResult[]> {
	const db = ctx.database;

	if (request.action === 'retry' || request.action === 'requeue') {
		const changed = new Set(
			request.action === 'retry' ? await retryActivities(db, caller, ids) : await requeueActivities(db, caller, ids),
		);

		const done = request.action === 'retry' ? 'retried' : 'requeued';
		// Changed by someone else since the selection (claimed, retried, completed): left as it is.
		return ids.map((id) => (changed.has(id) ? { id, result: done } : { id, result: 'skipped', code: 'STATE_CHANGED' }));
	}

	// Note and link change no queue state, so they check the lease themselves just before each item.
	const statuses = new Map(
		(await db('activities').whereIn('id', ids).select('id', 'status')).map((row: Record<string, unknown>) => [
			String(row['id']),
			row['status'],
		]),
	);

	const results: BulkItemResult[] = [];

	for (const id of ids) {
		if (statuses.get(id) === QUEUE_STATES.processing) {
			results.push({ id, result: 'skipped', code: 'LEASED' });
			continue;
		}

		try {
			if (request.action === 'convert_to_note') {
				const note = await noteFromActivity(ctx, caller, id);
				results.push({ id, result: 'noted', note: note.id, created: note.created });
			} else {
				await linkActivity(ctx, caller, id, request.contact, request.addAddress);
				results.push({ id, result: 'linked' });
			}
		} catch (error) {
			results.push(failure(id, error));
		}
	}

	return results;
}
