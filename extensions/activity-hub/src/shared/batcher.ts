// Collects keys and hands them over in batches: a batch starts with its first key and is flushed at most `maxWaitMs`
// later (later keys join it but never postpone it) or at once when `maxKeys` wait, so a bulk import of contacts costs
// one flush per batch, not one per contact, and a steady stream of writes is flushed every `maxWaitMs`. `settle()`
// flushes what waits now and tells when everything added so far has been flushed (read-your-writes for callers that
// must see the keys' effect).
export class KeyBatcher<K> {
	private pending = new Set<K>();
	private timer: ReturnType<typeof setTimeout> | null = null;
	private running: Promise<void> = Promise.resolve();
	private inFlight = 0;

	constructor(
		private flush: (keys: K[]) => Promise<void>,
		private maxWaitMs = 50,
		private maxKeys = 5000,
	) {}

	add(keys: K[]) {
		for (const key of keys) this.pending.add(key);
		if (this.pending.size >= this.maxKeys) this.flushNow();
		else if (this.pending.size > 0 && !this.timer) this.timer = setTimeout(() => this.flushNow(), this.maxWaitMs);
	}

	/**
	 * Flushes the waiting keys now; resolves when every key added before the call has been flushed (failed flushes
	 * included). Null when nothing waits or runs: a caller on a hot path then need not await anything.
	 */
	settle(): Promise<void> | null {
		if (this.pending.size > 0) this.flushNow();
		return this.inFlight > 0 ? this.running : null;
	}

	/** Resolves when everything added so far has been flushed. */
	async idle(): Promise<void> {
		for (let wait = this.settle(); wait; wait = this.settle()) await wait;
	}

	private flushNow() {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		const keys = [...this.pending];
		this.pending.clear();
		if (keys.length === 0) return;
		this.inFlight++;

		// One flush at a time, in order.
		this.running = this.running
			.then(() => this.flush(keys))
			.catch(() => {})
			.finally(() => this.inFlight--);
	}
}
