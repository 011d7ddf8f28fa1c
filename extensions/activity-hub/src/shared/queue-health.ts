// What GET /activity-hub/queue/health answers: read by runtime/health.ts, shown by the Queue health panel.
export interface QueueHealth {
	queued: number;
	processing: number;
	failed: number;
	completed_last_hour: number;
	/** Completions per minute, averaged over the last 15 minutes. */
	throughput_per_minute: number;
	/** Age in seconds of the queued activity waiting longest (null when nothing waits). */
	oldest_queued_seconds: number | null;
	recent_failures: Array<{
		id: string;
		type: string;
		subject: string | null;
		channel: string | null;
		/** The channel's name, so a failure says where it came from (null when the channel is gone). */
		channel_name: string | null;
		last_error: string | null;
		attempts: number;
		failed_at: string | null;
	}>;
	measured_at: string;
}
