import { defineOperationApp } from '@directus/extensions-sdk';
import { ACTIVITY_TYPES } from '../shared/activity.js';
import {
	DEFAULT_FLOW_CLAIM_LIMIT,
	DEFAULT_LEASE_SECONDS,
	MAX_CLAIM,
	MAX_LEASE_SECONDS,
	MIN_LEASE_SECONDS,
} from '../shared/limits.js';

export default defineOperationApp({
	id: 'activity-hub-claim',
	name: 'Claim activities',
	icon: 'inbox',
	description: 'Lease a batch of queued activities for this flow (Activity Hub queue)',
	overview: ({ limit, lease_seconds }) => [
		{ label: 'Batch', text: String(limit ?? DEFAULT_FLOW_CLAIM_LIMIT) },
		{ label: 'Lease', text: `${lease_seconds ?? DEFAULT_LEASE_SECONDS} s` },
	],
	options: [
		{
			field: 'limit',
			name: 'Batch size',
			type: 'integer',
			meta: { width: 'half', interface: 'input', options: { min: 1, max: MAX_CLAIM } },
			schema: { default_value: DEFAULT_FLOW_CLAIM_LIMIT },
		},
		{
			field: 'lease_seconds',
			name: 'Lease (seconds)',
			type: 'integer',
			meta: { width: 'half', interface: 'input', options: { min: MIN_LEASE_SECONDS, max: MAX_LEASE_SECONDS } },
			schema: { default_value: DEFAULT_LEASE_SECONDS },
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
