import { defineOperationApp } from '@directus/extensions-sdk';
import { ACTIVITY_OPTION, LEASE_TOKEN_OPTION } from '../shared/operation-options.js';

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
		ACTIVITY_OPTION,
		LEASE_TOKEN_OPTION,
		{
			field: 'error',
			name: 'Error',
			type: 'text',
			meta: {
				width: 'full',
				interface: 'input-multiline',
				options: { placeholder: '{{$last.message}}' },
				note: 'Shown on the activity and in Queue health; e.g. {{$last.message}} from a failed step. Default: "Failed in a flow".',
			},
		},
		{
			field: 'retry',
			name: 'Retry',
			type: 'boolean',
			meta: {
				width: 'half',
				interface: 'boolean',
				note: 'On: back to the queue with backoff until its max attempts. Off: failed at once.',
			},
			schema: { default_value: true },
		},
	],
});
