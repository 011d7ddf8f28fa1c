// The MCP tools: each a JSON schema and a description written for a model, over the functions the HTTP routes call
// (api/actions.ts, mcp/reads.ts), so a tool checks, validates and fails exactly as its route does.
import { InvalidPayloadError } from '../shared/errors.js';
import { ACTIVITY_TYPES } from '../shared/activity.js';
import { MAX_CLAIM, MAX_LEASE_SECONDS } from '../shared/node/queue.js';
import { MAX_SEARCH_PAGE, MAX_SEARCH_QUERY, SEARCH_PAGE } from '../shared/limits.js';
import type { HubContext } from '../runtime/context.js';
import type { Caller } from '../api/http.js';
import {
	claimActivities,
	completeActivity,
	failActivity,
	heartbeatActivity,
	linkActivity,
	noteFromActivity,
	replyToActivity,
	searchEverything,
} from '../api/actions.js';
import { requireUser } from '../api/http.js';
import { readActivity, readTimeline } from './reads.js';

export interface ToolScope {
	ctx: HubContext;
	caller: Caller;
}

export interface Tool {
	name: string;
	title: string;
	description: string;
	inputSchema: {
		type: 'object';
		properties: Record<string, unknown>;
		required?: string[];
		additionalProperties: false;
	};
	annotations?: {
		readOnlyHint?: boolean;
		destructiveHint?: boolean;
		idempotentHint?: boolean;
		openWorldHint?: boolean;
	};
	/** Queue tools: listed to agents (and admins) only; the action checks again whoever calls. */
	queue?: boolean;
	run: (args: Record<string, any>, scope: ToolScope) => Promise<unknown>;
}

const id = { type: 'string', format: 'uuid', description: 'The activity id' };

const leaseToken = {
	type: 'string',
	description: 'The lease_token claim_activities returned for this activity (it is shown only once: keep it)',
};

const leaseSeconds = {
	type: 'integer',
	minimum: 5,
	maximum: MAX_LEASE_SECONDS,
	default: 300,
	description: 'How long the lease lasts before the activity goes back to the queue for another worker',
};

const closed = { additionalProperties: false as const };

export const TOOLS: Tool[] = [
	{
		name: 'claim_activities',
		title: 'Claim activities',
		queue: true,
		description:
			'Lease the next activities waiting in the queue (messages, calls, e-mails… from customers) so that you, and ' +
			'nobody else, process them. Returns each activity with its content and a lease_token. Finish every claimed ' +
			'activity with complete_activity or fail_activity before its lease runs out (call heartbeat to extend it for ' +
			'long work); an expired lease puts the activity back in the queue. Returns an empty list when there is no work.',
		inputSchema: {
			type: 'object',
			properties: {
				limit: { type: 'integer', minimum: 1, maximum: MAX_CLAIM, default: 1, description: 'How many to claim' },
				types: {
					type: 'array',
					items: { type: 'string', enum: [...ACTIVITY_TYPES] },
					description: 'Only activities of these types (default: any)',
				},
				channels: {
					type: 'array',
					items: { type: 'string', format: 'uuid' },
					description: 'Only activities from these ingestion channel ids (default: any)',
				},
				lease_seconds: leaseSeconds,
			},
			...closed,
		},
		run: (args, { ctx, caller }) => claimActivities(ctx.database, caller, args),
	},
	{
		name: 'heartbeat',
		title: 'Extend a lease',
		queue: true,
		description:
			'Extend the lease on an activity you claimed and are still working on, so it is not handed to another ' +
			'worker. Fails with LEASE_LOST if the lease already expired or belongs to someone else: stop working on ' +
			'that activity then.',
		inputSchema: {
			type: 'object',
			properties: { id, lease_token: leaseToken, lease_seconds: leaseSeconds },
			required: ['id', 'lease_token'],
			...closed,
		},
		annotations: { idempotentHint: true },
		run: ({ id, ...body }, { ctx, caller }) => heartbeatActivity(ctx.database, caller, id, body),
	},
	{
		name: 'complete_activity',
		title: 'Complete an activity',
		queue: true,
		description:
			'Mark a claimed activity as processed. Put what you extracted in processed_data (for example ' +
			'{"summary": "…", "sentiment": "…", "intent": "…"}, and a call\'s transcript as utterances in seconds: ' +
			'"transcript": [{"start": 0, "end": 4.2, "text": "…", "speaker": "…"}]); it is shown on the activity in the ' +
			"timeline. Give a note to add it to the contact's notes (skipped when the activity has no contact). Fails " +
			'with LEASE_LOST if your lease expired or another worker holds it: nothing is changed then.',
		inputSchema: {
			type: 'object',
			properties: {
				id,
				lease_token: leaseToken,
				processed_data: {
					type: 'object',
					description: 'What you extracted from the activity (any JSON object; "summary" is shown first)',
				},
				note: { type: 'string', description: "A note for the contact's timeline, written for a colleague" },
			},
			required: ['id', 'lease_token'],
			...closed,
		},
		run: ({ id, ...body }, { ctx, caller }) => completeActivity(ctx.database, caller, id, body),
	},
	{
		name: 'fail_activity',
		title: 'Fail an activity',
		queue: true,
		description:
			'Give up on a claimed activity and say why. With retry (the default) it goes back to the queue after a ' +
			'backoff and is dead-lettered once it has failed max_attempts times; with retry false it is failed at once ' +
			'for a person to look at. Fails with LEASE_LOST if your lease expired or another worker holds it.',
		inputSchema: {
			type: 'object',
			properties: {
				id,
				lease_token: leaseToken,
				error: { type: 'string', minLength: 1, description: 'What went wrong, for the person who reads it later' },
				retry: { type: 'boolean', default: true, description: 'Whether another attempt could succeed' },
			},
			required: ['id', 'lease_token', 'error'],
			...closed,
		},
		run: ({ id, ...body }, { ctx, caller }) => failActivity(ctx.database, caller, id, body),
	},
	{
		name: 'get_activity',
		title: 'Read an activity',
		description:
			'Read one activity in full: its content, subject, sender and recipient, the transcript of a call when there ' +
			'is one, its attachments as links (fetch them with the same credentials), what was already extracted ' +
			'(processed_data), and its thread: the other messages of its conversation (the e-mail thread, or the SMS or ' +
			"WhatsApp conversation with that person on that channel), else the same contact's activities with the same " +
			"subject (or, without a subject, the contact's activities just before and after it).",
		inputSchema: { type: 'object', properties: { id }, required: ['id'], ...closed },
		annotations: { readOnlyHint: true },
		run: ({ id }, { ctx, caller }) => readActivity(ctx, caller, id),
	},
	{
		name: 'contact_timeline',
		title: "Read a contact's timeline",
		description:
			"Read a contact's history, newest first: their activities (messages, calls, e-mails…) and the notes people " +
			'and agents wrote about them, 50 of each per page. Pass the returned next_cursor to read older entries; it is ' +
			'null when there is nothing older.',
		inputSchema: {
			type: 'object',
			properties: {
				contact: { type: ['integer', 'string'], description: 'The contact id (the activity\'s "contact" field)' },
				type: { type: 'string', enum: [...ACTIVITY_TYPES], description: 'Only activities of this type' },
				cursor: { type: 'string', description: 'next_cursor from the previous page' },
			},
			required: ['contact'],
			...closed,
		},
		annotations: { readOnlyHint: true },
		run: (args, { ctx, caller }) => readTimeline(ctx, caller, args),
	},
	{
		name: 'search',
		title: 'Search activities and notes',
		description:
			'Full-text search across every activity (subject, content, sender, recipient, summary, call transcript) and ' +
			'every note you may read, best match first, each with highlights: the matching words in their context. All ' +
			'words are required; "quoted words" find a phrase, "or" between two words finds either, -word excludes. ' +
			'Narrow to a contact, an activity type or a channel (type and channel find activities only). Pass next as ' +
			'after for more results; it is null on the last page. Read a found activity in full with get_activity.',
		inputSchema: {
			type: 'object',
			properties: {
				q: {
					type: 'string',
					minLength: 1,
					maxLength: MAX_SEARCH_QUERY,
					description: 'What to look for, e.g. invoice 1042',
				},
				contact: { type: ['integer', 'string'], description: "Only this contact's activities and notes" },
				type: { type: 'string', enum: [...ACTIVITY_TYPES], description: 'Only activities of this type' },
				channel: { type: 'string', format: 'uuid', description: 'Only activities from this ingestion channel' },
				limit: {
					type: 'integer',
					minimum: 1,
					maximum: MAX_SEARCH_PAGE,
					default: SEARCH_PAGE,
					description: 'Results per page',
				},
				after: { type: 'string', description: 'next from the previous page' },
			},
			required: ['q'],
			...closed,
		},
		annotations: { readOnlyHint: true },
		run: (args, { ctx, caller }) => searchEverything(ctx, caller, args),
	},
	{
		name: 'create_note',
		title: 'Write a note',
		description:
			"Add a note to a contact's timeline. Give contact and content for a free note; give activity (and " +
			'optionally content) to turn that activity into a note on its contact: without content its summary or text ' +
			'is used, and an activity has at most one such note (asking again returns it with created false).',
		inputSchema: {
			type: 'object',
			properties: {
				contact: { type: ['integer', 'string'], description: 'The contact the note is about' },
				activity: { ...id, description: 'The activity the note is made from or about' },
				content: { type: 'string', description: 'The note, plain text' },
			},
			...closed,
		},
		run: (args, scope) => createNote(scope, args),
	},
	{
		name: 'link_contact',
		title: 'Link an activity to a contact',
		description:
			'Attach an activity that was not matched (or was matched wrongly) to the right contact. Needs permission to ' +
			'update activities.',
		inputSchema: {
			type: 'object',
			properties: { id, contact: { type: ['integer', 'string'], description: 'The contact id' } },
			required: ['id', 'contact'],
			...closed,
		},
		annotations: { idempotentHint: true },
		run: ({ id, contact }, { ctx, caller }) => linkActivity(ctx, caller, id, contact),
	},
	{
		name: 'reply',
		title: 'Reply to an activity',
		description:
			'Answer the customer of an activity (an SMS, WhatsApp message or e-mail) on the same channel and in the same ' +
			'conversation. The reply is queued and sent in the background: the result is its activity id and ' +
			'delivery_status (queued, then sending, sent, delivered, read; failed or unknown need a person). Pass the same ' +
			'idempotency_key again to be sure a retried call sends once. Outside the 24-hour WhatsApp window only a ' +
			'template may be sent. Replies by agents are marked as such.',
		inputSchema: {
			type: 'object',
			properties: {
				id,
				content: { type: 'string', description: 'The text of the reply' },
				subject: { type: 'string', description: 'E-mail only: the subject (default: Re: the original subject)' },
				template: {
					type: 'object',
					description: 'WhatsApp only: an approved template, for when the 24-hour window is closed',
					properties: {
						name: { type: 'string' },
						language: { type: 'string', description: 'e.g. en_US' },
						parameters: { type: 'array', items: { type: 'string' } },
					},
					required: ['name', 'language'],
					additionalProperties: false,
				},
				idempotency_key: { type: 'string', description: 'Any unique text; the same key never sends twice' },
			},
			required: ['id'],
			...closed,
		},
		annotations: { openWorldHint: true },
		run: ({ id, idempotency_key: key, ...body }, { ctx, caller }) => replyToActivity(ctx, caller, id, body, key),
	},
];

/** A free note is a contact_notes item created as the caller (Studio's composer does the same over /items). */
async function createNote({ ctx, caller }: ToolScope, args: Record<string, any>) {
	const { contact, activity, content } = args;
	if (content !== undefined && typeof content !== 'string') throw new InvalidPayloadError('content must be a string');

	if (contact === undefined || contact === null || contact === '') {
		if (activity === undefined) throw new InvalidPayloadError('contact or activity is required');
		return noteFromActivity(ctx, caller, activity, content);
	}

	requireUser(caller.accountability);
	if (!content?.trim()) throw new InvalidPayloadError('content is required for a note on a contact');
	const { ItemsService } = ctx.services;
	const notes = new ItemsService('contact_notes', { schema: caller.schema, accountability: caller.accountability });
	const note = { contact, content, ...(activity === undefined ? {} : { activity }) };
	return { id: await notes.createOne(note), created: true };
}
