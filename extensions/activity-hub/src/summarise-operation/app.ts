import { defineOperationApp } from '@directus/extensions-sdk';

export default defineOperationApp({
	id: 'activity-hub-summarise',
	name: 'Summarise activities with AI',
	icon: 'smart_toy',
	description:
		'Summary and facts from an OpenAI-compatible model (ACTIVITY_HUB_LLM_URL, _MODEL, _API_KEY); completes each activity with a note',
	overview: ({ activities }) => [{ label: 'Activities', text: String(activities ?? '{{$last}}') }],
	options: [
		{
			field: 'activities',
			name: 'Claimed activities',
			type: 'string',
			meta: {
				width: 'full',
				interface: 'input',
				options: { placeholder: '{{claim}}' },
				note: 'Usually {{claim}} (the output of a Claim activities step with key "claim") or {{$last}} right after it.',
			},
			schema: { default_value: '{{$last}}' },
		},
	],
});
