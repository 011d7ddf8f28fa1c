// One websocket to this Directus (the Studio session cookie authenticates it), subscriptions that survive
// reconnects, and the ping/pong Directus expects. Browser code; the event logic is in shared/live-rows.ts.
import { reconnectDelay, type SubscriptionMessage } from '../shared/live-rows.js';

export interface LiveSubscription {
	collection: string;
	query: Record<string, unknown>;
	onMessage: (message: SubscriptionMessage) => void;
	/** The events wanted (all three by default). */
	events?: ReadonlyArray<'create' | 'update' | 'delete'>;
}

/** `onConnection(true)` once subscribed, `(false)` whenever the socket dropped and a reconnect is pending. */
export function connectLive(
	subscriptions: LiveSubscription[],
	onReconnect: () => void,
	onConnection: (connected: boolean) => void = () => {},
): () => void {
	let socket: WebSocket | null = null;
	let attempt = 0;
	let closed = false;
	let timer: ReturnType<typeof setTimeout> | null = null;

	const open = () => {
		const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/websocket`;
		socket = new WebSocket(url);

		socket.addEventListener('open', () => {
			if (attempt > 0) onReconnect(); // events may have been missed while away
			attempt = 0;
			onConnection(true);

			subscriptions.forEach((subscription, index) => {
				for (const event of subscription.events ?? ['create', 'update', 'delete']) {
					socket!.send(
						JSON.stringify({
							type: 'subscribe',
							uid: `${index}:${event}`,
							collection: subscription.collection,
							event,
							query: subscription.query,
						}),
					);
				}
			});
		});

		socket.addEventListener('message', (event) => {
			const message = JSON.parse(String(event.data));
			if (message.type === 'ping') return socket?.send(JSON.stringify({ type: 'pong' }));
			if (message.type !== 'subscription' || typeof message.uid !== 'string') return;
			const subscription = subscriptions[Number(message.uid.split(':')[0])];
			subscription?.onMessage({ event: message.event, data: Array.isArray(message.data) ? message.data : [] });
		});

		socket.addEventListener('close', () => {
			if (closed) return;
			onConnection(false);
			timer = setTimeout(open, reconnectDelay(attempt++));
		});
	};

	open();

	return () => {
		closed = true;
		if (timer) clearTimeout(timer);
		socket?.close();
	};
}
