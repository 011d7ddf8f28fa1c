// /activity-hub/* — authenticated API for admins, Studio users and agents. Directus has already authenticated
// the request (req.accountability); row-level rules the Core tier cannot express are enforced in the route groups.
import { defineEndpoint } from '@directus/extensions-sdk';
import { registerActivityRoutes } from './activity-routes.js';
import { registerChannelRoutes } from './channel-routes.js';
import { registerInsightRoutes } from './insight-routes.js';
import { registerMessageRoutes } from './message-routes.js';
import { registerQueueRoutes } from './queue-routes.js';
import { registerContactRoutes } from './contact-routes.js';
import { registerMcpRoutes } from '../mcp/index.js';

export default defineEndpoint({
	id: 'activity-hub',
	handler: (router, context) => {
		const scope = { router, context, ctx: context, db: context.database };

		registerChannelRoutes(scope);
		registerQueueRoutes(scope);
		registerActivityRoutes(scope);
		registerContactRoutes(scope);
		registerInsightRoutes(scope);
		registerMessageRoutes(scope);
		registerMcpRoutes(scope);
	},
});
