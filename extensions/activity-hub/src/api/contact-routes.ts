// /activity-hub/contacts/* — merging duplicates, the duplicate review list and erasure on request; what each does
// is in actions.ts (src/contacts underneath), which the MCP tools can call too.
import { duplicateContacts, eraseContact, mergeContacts } from './actions.js';
import { type ApiScope, route } from './http.js';

export function registerContactRoutes({ router, ctx }: ApiScope) {
	router.post(
		'/contacts/merge',
		route(async (req, res) => res.json({ data: await mergeContacts(ctx, req, req.body) })),
	);

	router.get(
		'/contacts/duplicates',
		route(async (req, res) => res.json({ data: await duplicateContacts(ctx, req) })),
	);

	router.post(
		'/contacts/:id/erase',
		route(async (req, res) => res.json({ data: await eraseContact(ctx, req, req.params['id'], req.body) })),
	);
}
