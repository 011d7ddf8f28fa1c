// /activity-hub/queue/* — the lease queue over HTTP for agents (claim, heartbeat, complete, fail) and its health.
import { HubError, InvalidPayloadError } from '../shared/errors.js';
import { ACTIVITY_TYPES, isActivityType } from '../shared/activity.js';
import { DEFAULT_CLAIM_LIMIT, MAX_CLAIM } from '../shared/limits.js';
import { queueHealth } from '../runtime/health.js';
import {
	activityId,
	type ApiScope,
	existsOr404,
	leaseSeconds,
	leaseToken,
	queueFor,
	requireAgent,
	requirePermission,
	route,
	UUID,
} from './http.js';

const validateCompletion = (body: any) => {
	const { processed_data: processed, note } = body;
	if (processed !== undefined && (typeof processed !== 'object' || processed === null || Array.isArray(processed)))
		throw new InvalidPayloadError('processed_data must be an object');
	if (note !== undefined && note !== null && typeof note !== 'string')
		throw new InvalidPayloadError('note must be a string');
	return {
		processed_data: processed as Record<string, unknown> | undefined,
		note: note as string | null | undefined,
	};
};

/**
 * A transition of one activity, answering 404 for an unknown one before any other error, as a lookup first would —
 * but looking only when the request fails: `validate` checks the body and returns the transition; a lost lease or
 * an invalid body of an activity that does not exist is a 404.
 */
async function knownActivity<T>(db: ApiScope['db'], id: string, validate: () => Promise<() => Promise<T>>) {
	try {
		const transition = await validate();
		return await transition();
	} catch (error) {
		if (error instanceof HubError) await existsOr404(db, id);
		throw error;
	}
}

export function registerQueueRoutes({ router, db }: ApiScope) {
	router.get(
		'/queue/health',
		route(async (req, res) => {
			await requirePermission(db, req, 'read', 'activities');
			res.json({ data: await queueHealth(db) });
		}),
	);

	router.post(
		'/queue/claim',
		route(async (req, res) => {
			await requireAgent(db, req.accountability);
			const body = req.body ?? {};
			const limit = body.limit ?? DEFAULT_CLAIM_LIMIT;
			if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CLAIM)
				throw new InvalidPayloadError(`limit must be an integer from 1 to ${MAX_CLAIM}`);
			if (body.types !== undefined && (!Array.isArray(body.types) || !body.types.every(isActivityType)))
				throw new InvalidPayloadError(`types must be a list of ${ACTIVITY_TYPES.join(', ')}`);
			if (
				body.channels !== undefined &&
				(!Array.isArray(body.channels) || !body.channels.every((c: unknown) => typeof c === 'string' && UUID.test(c)))
			)
				throw new InvalidPayloadError('channels must be a list of channel ids');

			const rows = await queueFor(db, req).claim({
				worker: req.accountability!.user!,
				limit,
				leaseSeconds: leaseSeconds(body),
				types: body.types,
				channels: body.channels,
				now: new Date(),
			});

			res.json({ data: rows });
		}),
	);

	router.post(
		'/queue/:id/heartbeat',
		route(async (req, res) => {
			await requireAgent(db, req.accountability);
			const id = activityId(req);

			const lease = await knownActivity(db, id, async () => {
				const token = leaseToken(req.body);
				const seconds = leaseSeconds(req.body);
				return () => queueFor(db, req).heartbeat(id, token, seconds);
			});

			res.json({ data: { id, ...lease } });
		}),
	);

	router.post(
		'/queue/complete',
		route(async (req, res) => {
			await requireAgent(db, req.accountability);
			const items = req.body?.items;
			if (!Array.isArray(items) || items.length === 0 || items.length > MAX_CLAIM)
				throw new InvalidPayloadError(`items must be a list of 1 to ${MAX_CLAIM} completions`);

			for (const item of items) {
				if (!item || typeof item.id !== 'string' || !UUID.test(item.id))
					throw new InvalidPayloadError('every item needs an activity id');
				leaseToken(item);
				validateCompletion(item);
			}

			res.json({ data: await queueFor(db, req).completeMany(items) });
		}),
	);

	router.post(
		'/queue/:id/complete',
		route(async (req, res) => {
			await requireAgent(db, req.accountability);
			const id = activityId(req);

			const result = await knownActivity(db, id, async () => {
				const { processed_data: processed, note } = validateCompletion(req.body ?? {});
				const token = leaseToken(req.body);
				return () => queueFor(db, req).complete(id, token, processed ?? {}, note || null);
			});

			res.json({
				data: {
					id,
					status: 'completed',
					note: result.noteId,
					note_skipped: result.noteSkipped ? 'activity has no contact' : undefined,
				},
			});
		}),
	);

	router.post(
		'/queue/:id/fail',
		route(async (req, res) => {
			await requireAgent(db, req.accountability);
			const id = activityId(req);

			const result = await knownActivity(db, id, async () => {
				const { error, retry } = req.body ?? {};
				if (typeof error !== 'string' || !error) throw new InvalidPayloadError('error (a message) is required');
				if (retry !== undefined && typeof retry !== 'boolean') throw new InvalidPayloadError('retry must be a boolean');
				const token = leaseToken(req.body);
				return () => queueFor(db, req).fail(id, token, error, retry !== false);
			});

			res.json({ data: { id, ...result } });
		}),
	);
}
