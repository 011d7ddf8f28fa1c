// The item events of each queue transition, decided in one place so a transition emits the same payload whoever
// caused it (the API, a flow operation, the reaper). Payloads name the fields that changed and never the lease token:
// websocket subscribers and flows receive them.
import { QUEUE_STATES, type QueueState } from './states.js';
import { LEASE_EXPIRED_ERROR } from './statements.js';

export type Transition =
	| { kind: 'claimed'; activity: Record<string, unknown> }
	| {
			kind: 'completed';
			id: string;
			processedData: unknown;
			note: { id: number | string; content: string } | null;
	  }
	| { kind: 'failed'; id: string; status: QueueState; lastError: string }
	| { kind: 'expired'; id: string; status: QueueState }
	| { kind: 'retried'; id: string }
	| { kind: 'annotated'; id: string; processedData: Record<string, unknown> };

export interface ItemEvent {
	action: 'create' | 'update';
	collection: string;
	key: string | number;
	payload: Record<string, unknown>;
}

/** The context Directus hands action listeners. */
export type EventContext = { database: unknown; schema: unknown; accountability: unknown };

export type EventSink = (event: ItemEvent, context: EventContext) => void;

const activityUpdate = (id: string, payload: Record<string, unknown>): ItemEvent => ({
	action: 'update',
	collection: 'activities',
	key: id,
	payload,
});

/** What a transition announces. A heartbeat is no transition (the state stays `processing`) and announces nothing. */
export function transitionEvents(transition: Transition): ItemEvent[] {
	switch (transition.kind) {
		case 'claimed': {
			const { activity } = transition;

			return [
				activityUpdate(String(activity['id']), {
					status: QUEUE_STATES.processing,
					lease_owner: activity['lease_owner'],
					lease_expires_at: activity['lease_expires_at'],
					attempts: activity['attempts'],
				}),
			];
		}

		case 'completed': {
			const { id, note } = transition;
			const events = [activityUpdate(id, { status: QUEUE_STATES.completed, processed_data: transition.processedData })];

			if (note)
				events.push({
					action: 'create',
					collection: 'contact_notes',
					key: note.id,
					payload: { activity: id, content: note.content, source: 'agent' },
				});

			return events;
		}

		case 'failed':
			return [activityUpdate(transition.id, { status: transition.status, last_error: transition.lastError })];
		case 'expired':
			return [activityUpdate(transition.id, { status: transition.status, last_error: LEASE_EXPIRED_ERROR })];
		case 'retried':
			return [activityUpdate(transition.id, { status: QUEUE_STATES.queued, attempts: 0 })];
		case 'annotated':
			return [activityUpdate(transition.id, { processed_data: transition.processedData })];
	}
}
