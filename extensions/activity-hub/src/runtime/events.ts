// Item events on Directus's own emitter, so websocket subscribers (across instances, via the bus) and flows
// see what the bundle writes with plain SQL for speed.
import emitter from '@directus/api/emitter';

export function emitCreated(collection: string, key: string | number, payload: Record<string, unknown>, context: Record<string, unknown>) {
	emitter.emitAction([`${collection}.items.create`, 'items.create'], { collection, key, payload }, context);
}

export function emitUpdated(collection: string, keys: Array<string | number>, payload: Record<string, unknown>, context: Record<string, unknown>) {
	if (keys.length === 0) return;
	emitter.emitAction([`${collection}.items.update`, 'items.update'], { collection, keys, payload }, context);
}
