import { defineOperationApp } from '@directus/extensions-sdk';

export default defineOperationApp({
	id: 'activity-hub-complete',
	name: 'Complete activity',
	icon: 'task_alt',
	description: 'Finish a claimed activity with its processed data and, optionally, a note on the contact',
	overview: ({ activity }) => [{ label: 'Activity', text: String(activity ?? '') }],
	options: [
		{
			field: 'activity',
			name: 'Activity id',
			type: 'string',
			meta: { width: 'half', interface: 'input', required: true, note: 'e.g. {{claim[0].id}}' },
		},
		{
			field: 'lease_token',
			name: 'Lease token',
			type: 'string',
			meta: { width: 'half', interface: 'input', required: true, note: 'e.g. {{claim[0].lease_token}}' },
		},
		{
			field: 'processed_data',
			name: 'Processed data',
			type: 'json',
			meta: { width: 'full', interface: 'input-code', options: { language: 'json' } },
		},
		{
			field: 'note',
			name: 'Note for the contact',
			type: 'text',
			meta: { width: 'full', interface: 'input-multiline' },
		},
	],
});
