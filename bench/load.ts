// A bounded HTTP load generator on loopback: a fixed number of requests at a fixed concurrency, with latencies.
export interface LoadResult {
	requests: number;
	ok: number;
	seconds: number;
	rps: number;
	p50: number;
	p99: number;
	statuses: Record<number, number>;
	latencies: number[];
}

export async function load(
	total: number,
	concurrency: number,
	send: (index: number) => Promise<Response>,
): Promise<LoadResult> {
	const latencies: number[] = [];
	const statuses: Record<number, number> = {};
	let next = 0;
	let ok = 0;
	const started = performance.now();

	const worker = async () => {
		for (;;) {
			const index = next++;
			if (index >= total) return;
			const begin = performance.now();
			const response = await send(index);
			await response.arrayBuffer();
			latencies.push(performance.now() - begin);
			statuses[response.status] = (statuses[response.status] ?? 0) + 1;
			if (response.ok) ok++;
		}
	};

	await Promise.all(Array.from({ length: concurrency }, worker));
	const seconds = (performance.now() - started) / 1000;
	return {
		requests: total,
		ok,
		seconds,
		rps: total / seconds,
		p50: percentile(latencies, 0.5),
		p99: percentile(latencies, 0.99),
		statuses,
		latencies,
	};
}

/** Several runs of `load` as one: totals, and percentiles over every request. */
export function combine(results: LoadResult[]): LoadResult {
	const latencies = results.flatMap((result) => result.latencies);
	const statuses: Record<number, number> = {};

	for (const result of results)
		for (const [status, count] of Object.entries(result.statuses))
			statuses[Number(status)] = (statuses[Number(status)] ?? 0) + count;

	const requests = results.reduce((sum, result) => sum + result.requests, 0);
	const seconds = results.reduce((sum, result) => sum + result.seconds, 0);

	return {
		requests,
		ok: results.reduce((sum, result) => sum + result.ok, 0),
		seconds,
		rps: requests / seconds,
		p50: percentile(latencies, 0.5),
		p99: percentile(latencies, 0.99),
		statuses,
		latencies,
	};
}

export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/** `workers` loops calling `step` (which returns how many jobs it finished, 0 when the queue is empty). */
export async function drain(workers: number, step: () => Promise<number>): Promise<{ done: number; seconds: number }> {
	let done = 0;
	const started = performance.now();

	await Promise.all(
		Array.from({ length: workers }, async () => {
			for (let finished = await step(); finished > 0; finished = await step()) done += finished;
		}),
	);

	return { done, seconds: (performance.now() - started) / 1000 };
}

/** A websocket client subscribed to activity creations: when each activity's event arrived (performance.now()). */
export async function subscribe(url: string, token: string) {
	const socket = new WebSocket(`${url.replace('http', 'ws')}/websocket`);
	const arrived = new Map<string, number>();
	const waiting = new Map<string, (at: number) => void>();

	socket.addEventListener('message', (event) => {
		const at = performance.now();
		const message = JSON.parse(String(event.data));
		if (message.type === 'ping') return socket.send(JSON.stringify({ type: 'pong' }));
		if (message.type !== 'subscription' || message.event !== 'create') return;

		for (const item of message.data ?? []) {
			arrived.set(item.id, at);
			waiting.get(item.id)?.(at);
		}
	});

	await new Promise((resolve) => socket.addEventListener('open', resolve));
	socket.send(JSON.stringify({ type: 'auth', access_token: token }));
	await new Promise((resolve) => setTimeout(resolve, 200));

	socket.send(
		JSON.stringify({
			type: 'subscribe',
			collection: 'activities',
			event: 'create',
			uid: 'bench',
			query: { fields: ['id'] },
		}),
	);

	await new Promise((resolve) => setTimeout(resolve, 300));
	return {
		arrival(id: string): Promise<number> {
			const known = arrived.get(id);
			if (known !== undefined) return Promise.resolve(known);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no websocket event for ${id}`)), 10_000);

				waiting.set(id, (at) => {
					clearTimeout(timer);
					resolve(at);
				});
			});
		},
		close: () => socket.close(),
	};
}
