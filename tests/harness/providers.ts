// A local HTTP server speaking Twilio's Messages API and WhatsApp's Cloud API as documented (test doubles for
// services outside this machine): it records every send and answers per recipient as the test says.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
	path: string;
	authorization: string;
	form: Record<string, string>;
	json: any;
}

export type Behaviour = (attempt: number, res: ServerResponse, received: Received) => void;

/** Twilio's and WhatsApp's send APIs as documented, answering per recipient as the test says. */
export async function providerServer() {
	const received: Received[] = [];
	const behaviours = new Map<string, Behaviour>();
	const attempts = new Map<string, number>();
	const held: ServerResponse[] = [];
	let sid = 0;

	const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));

		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			const twilio = /^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(req.url ?? '');
			const form = twilio ? Object.fromEntries(new URLSearchParams(text)) : {};
			const json = twilio ? null : JSON.parse(text || 'null');

			const entry: Received = {
				path: req.url ?? '',
				authorization: String(req.headers.authorization ?? ''),
				form,
				json,
			};

			received.push(entry);
			const to = twilio ? form['To']! : String(json?.to);
			const attempt = (attempts.get(to) ?? 0) + 1;
			attempts.set(to, attempt);
			const behaviour = behaviours.get(to);
			if (behaviour) return behaviour(attempt, res, entry);
			res.writeHead(twilio ? 201 : 200, { 'content-type': 'application/json' });
			const id = twilio ? `SM${String(++sid).padStart(32, '0')}` : `wamid.TEST${++sid}`;
			res.end(JSON.stringify(twilio ? { sid: id, status: 'queued' } : { messages: [{ id }] }));
		});
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		received,
		behaviours,
		held,
		to: (number: string) => received.filter((r) => (r.form['To'] ?? r.json?.to) === number),
		close: () => {
			for (const res of held) res.destroy();
			server.closeAllConnections();
			return new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A JSON answer of `status`. */
export const answer = (res: ServerResponse, status: number, body: unknown) => {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
};
