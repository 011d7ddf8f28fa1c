import { defineOperationApp } from '@directus/extensions-sdk';

export default defineOperationApp({
	id: 'activity-hub-transcribe',
	name: 'Transcribe recording',
	icon: 'record_voice_over',
	description:
		'Timed transcript of each claimed activity’s recording from an OpenAI-compatible speech-to-text API (ACTIVITY_HUB_TRANSCRIBE_URL, _MODEL, _API_KEY); the lease stays held for the next step',
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
				note: 'Usually {{claim}} (a Claim activities step with key "claim"). Its output is the activities that may go on, with their transcripts: pass {{transcribe}} (or {{$last}}) to the next step.',
			},
			schema: { default_value: '{{$last}}' },
		},
	],
});
