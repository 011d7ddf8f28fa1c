// Collects keys and hands them over in one batch after a short quiet period (or once enough are waiting), so a
// bulk import of contacts costs one re-index and one orphan scan, not one per contact.
export class KeyBatcher<K> {
	private pending = new Set<K>();
	private timer: ReturnType<typeof setTimeout> | null = null;
	private running: Promise<void> = Promise.resolve();

	constructor(
		private flush: (keys: K[]) => Promise<void>,
		private delayMs = 200,
		private maxKeys = 5000,
	) {}

	add(keys: K[]) {
		for (const key of keys) this.pending.add(key);
		if (this.pending.size >= this.maxKeys) this.flushNow();
		else this.schedule(this.delayMs);
	}

	/** Resolves when everything added so far has been flushed. */
	async idle(): Promise<void> {
		while (this.pending.size > 0 || this.timer) {
			this.schedule(0);
			await this.running;
			await new Promise((resolve) => setTimeout(resolve, 0));
		}

		await this.running;
	}

	private schedule(delay: number) {
		if (this.timer) clearTimeout(this.timer);
		this.timer = setTimeout(() => this.flushNow(), delay);
	}

	private flushNow() {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		const keys = [...this.pending];
		this.pending.clear();
		if (keys.length === 0) return;
		// One flush at a time, in order.
		this.running = this.running.then(() => this.flush(keys)).catch(() => {});
	}
}
