// The activity queue. Every transition runs its fenced statement (queue/statements.ts) and then emits its events
// (queue/events.ts): the API, the flow operations and the reaper all go through activityQueue(), so a transition
// looks the same to subscribers whoever caused it.
import type { Knex } from 'knex';
import type { ClaimOptions } from '../shared/node/queue.js';
import type { Accountability } from '../runtime/context.js';
import { type EventSink, type Transition, transitionEvents } from './events.js';
import { directusSink } from './sink.js';
import * as statements from './statements.js';
import { hubMetrics } from '../metrics/index.js';

export { type Completion, type CompletionResult, LeaseLost } from './statements.js';
export { QUEUE_STATES, type QueueState } from './states.js';
import { QUEUE_STATES } from './states.js';
export { directusSink } from './sink.js';
export { deliveryQueue, type LeasedMessage } from './delivery.js';

export interface QueueScope {
	database: Knex;
	/** The schema handed to event listeners, asked for only when a transition emits (getSchema() clones it whole). */
	schema: () => unknown;
	/** Who caused the transitions, as event listeners see it (null for flows and the reaper). */
	accountability: Accountability | null;
	/** Where the events go: Directus's emitter unless a caller listens itself. */
	sink?: EventSink;
}

export function activityQueue(scope: QueueScope) {
	const { database } = scope;
	const sink = scope.sink ?? directusSink;

	const emit = async (transitions: Transition[]) => {
		if (transitions.length === 0) return;
		const context = { database, schema: await scope.schema(), accountability: scope.accountability };
		for (const transition of transitions) for (const event of transitionEvents(transition)) sink(event, context);
	};

	const completed = (item: statements.Completion, noteId: number | string | null): Transition => ({
		kind: 'completed',
		id: item.id,
		processedData: item.processed_data ?? {},
		note: noteId != null && item.note ? { id: noteId, content: item.note } : null,
	});

	const retryMany = async (ids: string[]) => {
		const retried = await statements.retryFailed(database, ids);
		await emit(retried.map((id): Transition => ({ kind: 'retried', id })));
		return retried;
	};

	return {
		/** Activities with their plaintext lease tokens: the only time a token is seen. */
		async claim(options: ClaimOptions) {
			const activities = await statements.claim(database, options);
			hubMetrics().claimed(activities.length);
			await emit(activities.map((activity) => ({ kind: 'claimed', activity })));
			return activities;
		},

		heartbeat: (id: string, token: string, leaseSeconds: number) =>
			statements.heartbeat(database, id, token, leaseSeconds),

		/** Per item `completed` or LEASE_LOST, in the order given. */
		async completeMany(items: statements.Completion[]) {
			const results = await statements.completeMany(database, items);

			hubMetrics().completed(
				results.flatMap((result) => ('error' in result ? [] : [statements.receivedAtOf.get(result) ?? null])),
			);

			await emit(
				results.flatMap((result, index) => ('error' in result ? [] : [completed(items[index]!, result.note)])),
			);

			return results;
		},

		/** Throws LeaseLost when the lease expired or belongs to another worker. */
		async complete(id: string, token: string, processedData: unknown, note: string | null) {
			const result = await statements.complete(database, id, token, processedData, note);
			hubMetrics().completed([result.receivedAt]);
			await emit([completed({ id, lease_token: token, processed_data: processedData, note }, result.noteId)]);
			return result;
		},

		/** processed_data merged under the lease, which stays held; throws LeaseLost as complete does. */
		async annotate(id: string, token: string, patch: Record<string, unknown>) {
			const processedData = await statements.annotate(database, id, token, patch);
			await emit([{ kind: 'annotated', id, processedData }]);
			return processedData;
		},

		/** Throws LeaseLost when the lease expired or belongs to another worker. */
		async fail(id: string, token: string, error: string, retry: boolean) {
			const result = await statements.fail(database, id, token, error, retry);
			const dead = result.status === QUEUE_STATES.failed;
			hubMetrics().failed(dead ? 'failed' : 'retry');
			if (dead) hubMetrics().deadLettered(1);
			await emit([{ kind: 'failed', id, status: result.status, lastError: error }]);
			return result;
		},

		/** Expired leases back to raw, or to failed at max_attempts. */
		async reap() {
			const reaped = await statements.reap(database);
			hubMetrics().leaseExpired(reaped.length);
			hubMetrics().deadLettered(reaped.filter((row) => row.status === QUEUE_STATES.failed).length);
			await emit(reaped.map((row) => ({ kind: 'expired', id: String(row.id), status: row.status })));
			return reaped;
		},

		/** A failed activity back to raw; false when it was not failed. */
		retry: async (id: string) => (await retryMany([id])).length > 0,

		/** Failed activities back to raw; answers those that were failed (the others are left alone). */
		retryMany,

		/** Completed or failed activities back to raw, to be worked again; never a leased one. */
		async requeueMany(ids: string[]) {
			const requeued = await statements.requeue(database, ids);
			await emit(requeued.map((id): Transition => ({ kind: 'retried', id })));
			return requeued;
		},
	};
}
