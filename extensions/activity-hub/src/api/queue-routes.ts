// /activity-hub/queue/* — the lease queue over HTTP for agents (claim, heartbeat, complete, fail) and its health.
import { ClaimFilterError, type ClaimFilters, claimFilters } from '../shared/claim-filters.js';
import { MAX_CLAIM } from '../shared/node/queue.js';
import { queueHealth } from '../runtime/health.js';
import {
	activityId,
	type ApiScope,
	existsOr404,
	HttpError,
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
		throw new HttpError(400, 'INVALID_PAYLOAD', 'processed_data must be an object');
	if (note !== undefined && note !== null && typeof note !== 'string')
		throw new HttpError(400, 'INVALID_PAYLOAD', 'note must be a string');
	return {
		processed_data: processed as Record<string, unknown> | undefined,
		note: note as string | null | undefined,
	};
};

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
			const limit = body.limit ?? 1;
			if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CLAIM)
				throw new HttpError(400, 'INVALID_PAYLOAD', `limit must be an integer from 1 to ${MAX_CLAIM}`);
			let filters: ClaimFilters;

			try {
				filters = claimFilters(body);
			} catch (error) {
				if (error instanceof ClaimFilterError) throw new HttpError(400, 'INVALID_PAYLOAD', error.message);
				throw error;
			}

			const rows = await queueFor(db, req).claim({
				worker: req.accountability!.user!,
				limit,
				leaseSeconds: leaseSeconds(body),
				...filters,
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
			await existsOr404(db, id);
			const lease = await queueFor(db, req).heartbeat(id, leaseToken(req.body), leaseSeconds(req.body));
			res.json({ data: { id, ...lease } });
		}),
	);

	router.post(
		'/queue/complete',
		route(async (req, res) => {
			await requireAgent(db, req.accountability);
			const items = req.body?.items;
			if (!Array.isArray(items) || items.length === 0 || items.length > MAX_CLAIM)
				throw new HttpError(400, 'INVALID_PAYLOAD', `items must be a list of 1 to ${MAX_CLAIM} completions`);

			for (const item of items) {
				if (!item || typeof item.id !== 'string' || !UUID.test(item.id))
					throw new HttpError(400, 'INVALID_PAYLOAD', 'every item needs an activity id');
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
			await existsOr404(db, id);
			const { processed_data: processed, note } = validateCompletion(req.body ?? {});
			const result = await queueFor(db, req).complete(id, leaseToken(req.body), processed ?? {}, note || null);

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
			await existsOr404(db, id);
			const { error, retry } = req.body ?? {};
			if (typeof error !== 'string' || !error)
				throw new HttpError(400, 'INVALID_PAYLOAD', 'error (a message) is required');
			if (retry !== undefined && typeof retry !== 'boolean')
				throw new HttpError(400, 'INVALID_PAYLOAD', 'retry must be a boolean');
			const result = await queueFor(db, req).fail(id, leaseToken(req.body), error, retry !== false);
			res.json({ data: { id, ...result } });
		}),
	);
}
