// The queue's states. The stored values are a public contract (agents, filters and indexes use them): never change them.
//
//   raw ──claim──▶ processing ──complete──▶ completed
//                   │    │
//                   │    └──fail──▶ failed (no retry, or max_attempts reached) ──retry (admin)──▶ raw
//                   └──fail with retry, or lease expired (reaper)──▶ raw (an expired lease at max_attempts: failed)
//
// A `processing` row holds a lease: lease_owner, lease_expires_at and the SHA-256 of the lease token (never the token).
import type { ActivityStatus } from '../shared/activity.js';

export const QUEUE_STATES = {
	queued: 'raw',
	processing: 'processing',
	completed: 'completed',
	failed: 'failed',
} as const satisfies Record<string, ActivityStatus>;

export type QueueState = (typeof QUEUE_STATES)[keyof typeof QUEUE_STATES];
