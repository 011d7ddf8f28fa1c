import { definePanel } from '@directus/extensions-sdk';
import QueueHealth from './queue-health.vue';

export default definePanel({
	id: 'activity-hub-queue-health',
	name: 'Queue health',
	icon: 'monitor_heart',
	description: 'Activities queued, processing and failed, the oldest wait, throughput per minute and recent failures',
	component: QueueHealth,
	options: [
		{
			field: 'refresh',
			name: 'Refresh every (seconds)',
			type: 'integer',
			meta: { interface: 'input', width: 'half' },
			schema: { default_value: 10 },
		},
	],
	minWidth: 12,
	minHeight: 8,
});
