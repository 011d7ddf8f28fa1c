import { defineOperationApp } from '@directus/extensions-sdk';
import { ACTIVITY_TYPES } from '../shared/activity.js';

export default defineOperationApp({
	id: 'activity-hub-claim',
	name: 'Claim activities',
	icon: 'inbox',
	description: 'Lease a batch of queued activities for this flow (Activity Hub queue)',
	overview: ({ limit, lease_seconds }) => [
		{ label: 'Batch', text: String(limit ?? 10) },
		{ label: 'Lease', text: `${lease_seconds ?? 300} s` },
	],
	options: [
		{
			field: 'limit',
			name: 'Batch size',
			type: 'integer',
			meta: { width: 'half', interface: 'input', options: { min: 1, max: 100 } },
			schema: { default_value: 10 },
		},
		{
			field: 'lease_seconds',
			name: 'Lease (seconds)',
			type: 'integer',
			meta: { width: 'half', interface: 'input', options: { min: 5, max: 3600 } },
			schema: { default_value: 300 },
		},
		{
			field: 'types',
			name: 'Only these types',
			type: 'json',
			meta: {
				width: 'full',
				interface: 'select-multiple-checkbox',
				options: { choices: ACTIVITY_TYPES.map((value) => ({ text: value, value })) },
			},
		},
	],
});
