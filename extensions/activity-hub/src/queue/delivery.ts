// The outbound side of the queue: messages (replies) wait as activities with a delivery_status, and the sender
// leases them with the same columns and fencing as the inbound queue (lease_owner, the SHA-256 of a lease token,
// lease_expires_at, attempts, available_at), so each message is sent by one instance of a cluster at a time.
// Inbound activities use `status` (raw → processing → …); outbound ones are `completed` for the inbound queue from
// the start (no agent claims them) and move on `delivery_status`:
//
//   queued ──claim──▶ sending ──provider accepted──▶ sent ──callbacks──▶ delivered ──▶ read
//                      │  │  └──transient (5xx, 429, not connected)──▶ queued (available_at = backoff)
//                      │  └──permanent (4xx), or attempts exhausted──▶ failed ──Retry──▶ queued
//                      └──no answer after sending, or lease expired (crash)──▶ unknown ──Retry / Mark as sent
//
// A message whose lease expired is never re-sent: the provider may have accepted it before the crash.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { advanceDelivery, type DeliveryStatus, isDeliveryStatus } from '../shared/activity.js';
import type { SendDecision } from '../shared/delivery.js';
import { RESOLVABLE } from '../shared/delivery.js';
import { activityFromRow, dbTime, dialectOf } from '../runtime/context.js';
import { directusSink } from './sink.js';
import type { EventSink } from './events.js';
import { leaseTokenHash } from './statements.js';
import { SEND_PICK, SEND_REAPABLE } from '../shared/node/queue.js';

export const SEND_LEASE_EXPIRED_ERROR =
	'The sender stopped before the provider answered: the message may have been sent (Retry or Mark as sent)';

const rowsOf = (result: any): Record<string, unknown>[] => (Array.isArray(result) ? result : (result?.rows ?? []));

export interface SendClaim {
	owner: string;
	limit: number;
	leaseSeconds: number;
	now: Date;
}

export interface LeasedMessage {
	activity: Record<string, unknown>;
	token: string;
}

/** Leases up to `limit` queued messages whose time has come, oldest first (SKIP LOCKED on PostgreSQL). */
export async function claimSends(database: Knex, options: SendClaim): Promise<LeasedMessage[]> {
	const token = randomBytes(32).toString('base64url');
	const t = dbTime(database, options.now);
	const until = dbTime(database, new Date(options.now.getTime() + options.leaseSeconds * 1000));

	const set = `delivery_status = 'sending', lease_owner = ?, lease_token = ?, lease_expires_at = ?,
		attempts = attempts + 1, date_updated = ?`;

	const bindings = [options.owner, leaseTokenHash(token), until, t, t, options.limit];

	const sql =
		dialectOf(database) === 'postgres'
			? `WITH picked AS (${SEND_PICK} FOR UPDATE SKIP LOCKED)
			   UPDATE activities a SET ${set} FROM picked WHERE a.id = picked.id RETURNING a.*`
			: `UPDATE activities SET ${set} WHERE id IN (${SEND_PICK}) AND delivery_status = 'queued' RETURNING *`;

	const ordered = dialectOf(database) === 'postgres' ? [t, options.limit, ...bindings.slice(0, 4)] : bindings;
	const rows = rowsOf(await database.raw(sql, ordered as any[]));
	return rows.map((row) => ({ activity: activityFromRow(row), token }));
}

/** What a settled send stores: the decision, and the provider's id for the message when it gave one. */
export async function settleSend(
	database: Knex,
	id: string,
	token: string,
	decision: SendDecision,
	now = new Date(),
): Promise<Record<string, unknown> | null> {
	const changes: Record<string, unknown> = {
		delivery_status: decision.status,
		delivery_error: 'error' in decision ? decision.error.slice(0, 10_000) : null,
		lease_token: null,
		lease_owner: null,
		lease_expires_at: null,
		date_updated: dbTime(database, now),
	};

	const retryAt = decision.status === 'queued' ? new Date(now.getTime() + decision.retryInMs) : null;
	if (retryAt) changes['available_at'] = dbTime(database, retryAt);
	if (decision.status === 'sent' && decision.providerId) changes['external_id'] = decision.providerId.slice(0, 255);

	const changed = await database('activities')
		.where({ id, delivery_status: 'sending', lease_token: leaseTokenHash(token) })
		.update(changes);

	if (changed === 0) return null;
	const { lease_token: _token, lease_owner: _owner, lease_expires_at: _until, date_updated: _at, ...event } = changes;
	return { ...event, ...(retryAt ? { available_at: retryAt.toISOString() } : {}) };
}

/** Messages whose sender died mid-send: `unknown`, never re-sent without a person deciding. */
export async function reapSends(database: Knex, now = new Date()) {
	const t = dbTime(database, now);

	const rows = rowsOf(
		await database.raw(
			`UPDATE activities SET delivery_status = 'unknown', delivery_error = ?, lease_token = NULL, lease_owner = NULL,
			   lease_expires_at = NULL, date_updated = ?
			 WHERE ${SEND_REAPABLE} RETURNING id`,
			[SEND_LEASE_EXPIRED_ERROR, t, t],
		),
	);

	return rows.map((row) => String(row['id']));
}

/** A person's decision on a failed or unknown message: send it again, or record that it was sent. */
export async function resolveSend(database: Knex, id: string, action: 'retry' | 'mark_sent', now = new Date()) {
	const t = dbTime(database, now);
	const next: DeliveryStatus = action === 'retry' ? 'queued' : 'sent';

	const changed = await database('activities')
		.where({ id })
		.whereIn('delivery_status', RESOLVABLE as DeliveryStatus[])
		.update({
			delivery_status: next,
			delivery_error: null,
			...(action === 'retry' ? { attempts: 0, available_at: t } : {}),
			date_updated: t,
		});

	return changed > 0 ? next : null;
}

/**
 * A provider's status callback for the message it knows by `providerId` on `channel`: the new status when it moved
 * forward, null when it changed nothing (an unknown id, or an out-of-order callback). Compare-and-set on the status
 * read, so two callbacks racing each other still only move forward.
 */
export async function applyDeliveryStatus(
	database: Knex,
	channel: string,
	providerId: string,
	incoming: DeliveryStatus,
	error: string | null,
	now = new Date(),
) {
	for (let attempt = 0; attempt < 3; attempt++) {
		const row = await database('activities')
			.select('id', 'delivery_status')
			.where({ channel, external_id: providerId, direction: 'outbound' })
			.first();

		if (!row) return null;
		const current = isDeliveryStatus(row.delivery_status) ? row.delivery_status : null;
		const next = advanceDelivery(current, incoming);
		if (!next) return null;

		const changed = await database('activities')
			.where({ id: row.id, delivery_status: current })
			.update({
				delivery_status: next,
				delivery_error: next === 'failed' ? (error ?? 'The provider reported the message as failed') : null,
				date_updated: dbTime(database, now),
			});

		if (changed > 0) return { id: String(row.id), delivery_status: next };
	}

	return null;
}

export interface DeliveryScope {
	database: Knex;
	schema: () => unknown;
	sink?: EventSink;
}

/** The delivery transitions with their item events (websocket subscribers see every status change). */
export function deliveryQueue(scope: DeliveryScope) {
	const { database } = scope;
	const sink = scope.sink ?? directusSink;

	const emit = async (id: string, payload: Record<string, unknown>) => {
		const context = { database, schema: await scope.schema(), accountability: null };
		sink({ action: 'update', collection: 'activities', key: id, payload }, context);
	};

	return {
		async claim(options: SendClaim) {
			const leased = await claimSends(database, options);
			for (const { activity } of leased)
				await emit(String(activity['id']), { delivery_status: 'sending', attempts: activity['attempts'] });
			return leased;
		},

		async settle(id: string, token: string, decision: SendDecision) {
			const changed = await settleSend(database, id, token, decision);
			if (changed) await emit(id, changed);
			return changed !== null;
		},

		async reap() {
			const ids = await reapSends(database);
			for (const id of ids) await emit(id, { delivery_status: 'unknown', delivery_error: SEND_LEASE_EXPIRED_ERROR });
			return ids;
		},

		async resolve(id: string, action: 'retry' | 'mark_sent') {
			const next = await resolveSend(database, id, action);
			if (next) await emit(id, { delivery_status: next, delivery_error: null });
			return next;
		},

		async applyStatus(channel: string, providerId: string, incoming: DeliveryStatus, error: string | null) {
			const changed = await applyDeliveryStatus(database, channel, providerId, incoming, error);
			if (changed)
				await emit(changed.id, {
					delivery_status: changed.delivery_status,
					...(changed.delivery_status === 'failed' ? { delivery_error: error } : {}),
				});
			return changed;
		},
	};
}
