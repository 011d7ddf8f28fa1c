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

/** Search results per page when the caller names no limit, the most one page may hold, and the longest query. */
export const SEARCH_PAGE = 20;
export const MAX_SEARCH_PAGE = 50;
export const MAX_SEARCH_QUERY = 200;

/** Analytics: the days a report covers when the caller names no range, and the most it may cover. */
export const ANALYTICS_DAYS = 30;
export const MAX_ANALYTICS_DAYS = 366;
