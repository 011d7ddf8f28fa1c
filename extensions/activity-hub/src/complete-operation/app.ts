import { defineOperationApp } from '@directus/extensions-sdk';
import { ACTIVITY_OPTION, LEASE_TOKEN_OPTION } from '../shared/operation-options.js';

export default defineOperationApp({
	id: 'activity-hub-complete',
	name: 'Complete activity',
	icon: 'task_alt',
	description: 'Finish a claimed activity with its processed data and, optionally, a note on the contact',
	overview: ({ activity }) => [{ label: 'Activity', text: String(activity ?? '') }],
	options: [
		ACTIVITY_OPTION,
		LEASE_TOKEN_OPTION,
		{
			field: 'processed_data',
			name: 'Processed data',
			type: 'json',
			meta: {
				width: 'full',
				interface: 'input-code',
				options: { language: 'json', placeholder: '{ "summary": "{{summarise.summary}}" }' },
				note: 'A JSON object stored on the activity; templates such as {{$last}} or {{summarise.summary}} are filled in.',
			},
		},
		{
			field: 'note',
			name: 'Note for the contact',
			type: 'text',
			meta: {
				width: 'full',
				interface: 'input-multiline',
				options: { placeholder: 'Called back: {{$last.summary}}' },
				note: 'Optional; added to the contact’s notes as the agent’s. Skipped when the activity has no contact.',
			},
		},
	],
});
