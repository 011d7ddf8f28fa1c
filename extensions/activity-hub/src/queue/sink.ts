// Where queue transitions announce themselves by default (the inbound queue's and the sender's alike).
import { emitCreated, emitUpdated } from '../runtime/events.js';
import type { EventSink } from './events.js';

/** Directus's global emitter: websocket subscribers (across instances, via the bus) and flows hear it. */
export const directusSink: EventSink = (event, context) => {
	if (event.action === 'create') emitCreated(event.collection, event.key, event.payload, context);
	else emitUpdated(event.collection, [event.key], event.payload, context);
};
