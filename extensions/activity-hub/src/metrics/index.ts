// Activity Hub's Prometheus metrics, defined once: every `activity_hub_*` series, its labels and its help, and the
// small typed API the pipeline, the queue and the media fetcher record through (`hubMetrics`). With Directus's
// METRICS_ENABLED the setup hook registers them into Directus's own prom-client registry (host/directus.ts), so they
// appear on Directus's `/metrics` beside `directus_*`, under its token rules; otherwise every recording is a no-op.
//
// Across instances: each process counts what it did itself (counters and the histogram are per-process series). A
// Prometheus scraping every instance gets one series per instance (its `instance` label) and sums them
// (`sum by (result) (rate(activity_hub_webhook_requests_total[5m]))`); under PM2, Directus's own aggregation
// (AggregatorRegistry) sums the workers' counters and histograms into one answer. The gauges are different: each
// instance reads the same database, so they are declared with the `max` aggregator (PM2 keeps one value, not the
// sum of the workers') and are read across instances with `max`, never `sum`.
import type * as PromClient from 'prom-client';

export const METRIC_PREFIX = 'activity_hub_';

/** What a webhook request came to: stored, a duplicate of a stored one, or refused with the reply's code. */
export type WebhookResult = 'accepted' | 'duplicate' | (string & {});
/** The label of a request whose channel is unknown or disabled (its path is never a label: no cardinality attack). */
export const UNKNOWN_CHANNEL = 'unknown';

/** Seconds from received (stored) to completed: a queue's latency, from a second to a day. */
export const COMPLETION_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400];

/** What the gauges show, read on each scrape from the database (runtime/health.ts, through the partial indexes). */
export interface QueueGauges {
	byStatus: Record<string, number>;
	oldestQueuedSeconds: number;
}

export interface HubMetrics {
	/** Metrics are registered (Directus's METRICS_ENABLED): recordings count. */
	readonly enabled: boolean;
	webhook(channel: string | null, provider: string | null, result: WebhookResult): void;
	/** Activities leased by a claim. */
	claimed(count: number): void;
	/** Completions, each with when its activity was received (ISO), for the received → completed histogram. */
	completed(receivedAt: Array<string | null>, now?: Date): void;
	/** Failures reported by workers: `retry` goes back to the queue, `failed` does not. */
	failed(outcome: 'retry' | 'failed', count?: number): void;
	/** Leases the reaper found expired. */
	leaseExpired(count: number): void;
	/** Activities that reached `failed` for good (a failure without retry, attempts exhausted, an expired last lease). */
	deadLettered(count: number): void;
	/** Provider media (Twilio, WhatsApp) that could not be fetched after the activity was stored. */
	mediaFetchFailed(provider: string, count?: number): void;
	/** A mailbox channel's sync attempt that failed, and why (mailbox/client.ts's reasons, or CONFIG). */
	mailboxSyncFailed(channel: string, reason: string): void;
	/** An outbound send attempt and how it ended (the sender's decision: sent, queued again, failed, unknown). */
	outboundSent(channel: string, result: 'sent' | 'failed' | (string & {})): void;
	/** Refusal-log entries dropped because the write buffer was full (the reply never waits for the log). */
	refusalsDropped(count: number): void;
}

type Registry = PromClient.Registry;

const name = (suffix: string) => `${METRIC_PREFIX}${suffix}`;

/**
 * Registers the metrics into `registry` (Directus's global one in production) and returns the recording API.
 * `readGauges` answers the gauges; it is called at most once per `gaugeTtlMs` however many scrapes ask.
 * Registering again (an extension reload) replaces the previous registration.
 */
export function registerHubMetrics(
	prom: Pick<typeof PromClient, 'Counter' | 'Gauge' | 'Histogram'>,
	registry: Registry,
	readGauges: () => Promise<QueueGauges>,
	gaugeTtlMs = 5000,
): HubMetrics {
	const registers = [registry];

	const fresh = <T>(metricName: string, create: () => T): T => {
		registry.removeSingleMetric(metricName);
		return create();
	};

	const counter = <L extends string>(suffix: string, help: string, labelNames: readonly L[] = []) =>
		fresh(
			name(suffix),
			() => new prom.Counter<L>({ name: name(suffix), help, labelNames: [...labelNames], registers }),
		);

	const webhooks = counter(
		'webhook_requests_total',
		'Webhook requests by channel, provider and result (accepted, duplicate or the refusal code)',
		['channel', 'provider', 'result'] as const,
	);

	const claims = counter('claims_total', 'Activities leased by claims');
	const completions = counter('completions_total', 'Activities completed');

	const failures = counter('failures_total', 'Failures reported by workers, by outcome (retry or failed)', [
		'outcome',
	] as const);

	const expiries = counter('lease_expiries_total', 'Leases that expired before their worker completed or failed them');
	const deadLetters = counter('dead_letters_total', 'Activities that reached failed for good (no retry left)');

	const mediaFailures = counter('media_fetch_failures_total', 'Provider media files that could not be fetched', [
		'provider',
	] as const);

	const mailboxFailures = counter(
		'mailbox_sync_failures_total',
		'Mailbox channel syncs that failed, by channel and reason',
		['channel', 'reason'] as const,
	);

	const outbound = counter('outbound_sends_total', 'Outbound sends by channel and result', [
		'channel',
		'result',
	] as const);

	const dropped = counter('refusal_log_dropped_total', 'Refusal-log entries dropped because the write buffer was full');

	const latency = fresh(
		name('received_to_completed_seconds'),
		() =>
			new prom.Histogram({
				name: name('received_to_completed_seconds'),
				help: 'Seconds from an activity being received to its completion',
				buckets: COMPLETION_BUCKETS,
				registers,
			}),
	);

	let cached: { at: number; value: Promise<QueueGauges> } | null = null;

	const gauges = () => {
		if (!cached || Date.now() - cached.at > gaugeTtlMs) {
			const value = readGauges();
			cached = { at: Date.now(), value };
			value.catch(() => (cached = null));
		}

		return cached.value;
	};

	fresh(
		name('activities'),
		() =>
			new prom.Gauge({
				name: name('activities'),
				help: 'Activities by queue status (raw = queued), read from the database',
				labelNames: ['status'],
				aggregator: 'max',
				registers,
				async collect() {
					const { byStatus } = await gauges();
					for (const [status, count] of Object.entries(byStatus)) this.set({ status }, count);
				},
			}),
	);

	fresh(
		name('oldest_queued_age_seconds'),
		() =>
			new prom.Gauge({
				name: name('oldest_queued_age_seconds'),
				help: 'Age in seconds of the queued activity waiting longest (0 when nothing waits)',
				aggregator: 'max',
				registers,
				async collect() {
					this.set((await gauges()).oldestQueuedSeconds);
				},
			}),
	);

	const positive = (count: number) => Number.isFinite(count) && count > 0;

	return {
		enabled: true,
		webhook: (channel, provider, result) =>
			webhooks.inc({ channel: channel ?? UNKNOWN_CHANNEL, provider: provider ?? UNKNOWN_CHANNEL, result }),
		claimed: (count) => positive(count) && claims.inc(count),
		completed(receivedAt, now = new Date()) {
			if (receivedAt.length === 0) return;
			completions.inc(receivedAt.length);

			for (const at of receivedAt) {
				const received = at ? Date.parse(at) : NaN;
				if (!Number.isNaN(received)) latency.observe(Math.max(0, (now.getTime() - received) / 1000));
			}
		},
		failed: (outcome, count = 1) => positive(count) && failures.inc({ outcome }, count),
		leaseExpired: (count) => positive(count) && expiries.inc(count),
		deadLettered: (count) => positive(count) && deadLetters.inc(count),
		mediaFetchFailed: (provider, count = 1) => positive(count) && mediaFailures.inc({ provider }, count),
		mailboxSyncFailed: (channel, reason) => mailboxFailures.inc({ channel, reason }),
		outboundSent: (channel, result) => outbound.inc({ channel, result }),
		refusalsDropped: (count) => positive(count) && dropped.inc(count),
	};
}

const noop = () => {};

/** Before (or without) METRICS_ENABLED: every recording does nothing. */
export const DISABLED_METRICS: HubMetrics = {
	enabled: false,
	webhook: noop,
	claimed: noop,
	completed: noop,
	failed: noop,
	leaseExpired: noop,
	deadLettered: noop,
	mediaFetchFailed: noop,
	mailboxSyncFailed: noop,
	outboundSent: noop,
	refusalsDropped: noop,
};

let current: HubMetrics = DISABLED_METRICS;

/** The process's metrics: what every recorder calls (a no-op until the setup hook enables them). */
export const hubMetrics = (): HubMetrics => current;

/** Makes `metrics` the process's recorder (the setup hook, once METRICS_ENABLED is known; tests). */
export function useHubMetrics(metrics: HubMetrics) {
	current = metrics;
}
