// /activity-hub/search and /activity-hub/analytics — search across everything the caller may read, and the
// Analytics panel's figures. What search does is in actions.ts, which the MCP `search` tool calls too.
import { analytics } from '../runtime/analytics.js';
import { analyticsRange } from '../shared/analytics.js';
import { searchEverything } from './actions.js';
import { type ApiScope, requirePermission, route } from './http.js';

export function registerInsightRoutes({ router, ctx, db }: ApiScope) {
	router.get(
		'/search',
		route(async (req, res) =>
			res.json({ data: await searchEverything(ctx, req, req.query as Record<string, unknown>) }),
		),
	);

	router.get(
		'/analytics',
		route(async (req, res) => {
			await requirePermission(db, req, 'read', 'activities');
			res.json({ data: await analytics(db, analyticsRange(req.query as Record<string, unknown>)) });
		}),
	);
}
