// The prompts: how a general-purpose assistant works the queue with the tools, no custom code needed.
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { ACTIVITY_TYPES } from '../shared/activity.js';

export interface Prompt {
	name: string;
	title: string;
	description: string;
	arguments: Array<{ name: string; description: string; required: boolean }>;
	queue?: boolean;
	render: (args: Record<string, string>) => GetPromptResult;
}

export const PROMPTS: Prompt[] = [
	{
		name: 'process_next_activity',
		title: 'Process the next activity',
		queue: true,
		description: 'Claim the next activity in the queue, understand it in its context, and complete it with a summary',
		arguments: [
			{
				name: 'types',
				description: `Comma-separated activity types to take (${ACTIVITY_TYPES.join(', ')})`,
				required: false,
			},
			{ name: 'instructions', description: 'What to extract or do beyond the summary', required: false },
		],
		render: ({ types, instructions }) => {
			const only = (types ?? '')
				.split(',')
				.map((type) => type.trim())
				.filter(Boolean);

			const claim = only.length
				? `claim_activities with {"limit": 1, "types": ${JSON.stringify(only)}}`
				: 'claim_activities with {"limit": 1}';

			const text = [
				'Process one activity from the Activity Hub queue.',
				'',
				`1. Call ${claim}. If it returns an empty list, say there is no work and stop.`,
				'2. Keep the returned id and lease_token. Call get_activity with the id for its full content, transcript, ' +
					'attachment links and thread. If it has a contact, call contact_timeline for that contact to see the history ' +
					'and earlier notes.',
				'3. Work out what the customer wants: a one or two sentence summary, the intent, the sentiment, and any ' +
					'follow-up a colleague must do.' +
					(instructions ? ` Also: ${instructions}` : ''),
				'4. If this takes long, call heartbeat with the id and lease_token to keep the lease.',
				'5. Call complete_activity with the id, the lease_token, processed_data {"summary", "intent", "sentiment", ' +
					'"follow_up"} and a short note for the contact written for a colleague.',
				'6. If you cannot process it (unreadable, missing data), call fail_activity with the id, the lease_token and ' +
					'the reason; set retry false only if another attempt cannot help.',
				'If a tool answers LEASE_LOST, another worker has the activity now: stop working on it, do not retry it.',
			].join('\n');

			return {
				description: 'Claim, read, summarise and complete one queued activity',
				messages: [{ role: 'user', content: { type: 'text', text } }],
			};
		},
	},
];
