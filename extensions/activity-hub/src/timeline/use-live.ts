// The timeline's live subscriptions for as long as the component lives: restarted when its scope changes, closed on
// unmount; `offline` while the socket is away (connectLive reloads once it is back). And whether the contact a
// timeline shows still exists: deleted, erased or merged into another one while its page is open, the timeline says
// so instead of showing rows that are no longer its.
import { useApi } from '@directus/extensions-sdk';
import { onBeforeUnmount, ref, watch } from 'vue';
import type { ItemId } from '../shared/rows.js';
import { connectLive, type LiveSubscription } from './live.js';

export function useLive() {
	const offline = ref(false);
	let stop: (() => void) | null = null;

	function start(subscriptions: LiveSubscription[], onReconnect: () => void) {
		stop?.();
		stop = connectLive(subscriptions, onReconnect, (connected) => (offline.value = !connected));
	}

	onBeforeUnmount(() => stop?.());
	return { offline, start };
}

/**
 * `gone` turns true once the contact is deleted (a merge and an erasure delete it too): told by the websocket's delete
 * event, or — for a deletion while the socket was away — by the contact no longer being readable after a reconnect.
 */
export function useContactGone(collection: () => string, contact: () => ItemId | null) {
	const api = useApi();
	const gone = ref(false);
	let stop: (() => void) | null = null;

	async function check(id: ItemId) {
		try {
			await api.get(`/items/${collection()}/${id}`, { params: { fields: ['id'] } });
		} catch (e) {
			const status = (e as { response?: { status?: number } }).response?.status;
			// Directus answers 403 for an item that does not exist (as for one the user may not read, who saw it a
			// moment ago), 404 on some routes.
			if (contact() === id && (status === 403 || status === 404)) gone.value = true;
		}
	}

	watch(
		[collection, contact],
		([name, id]) => {
			stop?.();
			stop = null;
			gone.value = false;
			if (id == null || id === '' || id === '+') return;

			stop = connectLive(
				[
					{
						collection: name,
						// Directus sends a delete event's keys to every delete subscriber of the collection.
						query: { fields: ['id'] },
						events: ['delete'],
						onMessage: (message) => {
							const keys = message.data.map((key) =>
								String(typeof key === 'object' && key ? (key as { id: ItemId }).id : key),
							);

							if (message.event === 'delete' && keys.includes(String(id))) gone.value = true;
						},
					},
				],
				() => void check(id),
			);
		},
		{ immediate: true },
	);

	onBeforeUnmount(() => stop?.());
	return { gone };
}
