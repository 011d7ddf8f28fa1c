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
	overview: ({ limit, lease_seconds, types, channels }) => [
		{ label: 'Batch', text: String(limit ?? DEFAULT_FLOW_CLAIM_LIMIT) },
		{ label: 'Lease', text: `${lease_seconds ?? DEFAULT_LEASE_SECONDS} s` },
		...(Array.isArray(types) && types.length ? [{ label: 'Types', text: types.join(', ') }] : []),
		...(channels && (!Array.isArray(channels) || channels.length)
			? [{ label: 'Channels', text: Array.isArray(channels) ? String(channels.length) : String(channels) }]
			: []),
	],
	options: [
		{
			field: 'limit',
			name: 'Batch size',
			type: 'integer',
			meta: {
				width: 'half',
				interface: 'input',
				options: { min: 1, max: MAX_CLAIM, placeholder: String(DEFAULT_FLOW_CLAIM_LIMIT) },
				note: `Up to ${MAX_CLAIM} a claim. The next steps read the batch as {{claim}} (key of this step) or {{$last}}.`,
			},
			schema: { default_value: DEFAULT_FLOW_CLAIM_LIMIT },
		},
		{
			field: 'lease_seconds',
			name: 'Lease (seconds)',
			type: 'integer',
			meta: {
				width: 'half',
				interface: 'input',
				options: { min: MIN_LEASE_SECONDS, max: MAX_LEASE_SECONDS, placeholder: String(DEFAULT_LEASE_SECONDS) },
				note: 'Complete or fail each activity within this time, or the reaper gives it back to the queue.',
			},
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
				note: 'None ticked: every type. Same filter as `types` of POST /activity-hub/queue/claim.',
			},
		},
		{
			field: 'channels',
			name: 'Only these channels',
			type: 'json',
			meta: {
				width: 'full',
				interface: 'tags',
				options: { placeholder: 'Channel id, or {{$trigger.body.channels}}' },
				note: 'Ingestion channel ids (the id in the channel page’s URL); empty: every channel. Same filter as `channels` of POST /activity-hub/queue/claim; an id that is not a channel id fails the step.',
			},
		},
	],
});
