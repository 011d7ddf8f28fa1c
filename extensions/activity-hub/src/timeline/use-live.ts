// The timeline's live subscriptions for as long as the component lives: restarted when its scope changes, closed on
// unmount; `offline` while the socket is away (connectLive reloads once it is back).
import { onBeforeUnmount, ref } from 'vue';
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
