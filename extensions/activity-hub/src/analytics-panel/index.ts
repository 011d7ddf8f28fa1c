import { definePanel } from '@directus/extensions-sdk';
import { ANALYTICS_DAYS, MAX_ANALYTICS_DAYS } from '../shared/limits.js';
import AnalyticsPanel from './analytics-panel.vue';

export default definePanel({
	id: 'activity-hub-analytics',
	name: 'Activity analytics',
	icon: 'insights',
	description:
		'Activities per day by channel and type, first-response times by channel and owner, the share unmatched and failures by reason',
	component: AnalyticsPanel,
	options: [
		{
			field: 'days',
			name: 'Days',
			type: 'integer',
			meta: { interface: 'input', width: 'half', options: { min: 1, max: MAX_ANALYTICS_DAYS } },
			schema: { default_value: ANALYTICS_DAYS },
		},
		{
			field: 'refresh',
			name: 'Refresh every (seconds)',
			type: 'integer',
			meta: { interface: 'input', width: 'half' },
			schema: { default_value: 300 },
		},
	],
	minWidth: 16,
	minHeight: 14,
});
