// /activity-hub/queue/* — the lease queue over HTTP for agents (claim, heartbeat, complete, fail) and its health.
// What each route does is in actions.ts, which the MCP tools call too.
import { queueHealth } from '../runtime/health.js';
import { claimActivities, completeActivities, completeActivity, failActivity, heartbeatActivity } from './actions.js';
import { type ApiScope, requirePermission, route } from './http.js';

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
		route(async (req, res) => res.json({ data: await claimActivities(db, req, req.body) })),
	);

	router.post(
		'/queue/:id/heartbeat',
		route(async (req, res) => res.json({ data: await heartbeatActivity(db, req, req.params['id'], req.body) })),
	);

	router.post(
		'/queue/complete',
		route(async (req, res) => res.json({ data: await completeActivities(db, req, req.body?.items) })),
	);

	router.post(
		'/queue/:id/complete',
		route(async (req, res) => res.json({ data: await completeActivity(db, req, req.params['id'], req.body) })),
	);

	router.post(
		'/queue/:id/fail',
		route(async (req, res) => res.json({ data: await failActivity(db, req, req.params['id'], req.body) })),
	);
}
