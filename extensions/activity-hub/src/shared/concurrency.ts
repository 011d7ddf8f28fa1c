// Bounded concurrency for I/O-bound steps whose order matters to the caller (results come back in input order).

/**
 * Runs `work` over the items with at most `limit` running at once and answers the results in the items' order.
 * After a failure no further item starts; the ones running finish (their side effects are known to the caller)
 * and the first error is thrown.
 */
export async function mapAtMost<T, R>(
	items: readonly T[],
	limit: number,
	work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	let failure: { error: unknown } | null = null;

	const worker = async () => {
		while (!failure && next < items.length) {
			const index = next++;

			try {
				results[index] = await work(items[index]!, index);
			} catch (error) {
				failure ??= { error };
			}
		}
	};

	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
	if (failure) throw (failure as { error: unknown }).error;
	return results;
}

/**
 * `run` made safe to call at any time: never two at once, and a call that arrives while one runs gets one more
 * run after it (what it asked about may have been read before it changed). Calls during a run coalesce into one.
 */
export function coalesced(run: () => Promise<void>): () => Promise<void> {
	let running: Promise<void> | null = null;
	let again = false;

	const start = (): Promise<void> => {
		if (running) {
			again = true;
			return running;
		}

		running = (async () => {
			try {
				do {
					again = false;
					await run().catch(() => {});
				} while (again);
			} finally {
				running = null;
			}
		})();

		return running;
	};

	return start;
}
