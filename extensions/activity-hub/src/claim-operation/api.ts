import { defineOperationApi } from '@directus/extensions-sdk';
import { type ActivityType, isActivityType } from '../shared/activity.js';
import { MAX_CLAIM, MAX_LEASE_SECONDS } from '../shared/queue.js';
import type { HubContext } from '../runtime/context.js';
import { emitUpdated } from '../runtime/events.js';
import { flowWorker, jsonOption } from '../runtime/operations.js';
import { claim } from '../runtime/queue.js';

interface Options {
	limit?: number | string;
	lease_seconds?: number | string;
	types?: ActivityType[] | string;
}

export default defineOperationApi<Options>({
	id: 'activity-hub-claim',
	handler: async (options, context) => {
		const { database, getSchema } = context as unknown as HubContext;
		const limit = Math.min(MAX_CLAIM, Math.max(1, Number(options.limit ?? 10) || 10));
		const leaseSeconds = Math.min(MAX_LEASE_SECONDS, Math.max(5, Number(options.lease_seconds ?? 300) || 300));
		const types = jsonOption<unknown[]>(options.types, []).filter(isActivityType);
		const worker = flowWorker(context.accountability as any, (context as any).flow);
		const claimed = await claim(database, { worker, limit, leaseSeconds, types, now: new Date() });

		if (claimed.length) {
			const events = { database, schema: await getSchema(), accountability: null };
			for (const row of claimed)
				emitUpdated('activities', [row['id'] as string], { status: 'processing', lease_owner: worker }, events);
		}

		return claimed;
	},
});
