// The public vocabulary of activities (field values are a contract used by agents, flows and docs).
export const ACTIVITY_TYPES = ['email', 'call', 'sms', 'whatsapp', 'meeting', 'file', 'note', 'other'] as const;
export const DIRECTIONS = ['inbound', 'outbound'] as const;
export const STATUSES = ['raw', 'processing', 'completed', 'failed'] as const;
export const MATCH_STATUSES = ['matched', 'unmatched', 'ambiguous'] as const;
export const PROVIDERS = [
	'generic',
	'twilio',
	'postmark',
	'mailgun',
	'sendgrid',
	'whatsapp',
	'upload',
	'zoom',
	'calcom',
	'calendly',
	'imap',
] as const;
/** Providers whose activities are e-mails: each stores a message_id and a thread_key (shared/threads.ts). */
export const EMAIL_PROVIDERS = ['postmark', 'mailgun', 'sendgrid', 'imap'] as const satisfies readonly Provider[];
/** Providers that read a mailbox instead of taking webhooks. */
export const MAILBOX_PROVIDERS = ['imap'] as const satisfies readonly Provider[];

export type ActivityType = (typeof ACTIVITY_TYPES)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type ActivityStatus = (typeof STATUSES)[number];
export type MatchStatus = (typeof MATCH_STATUSES)[number];
export type Provider = (typeof PROVIDERS)[number];

/** What an activity or a channel is when nothing says otherwise (also the schema's column defaults). */
export const ACTIVITY_DEFAULTS = {
	type: 'note',
	direction: 'inbound',
	status: 'raw',
	matchStatus: 'unmatched',
	provider: 'generic',
} as const satisfies {
	type: ActivityType;
	direction: Direction;
	status: ActivityStatus;
	matchStatus: MatchStatus;
	provider: Provider;
};

export const isActivityType = (value: unknown): value is ActivityType =>
	typeof value === 'string' && (ACTIVITY_TYPES as readonly string[]).includes(value);
export const isDirection = (value: unknown): value is Direction =>
	typeof value === 'string' && (DIRECTIONS as readonly string[]).includes(value);
export const isMailboxProvider = (value: unknown): value is (typeof MAILBOX_PROVIDERS)[number] =>
	typeof value === 'string' && (MAILBOX_PROVIDERS as readonly string[]).includes(value);
export const isProvider = (value: unknown): value is Provider =>
	typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);

/** Who the channel setup's test events come from: a reserved (.invalid) address no provider delivers from. */
export const TEST_SENDER = 'test@activity-hub.invalid';
/**
 * Where an outbound message is (activities.delivery_status; null on inbound activities). `queued` waits for the
 * sender, `sending` holds its lease, `unknown` is a send that may or may not have reached the provider (a crash or a
 * timeout after the request went out): never re-sent without a person deciding (Retry or Mark as sent).
 */
export const DELIVERY_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'unknown'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const isDeliveryStatus = (value: unknown): value is DeliveryStatus =>
	typeof value === 'string' && (DELIVERY_STATUSES as readonly string[]).includes(value);

/** How far a message got: a provider's callback may only move it forward (failed ranks with sent: undelivered). */
const DELIVERY_RANK: Record<DeliveryStatus, number> = {
	queued: 0,
	sending: 1,
	unknown: 1,
	sent: 2,
	failed: 2,
	delivered: 3,
	read: 4,
};

/**
 * The status after a provider's callback reports `incoming`: out-of-order callbacks never move a message backwards
 * (a late `sent` after `delivered` changes nothing); `failed` after `sent` is the provider's undelivered. Null: no
 * change.
 */
export function advanceDelivery(current: DeliveryStatus | null, incoming: DeliveryStatus): DeliveryStatus | null {
	if (current === incoming) return null;
	if (current === null) return incoming;
	if (incoming === 'failed')
		return DELIVERY_RANK[current] <= DELIVERY_RANK.sent && current !== 'failed' ? incoming : null;
	if (current === 'failed') return DELIVERY_RANK[incoming] > DELIVERY_RANK.failed ? incoming : null;
	return DELIVERY_RANK[incoming] > DELIVERY_RANK[current] ? incoming : null;
}
