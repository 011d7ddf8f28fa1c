// The refusal log's write buffer: refusals are recorded without waiting (the ingest reply never waits for the log)
// and written in batches. Bounded twice: at most `maxPending` wait at any time, and at most `perChannel` of one
// channel go into one batch, so a flood against one channel is sampled and cannot crowd out the others. What does
// not fit is counted, never written.

export interface Refusal {
	channel: string;
	provider: string;
	/** The HTTP status the request was answered with. */
	status: number;
	/** The reply's error code (KEY_INVALID, SIGNATURE_INVALID, TOO_LARGE, …). */
	reason: string;
	remote_address: string | null;
	/** The declared Content-Length (null when absent, as for chunked bodies). */
	content_length: number | null;
	refused_at: Date;
}

export class RefusalBuffer {
	private pending: Refusal[] = [];
	private perChannel = new Map<string, number>();
	/** Refusals dropped since the last take (the buffer was full, or the channel's share of the batch). */
	dropped = 0;

	constructor(private limits: { maxPending: number; perChannel: number }) {}

	get size() {
		return this.pending.length;
	}

	/** Keeps the refusal for the next batch; false when it was dropped. */
	add(refusal: Refusal): boolean {
		const taken = this.perChannel.get(refusal.channel) ?? 0;

		if (this.pending.length >= this.limits.maxPending || taken >= this.limits.perChannel) {
			this.dropped++;
			return false;
		}

		this.perChannel.set(refusal.channel, taken + 1);
		this.pending.push(refusal);
		return true;
	}

	/** The batch to write, and how many were dropped since the last one; the buffer starts empty again. */
	take(): { refusals: Refusal[]; dropped: number } {
		const taken = { refusals: this.pending, dropped: this.dropped };
		this.pending = [];
		this.perChannel.clear();
		this.dropped = 0;
		return taken;
	}
}

/** What a request declared as its length: a non-negative integer, else null (absent, chunked, or garbage). */
export function declaredLength(header: unknown): number | null {
	if (typeof header !== 'string' || !/^\d{1,16}$/.test(header.trim())) return null;
	return Math.min(Number(header.trim()), Number.MAX_SAFE_INTEGER);
}

/** An address as it may be stored: bounded, and only the characters an IPv4 or IPv6 address has. */
export function storableAddress(address: unknown): string | null {
	if (typeof address !== 'string' || !address) return null;
	return /^[0-9a-fA-F:.%]{1,64}$/.test(address) ? address : null;
}
