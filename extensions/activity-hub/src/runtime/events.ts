// Item events for what the bundle writes with plain SQL for speed, so websocket subscribers (across instances, via
// the bus) and flows see it as if Directus had written it.
import { emitItemAction } from '../host/directus.js';

export function emitCreated(
	collection: string,
	key: string | number,
	payload: Record<string, unknown>,
	context: Record<string, unknown>,
) {
	emitItemAction('create', collection, { key, payload }, context);
}

export function emitUpdated(
	collection: string,
	keys: Array<string | number>,
	payload: Record<string, unknown>,
	context: Record<string, unknown>,
) {
	if (keys.length === 0) return;
	emitItemAction('update', collection, { keys, payload }, context);
}

export function emitDeleted(collection: string, keys: Array<string | number>, context: Record<string, unknown>) {
	if (keys.length === 0) return;
	emitItemAction('delete', collection, { keys, payload: keys }, context);
}
