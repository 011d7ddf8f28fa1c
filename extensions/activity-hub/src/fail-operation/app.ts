import { defineOperationApp } from '@directus/extensions-sdk';

export default defineOperationApp({
	id: 'activity-hub-fail',
	name: 'Fail activity',
	icon: 'error',
	description: 'Give a claimed activity back with an error: retried with backoff until max attempts, then failed',
	overview: ({ activity, retry }) => [
		{ label: 'Activity', text: String(activity ?? '') },
		{ label: 'Retry', text: retry === false ? 'no' : 'yes' },
	],
	options: [
		{
			field: 'activity',
			name: 'Activity id',
			type: 'string',
			meta: { width: 'half', interface: 'input', required: true },
		},
		{
			field: 'lease_token',
			name: 'Lease token',
			type: 'string',
			meta: { width: 'half', interface: 'input', required: true },
		},
		{ field: 'error', name: 'Error', type: 'text', meta: { width: 'full', interface: 'input-multiline' } },
		{
			field: 'retry',
			name: 'Retry',
			type: 'boolean',
			meta: { width: 'half', interface: 'boolean' },
			schema: { default_value: true },
		},
	],
});
