// Limits and defaults, each defined once: the schema definition (its field defaults), the ingest pipeline, the queue,
// the API, the flow operations and the Studio parts import them from here.

const MB = 1024 * 1024;

/** A channel's limits when its row leaves them empty (also the fields' defaults in the schema). */
export const DEFAULT_CHANNEL_LIMITS = {
	maxRequestBytes: 35 * MB,
	maxFileBytes: 25 * MB,
	maxFiles: 20,
} as const;

/** The most activities one claim may lease (API and flow operation). */
export const MAX_CLAIM = 100;
/** Activities leased by one claim when the caller names no limit: the API's and the flow operation's. */
export const DEFAULT_CLAIM_LIMIT = 1;
export const DEFAULT_FLOW_CLAIM_LIMIT = 10;

/** A lease's length in seconds: bounds and the default of a claim or heartbeat. */
export const MIN_LEASE_SECONDS = 5;
export const MAX_LEASE_SECONDS = 3600;
export const DEFAULT_LEASE_SECONDS = 300;

/** A flow's Claim options (numbers, or text from templates) within the bounds; the defaults where unusable. */
export function flowClaimOptions(options: { limit?: unknown; lease_seconds?: unknown }) {
	const number = (value: unknown, fallback: number) => Number(value ?? fallback) || fallback;

	return {
		limit: Math.min(MAX_CLAIM, Math.max(1, number(options.limit, DEFAULT_FLOW_CLAIM_LIMIT))),
		leaseSeconds: Math.min(
			MAX_LEASE_SECONDS,
			Math.max(MIN_LEASE_SECONDS, number(options.lease_seconds, DEFAULT_LEASE_SECONDS)),
		),
	};
}

/** Attempts before an activity fails for good (the column's default). */
export const DEFAULT_MAX_ATTEMPTS = 5;
/** Minutes after which other agents may take an owner's queued work (agent_preferences' default). */
export const DEFAULT_STALE_MINUTES = 15;

/** A transcript (`processed_data.transcript`): at most this many utterances, each at most this many characters. */
export const MAX_UTTERANCES = 20_000;
export const MAX_UTTERANCE_CHARS = 10_000;
/** Transcripts longer than this many utterances show collapsed in the timeline. */
export const TRANSCRIPT_COLLAPSED_UTTERANCES = 6;
/**
 * The identity index's batching: a contact write waits at most this long (from the first key of a batch, never
 * restarted by later writes) before its addresses are indexed; a batch this large is indexed at once. An ingest on
 * the same instance does not wait at all: it has the pending contacts indexed before it matches.
 */
export const INDEX_MAX_WAIT_MS = 50;
export const INDEX_MAX_BATCH = 2000;
/** A second re-match pass this long after an index change, for activities other instances committed meanwhile. */
export const REMATCH_FOLLOW_UP_MS = 1000;
/** The refusal log (refused webhooks, per channel): entries kept per channel, and for how long. */
export const REFUSAL_LOG_PER_CHANNEL = 1000;
export const REFUSAL_LOG_MAX_AGE_DAYS = 30;
/** Refusals waiting for their batched write, at most; more are dropped (and counted by the metrics). */
export const REFUSAL_LOG_MAX_PENDING = 2000;
/** A channel's refusals written per batch (every REFUSAL_LOG_FLUSH_MS) at most: a flood is sampled, not mirrored. */
export const REFUSAL_LOG_PER_CHANNEL_PER_FLUSH = 10;
export const REFUSAL_LOG_FLUSH_MS = 250;
/** When the refusal log is pruned (one instance per tick; Directus's schedule is synchronised across the cluster). */
export const REFUSAL_LOG_PRUNE_CRON = '0 * * * * *';
/** The channel setup's list of the last refusals. */
export const REFUSAL_LOG_RECENT = 20;

/** Bulk actions: activities per batch (one selection, one statement), and at most this many per run (`more` says if any remain). */
export const BULK_BATCH = 100;
export const BULK_MAX_ITEMS = 5000;
/** Search results per page when the caller names no limit, the most one page may hold, and the longest query. */
export const SEARCH_PAGE = 20;
export const MAX_SEARCH_PAGE = 50;
export const MAX_SEARCH_QUERY = 200;

/** Analytics: the days a report covers when the caller names no range, and the most it may cover. */
export const ANALYTICS_DAYS = 30;
export const MAX_ANALYTICS_DAYS = 366;
/** Outbound messages: how long the sender waits for a provider, and how long its lease on one message lasts. */
/** The sender's lease on one message outlasts its longest send twice over, so a live sender never loses it. */
export const sendLeaseSeconds = (timeoutMs: number) => Math.ceil(timeoutMs / 1000) * 2 + 5;
/** How often each instance looks for queued messages (a reply on this instance wakes its sender at once). */
export const SEND_POLL_MS = 500;
/** How often each instance turns messages of dead senders to `unknown`. */
export const SEND_REAP_MS = 5000;
/** Attempts of one outbound message on transient errors (timeouts before sending, 5xx, 429) before it fails. */
export const MAX_SEND_ATTEMPTS = 5;
/** Messages one sender holds at once: the rest of the database pool stays for the inbound queue and the API. */
export const SEND_CONCURRENCY = 4;
/** A free-form WhatsApp message may follow the customer's last message by this long. */
export const WHATSAPP_WINDOW_HOURS = 24;
/** The most characters of an outbound message's content and subject. */
export const MAX_OUTBOUND_CONTENT = 20_000;
export const MAX_OUTBOUND_SUBJECT = 998;
/** A WhatsApp template's body parameters at most, and the characters of each. */
export const MAX_TEMPLATE_PARAMETERS = 20;
export const MAX_TEMPLATE_PARAMETER = 1024;
