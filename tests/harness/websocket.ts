// A Directus websocket client for tests: every message it receives, kept in order, after an authenticated open.
export async function openSocket(url: string, token: string) {
	const socket = new WebSocket(`${url.replace('http', 'ws')}/websocket`);
	const messages: any[] = [];
	let authenticated: (ok: boolean) => void;
	const auth = new Promise<boolean>((resolve) => (authenticated = resolve));

	socket.addEventListener('message', (event) => {
		const message = JSON.parse(String(event.data));
		messages.push(message);
		if (message.type === 'auth') authenticated(message.status === 'ok');
	});

	await new Promise((resolve) => socket.addEventListener('open', resolve));
	socket.send(JSON.stringify({ type: 'auth', access_token: token }));
	if (!(await auth)) throw new Error(`websocket: authentication refused (${JSON.stringify(messages.at(-1))})`);
	return { socket, messages };
}
