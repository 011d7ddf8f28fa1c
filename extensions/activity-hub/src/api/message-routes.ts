// /activity-hub/messages and /activity-hub/activities/:id/reply — outbound messages: a reply on the activity's
// channel, a new message, and a person's Retry / Mark as sent of a failed or unknown one. Each answers 202 with
// the message's id and delivery status; the background sender (src/outbound) sends it. What each route does is in
// actions.ts, which the MCP `reply` tool calls too.
import { replyToActivity, resolveDelivery, sendMessage } from './actions.js';
import { type ApiScope, route } from './http.js';

export function registerMessageRoutes({ router, ctx }: ApiScope) {
	router.post(
		'/activities/:id/reply',
		route(async (req, res) => {
			const data = await replyToActivity(ctx, req, req.params['id'], req.body, req.get('idempotency-key'));
			res.status(202).json({ data });
		}),
	);

	router.post(
		'/messages',
		route(async (req, res) => {
			res.status(202).json({ data: await sendMessage(ctx, req, req.body, req.get('idempotency-key')) });
		}),
	);

	router.post(
		'/messages/:id/resolve',
		route(async (req, res) => {
			res.json({ data: await resolveDelivery(ctx, req, req.params['id'], req.body?.action) });
		}),
	);
}
