// A bounded HTTP load generator on loopback: a fixed number of requests at a fixed concurrency, with latencies.
export interface LoadResult {
	requests: number;
	ok: number;
	seconds: number;
	rps: number;
	p50: number;
	p99: number;
	statuses: Record<number, number>;
}

export async function load(total: number, concurrency: number, send: (index: number) => Promise<Response>): Promise<LoadResult> {
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
	return { requests: total, ok, seconds, rps: total / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), statuses };
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
