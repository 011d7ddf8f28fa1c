// What the read tools and resources answer: one activity with its transcript, attachments (as asset links) and
// thread, and a page of a contact's dual timeline. Both are ItemsService reads under the caller's permissions, with
// the query the Studio timeline sends (shared/display.ts), so a model sees what the person or agent may see.
import { InvalidPayloadError, NotFoundError } from '../shared/errors.js';
import { transcriptText } from '../shared/transcript.js';
import { nextPage, TIMELINE_FIELDS, TIMELINE_PAGE, timelineQuery } from '../shared/display.js';
import { activityId, type Caller } from '../api/http.js';
import type { Query } from '@directus/types';
import type { HubContext } from '../runtime/context.js';

const ACTIVITY_FIELDS = [
	...TIMELINE_FIELDS.filter((field) => !field.startsWith('attachments.')),
	'completed_at',
	'attachments.directus_files_id.id',
	'attachments.directus_files_id.type',
	'attachments.directus_files_id.filename_download',
	'attachments.directus_files_id.filesize',
];

const THREAD_FIELDS = [
	'id',
	'type',
	'direction',
	'status',
	'delivery_status',
	'subject',
	'sender',
	'recipient',
	'occurred_at',
];

const THREAD_SIZE = 20;
const NEIGHBOURS = 5;

/** "Re: Fwd: AW: Quote" → "Quote": the subject a reply chain shares. */
export const threadSubject = (subject: unknown) =>
	typeof subject === 'string' ? subject.replace(/^\s*((re|fwd?|aw|wg|sv|tr)\s*(\[\d+\])?\s*:\s*)+/i, '').trim() : '';

const reader = (ctx: HubContext, caller: Caller) => {
	const { ItemsService } = ctx.services;
	const options = { schema: caller.schema, accountability: caller.accountability };
	return (collection: string) => new ItemsService(collection, options);
};

const assetBase = (ctx: HubContext) => `${String(ctx.env['PUBLIC_URL'] ?? '').replace(/\/+$/, '')}/assets/`;

/** Attachments as links a client can fetch with the same credentials: `${PUBLIC_URL}/assets/<file id>`. */
function withLinks(ctx: HubContext, activity: Record<string, any>) {
	const base = assetBase(ctx);

	const attachments = (Array.isArray(activity['attachments']) ? activity['attachments'] : [])
		.map((row: any) => row?.directus_files_id)
		.filter((file: any) => file?.id)
		.map((file: any) => ({
			id: file.id,
			filename: file.filename_download ?? null,
			type: file.type ?? null,
			size: file.filesize == null ? null : Number(file.filesize),
			url: `${base}${file.id}`,
		}));

	return { ...activity, attachments };
}

/**
 * The activities that belong with this one: its conversation (`thread_key`: the e-mail thread from its headers, or
 * the SMS/WhatsApp conversation with that party on that channel) whatever the contact; without one, the contact's
 * other activities whose subject contains this one's without reply prefixes, else the contact's neighbours in time.
 */
async function threadOf(items: ReturnType<typeof reader>, activity: Record<string, any>) {
	const others = { id: { _neq: activity['id'] } };
	const activities = items('activities');

	if (activity['thread_key'])
		return {
			by: 'thread_key',
			activities: await activities.readByQuery({
				filter: { _and: [others, { thread_key: { _eq: activity['thread_key'] } }] },
				sort: ['-occurred_at', '-id'],
				limit: THREAD_SIZE,
				fields: THREAD_FIELDS,
			}),
		};

	if (activity['contact'] == null) return { by: 'none', activities: [] };
	const contact = { contact: { _eq: activity['contact'] } };
	const subject = threadSubject(activity['subject']);

	if (subject)
		return {
			by: 'subject',
			activities: await activities.readByQuery({
				filter: { _and: [contact, others, { subject: { _icontains: subject } }] },
				sort: ['-occurred_at', '-id'],
				limit: THREAD_SIZE,
				fields: THREAD_FIELDS,
			}),
		};

	const at = activity['occurred_at'];

	const side = (op: '_lte' | '_gt', sort: string[]) =>
		activities.readByQuery({
			filter: { _and: [contact, others, { occurred_at: { [op]: at } }] },
			sort,
			limit: NEIGHBOURS,
			fields: THREAD_FIELDS,
		});

	const [before, after] = await Promise.all([
		side('_lte', ['-occurred_at', '-id']),
		side('_gt', ['occurred_at', 'id']),
	]);

	return { by: 'neighbours', activities: [...after.reverse(), ...before] };
}

/** One activity: content, transcript (processed_data.transcript), attachments as links, and its thread. */
export async function readActivity(ctx: HubContext, caller: Caller, rawId: unknown) {
	const id = activityId(rawId);
	const items = reader(ctx, caller);

	const activity = await items('activities')
		.readOne(id, { fields: ACTIVITY_FIELDS })
		.catch(() => null);

	if (!activity) throw new NotFoundError('No such activity');

	return {
		...withLinks(ctx, activity),
		// Utterances as lines (`Speaker: text`), what a model reads best; none: null.
		transcript: transcriptText(activity.processed_data?.transcript) || null,
		thread: await threadOf(items, activity),
	};
}

type Cursor = {
	activities: { before: string; offset: number } | null;
	notes: { before: string; offset: number } | null;
};

const encodeCursor = (cursor: Cursor) =>
	cursor.activities || cursor.notes ? Buffer.from(JSON.stringify(cursor)).toString('base64url') : null;

function decodeCursor(value: unknown): Cursor | null {
	if (value === undefined || value === null || value === '') return null;

	try {
		const cursor = JSON.parse(Buffer.from(String(value), 'base64url').toString('utf8'));
		if (cursor && typeof cursor === 'object') return cursor as Cursor;
	} catch {
		// answered below
	}

	throw new InvalidPayloadError('cursor must be a next_cursor this tool returned');
}

/**
 * A page of a contact's dual timeline, newest first: up to 50 activities (the Studio timeline's query) and up to
 * 50 notes, each column keyset-paged on its own; `next_cursor` fetches the next page of both, null at the end.
 */
export async function readTimeline(ctx: HubContext, caller: Caller, args: Record<string, unknown>) {
	const contact = args['contact'];
	if (contact === undefined || contact === null || contact === '') throw new InvalidPayloadError('contact is required');
	const type = typeof args['type'] === 'string' ? args['type'] : null;
	const cursor = decodeCursor(args['cursor']);
	const items = reader(ctx, caller);
	const first = cursor === null;

	const activityPage = async () =>
		first || cursor?.activities
			? items('activities').readByQuery(
					timelineQuery({ contact: contact as string, type }, cursor?.activities ?? null) as Query,
				)
			: [];

	const notePage = async () => {
		if (!first && !cursor?.notes) return [];
		const before = cursor?.notes?.before;

		return items('contact_notes').readByQuery({
			filter: {
				_and: [{ contact: { _eq: contact } }, ...(before ? [{ date_created: { _lte: before } }] : [])],
			},
			sort: ['-date_created', '-id'],
			limit: TIMELINE_PAGE,
			offset: cursor?.notes?.offset ?? 0,
			fields: ['id', 'contact', 'content', 'author', 'source', 'activity', 'date_created'],
		});
	};

	const [activities, notes] = await Promise.all([activityPage(), notePage()]);

	const pageAt = (rows: any[], field: string) =>
		rows.length === TIMELINE_PAGE ? nextPage(rows.map((row) => ({ occurred_at: row[field] }))) : null;

	return {
		contact,
		activities: activities.map((activity: Record<string, any>) => withLinks(ctx, activity)),
		notes,
		next_cursor: encodeCursor({ activities: pageAt(activities, 'occurred_at'), notes: pageAt(notes, 'date_created') }),
	};
}
