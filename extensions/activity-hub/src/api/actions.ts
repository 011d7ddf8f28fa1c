// What the /activity-hub routes and the MCP tools do, once: each action checks its caller, validates its input and
// returns what the HTTP API puts under `data`. The route files parse the request and reply; src/mcp calls the
// same functions with a tool's arguments, so both doors share one code path, one set of checks and one set of codes.
import {
	ConfirmationRequiredError,
	ForbiddenError,
	HubError,
	InvalidPayloadError,
	NoContactError,
	NotFailedError,
	NotFoundError,
	NotResolvableError,
} from '../shared/errors.js';
import { deliveryQueue, QUEUE_STATES } from '../queue/index.js';
import { contactScope } from '../contacts/scope.js';
import { mergeContacts as merge } from '../contacts/merge.js';
import { eraseContact as erase } from '../contacts/erase.js';
import { findDuplicates } from '../contacts/duplicates.js';
import { emitCreated } from '../runtime/events.js';
import { isAgentUser } from '../runtime/agents.js';
import { ingestPipeline } from '../ingest-pipeline/index.js';
import {
	type Author,
	idempotencyKey,
	type OutboundScope,
	type QueuedMessage,
	queueMessage,
	queueReply,
} from '../outbound/compose.js';
import { outboundSender } from '../outbound/sender.js';
import { claimFilters } from '../shared/claim-filters.js';
import { plainText } from '../shared/display.js';
import { contactSource } from '../shared/matching.js';
import { DEFAULT_CLAIM_LIMIT, MAX_CLAIM } from '../shared/limits.js';
import { readConfig } from '../shared/config.js';
import { transcriptProblem } from '../shared/transcript.js';
import {
	type CallerScope,
	searchContacts as findContacts,
	linkActivity as linkToContact,
} from '../runtime/contact-links.js';
import type { HubContext } from '../runtime/context.js';
import { search } from '../runtime/search.js';
import { type SearchKind, searchParams } from '../shared/search.js';
import {
	activityId,
	type Caller,
	existsOr404,
	leaseSeconds,
	leaseToken,
	mayRead,
	queueFor,
	requireAdmin,
	requireAgent,
	requirePermission,
	requireUser,
	UUID,
} from './http.js';

type Db = HubContext['database'];

const validateCompletion = (body: any) => {
	const { processed_data: processed, note } = body;
	if (processed !== undefined && (typeof processed !== 'object' || processed === null || Array.isArray(processed)))
		throw new InvalidPayloadError('processed_data must be an object');
	// A transcript has one shape whoever writes it: utterances { start, end, text, speaker? } in seconds.
	const transcript = processed && 'transcript' in processed ? transcriptProblem(processed.transcript) : null;
	if (transcript) throw new InvalidPayloadError(`processed_data.${transcript}`);
	if (note !== undefined && note !== null && typeof note !== 'string')
		throw new InvalidPayloadError('note must be a string');
	return {
		processed_data: processed as Record<string, unknown> | undefined,
		note: note as string | null | undefined,
	};
};

/**
 * A transition of one activity, answering 404 for an unknown one before any other error, as a lookup first would —
 * but looking only when the request fails: `validate` checks the body and returns the transition; a lost lease or
 * an invalid body of an activity that does not exist is a 404.
 */
async function knownActivity<T>(db: Db, id: string, validate: () => Promise<() => Promise<T>>) {
	try {
		const transition = await validate();
		return await transition();
	} catch (error) {
		if (error instanceof HubError) await existsOr404(db, id);
		throw error;
	}
}

/** Leases up to `limit` activities (their lease tokens are in the reply, and only there). */
export async function claimActivities(db: Db, caller: Caller, body: any) {
	await requireAgent(db, caller.accountability);
	body = body ?? {};
	const limit = body.limit ?? DEFAULT_CLAIM_LIMIT;
	if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CLAIM)
		throw new InvalidPayloadError(`limit must be an integer from 1 to ${MAX_CLAIM}`);
	const filters = claimFilters(body);

	return queueFor(db, caller).claim({
		worker: caller.accountability!.user!,
		limit,
		leaseSeconds: leaseSeconds(body),
		...filters,
		now: new Date(),
	});
}

export async function heartbeatActivity(db: Db, caller: Caller, rawId: unknown, body: any) {
	await requireAgent(db, caller.accountability);
	const id = activityId(rawId);

	const lease = await knownActivity(db, id, async () => {
		const token = leaseToken(body);
		const seconds = leaseSeconds(body);
		return () => queueFor(db, caller).heartbeat(id, token, seconds);
	});

	return { id, ...lease };
}

/** Per item `completed` or LEASE_LOST, in the order given. */
export async function completeActivities(db: Db, caller: Caller, items: unknown) {
	await requireAgent(db, caller.accountability);
	if (!Array.isArray(items) || items.length === 0 || items.length > MAX_CLAIM)
		throw new InvalidPayloadError(`items must be a list of 1 to ${MAX_CLAIM} completions`);

	for (const item of items) {
		if (!item || typeof item.id !== 'string' || !UUID.test(item.id))
			throw new InvalidPayloadError('every item needs an activity id');
		leaseToken(item);
		validateCompletion(item);
	}

	return queueFor(db, caller).completeMany(items);
}

export async function completeActivity(db: Db, caller: Caller, rawId: unknown, body: any) {
	await requireAgent(db, caller.accountability);
	const id = activityId(rawId);

	const result = await knownActivity(db, id, async () => {
		const { processed_data: processed, note } = validateCompletion(body ?? {});
		const token = leaseToken(body);
		return () => queueFor(db, caller).complete(id, token, processed ?? {}, note || null);
	});

	return {
		id,
		status: 'completed',
		note: result.noteId,
		note_skipped: result.noteSkipped ? 'activity has no contact' : undefined,
	};
}

export async function failActivity(db: Db, caller: Caller, rawId: unknown, body: any) {
	await requireAgent(db, caller.accountability);
	const id = activityId(rawId);

	const result = await knownActivity(db, id, async () => {
		const { error, retry } = body ?? {};
		if (typeof error !== 'string' || !error) throw new InvalidPayloadError('error (a message) is required');
		if (retry !== undefined && typeof retry !== 'boolean') throw new InvalidPayloadError('retry must be a boolean');
		const token = leaseToken(body);
		return () => queueFor(db, caller).fail(id, token, error, retry !== false);
	});

	return { id, ...result };
}

/** An admin's retry of a failed activity (404 for an unknown one, NOT_FAILED for one that is not failed). */
export async function retryActivity(db: Db, caller: Caller, rawId: unknown) {
	requireAdmin(caller.accountability);
	const id = activityId(rawId);

	if ((await retryActivities(db, caller, [id])).length === 0) {
		await existsOr404(db, id);
		throw new NotFailedError();
	}

	return { id, status: QUEUE_STATES.queued };
}

/** Retries failed activities (admins); answers the ids that were failed and are queued now, the others unchanged. */
export async function retryActivities(db: Db, caller: Caller, ids: string[]) {
	requireAdmin(caller.accountability);
	return queueFor(db, caller).retryMany(ids);
}

/** Completed or failed activities back to the queue to be worked again (admins); never a leased one. */
export async function requeueActivities(db: Db, caller: Caller, ids: string[]) {
	requireAdmin(caller.accountability);
	return queueFor(db, caller).requeueMany(ids);
}

const services = (ctx: HubContext, caller: Caller) => {
	const { ItemsService } = ctx.services;
	const options = { schema: caller.schema, accountability: caller.accountability };
	return (collection: string) => new ItemsService(collection, options);
};

/**
 * The activity as a note on its contact (its summary, else its subject and text, unless `content` is given); an
 * activity has at most one such note, and asking again answers the existing one with `created: false`.
 */
export async function noteFromActivity(ctx: HubContext, caller: Caller, rawId: unknown, content?: unknown) {
	requireUser(caller.accountability);
	const id = activityId(rawId);
	const items = services(ctx, caller);
	const db = ctx.database;

	const activity = await items('activities')
		.readOne(id, { fields: ['id', 'contact', 'content', 'subject', 'processed_data'] })
		.catch(() => null);

	if (!activity) throw new NotFoundError('No such activity');
	if (activity.contact == null) throw new NoContactError('Link the activity to a contact first');
	const existing = await db('contact_notes').select('id').where({ activity: id }).first();
	if (existing) return { id: existing.id, created: false };

	const text =
		typeof content === 'string' && content.trim()
			? content
			: (activity.processed_data?.summary ??
					[activity.subject, plainText(activity.content)].filter(Boolean).join('\n\n')) ||
				'(no content)';

	try {
		const noteId = await items('contact_notes').createOne({
			contact: activity.contact,
			content: text,
			activity: id,
			author: caller.accountability!.user,
		});

		return { id: noteId, created: true };
	} catch (error) {
		const raced = await db('contact_notes').select('id').where({ activity: id }).first();
		if (!raced) throw error;
		return { id: raced.id, created: false };
	}
}

/**
 * Links an activity to a contact by hand (the caller's Directus permissions decide: updating activities), and with
 * `addAddress` adds the activity's counterparty address to the contact so that its next message matches.
 */
export async function linkActivity(
	ctx: HubContext,
	caller: Caller,
	rawId: unknown,
	contact: unknown,
	addAddress?: unknown,
) {
	requireUser(caller.accountability);
	const id = activityId(rawId);
	if (contact === undefined || contact === null || contact === '') throw new InvalidPayloadError('contact is required');
	if (addAddress !== undefined && typeof addAddress !== 'boolean')
		throw new InvalidPayloadError('add_address must be a boolean');

	return linkToContact(callerScope(ctx, caller), id, contact as string | number, addAddress === true);
}

/** Contacts the caller may read whose name, e-mail or phone matches `query` (Studio's contact picker). */
export async function searchContacts(ctx: HubContext, caller: Caller, query: unknown) {
	requireUser(caller.accountability);
	return findContacts(callerScope(ctx, caller), typeof query === 'string' ? query.slice(0, 200) : '');
}

const callerScope = (ctx: HubContext, caller: Caller): CallerScope => ({
	services: ctx.services,
	database: ctx.database,
	schema: caller.schema,
	accountability: caller.accountability,
	source: contactSource(ctx.env),
	region: readConfig(ctx.env).defaultRegion,
});

type ContactId = number | string;

const contactIdOf = (value: unknown, name: string): ContactId => {
	if (typeof value === 'number' && Number.isInteger(value)) return value;
	if (typeof value === 'string' && value.trim() && value.length <= 64) return value.trim();
	throw new InvalidPayloadError(`${name} must be a contact id`);
};

/**
 * Merges the contacts `from` into `into` (their activities, notes, attachments, identities and match candidates; the
 * e-mail and phone lists joined; the merged contacts deleted). The caller must be allowed to update and delete
 * contacts and to update activities and notes; `dry_run` answers the counts only.
 */
export async function mergeContacts(ctx: HubContext, caller: Caller, body: any) {
	requireUser(caller.accountability);
	const into = contactIdOf(body?.into, 'into');
	const from = body?.from;
	if (!Array.isArray(from) || from.length === 0 || from.length > 100)
		throw new InvalidPayloadError('from must be a list of 1 to 100 contact ids');
	const dryRun = body?.dry_run ?? false;
	if (typeof dryRun !== 'boolean') throw new InvalidPayloadError('dry_run must be a boolean');
	const ids = from.map((id: unknown) => contactIdOf(id, 'from'));
	if (ids.some((id: ContactId) => String(id) === String(into)))
		throw new InvalidPayloadError('from must not contain into');
	const source = contactSource(ctx.env).collection;

	for (const [action, collection] of [
		['update', source],
		['delete', source],
		['update', 'activities'],
		['update', 'contact_notes'],
	] as const)
		await requirePermission(ctx.database, caller, action, collection);

	return merge(await contactScope(ctx, caller.schema), into, ids, dryRun);
}

/** Contacts likely to be the same person, in groups (shared address, or same normalised name and company). */
export async function duplicateContacts(ctx: HubContext, caller: Caller) {
	requireUser(caller.accountability);
	return findDuplicates(await contactScope(ctx, caller.schema), caller.accountability);
}

/** Erases a contact and everything about it (admins; `confirm: true`); 409 while one of its activities is leased. */
export async function eraseContact(ctx: HubContext, caller: Caller, rawId: unknown, body: any) {
	requireAdmin(caller.accountability);
	const id = contactIdOf(rawId, 'id');
	if (body?.confirm !== true) throw new ConfirmationRequiredError();
	return erase(await contactScope(ctx, caller.schema), id, caller.accountability.user);
}

/**
 * Search across everything the caller may read: activities (with read on activities) and notes (with read on
 * contact_notes) — the Core tier's permissions are per collection, so that is the whole rule — ranked, with
 * highlights; `after` is the previous page's `next`.
 */
export async function searchEverything(ctx: HubContext, caller: Caller, input: Record<string, unknown>) {
	requireUser(caller.accountability);
	const params = searchParams(input);
	const db = ctx.database;

	const kinds = (
		await Promise.all(
			(['activity', 'note'] as const).map(async (kind) =>
				(await mayRead(db, caller, kind === 'activity' ? 'activities' : 'contact_notes')) ? [kind] : [],
			),
		)
	).flat() as SearchKind[];

	if (!kinds.length) throw new ForbiddenError('You may not read activities or notes');

	if (params.contact !== null) {
		const type = caller.schema.collections['activities']?.fields['contact']?.type;

		const pattern = ({ uuid: UUID, integer: /^-?\d{1,15}$/ } as Record<string, RegExp>)[type ?? ''];
		if (pattern && !pattern.test(params.contact)) throw new InvalidPayloadError('contact must be a contact id');
	}

	return search(db, params, { kinds });
}

/**
 * Who may send: admins, users whose Directus permissions allow creating activities, and agents (whose messages
 * are marked as an agent's). Public callers get 401, anyone else 403.
 */
async function requireSender(db: Db, caller: Caller): Promise<Author> {
	requireUser(caller.accountability);
	const accountability = caller.accountability;
	const agent = await isAgentUser(db, accountability);
	if (!agent && !accountability.admin) await requirePermission(db, caller, 'create', 'activities');
	return { user: accountability.user, agent };
}

const outboundScope = (ctx: HubContext): OutboundScope => ({
	database: ctx.database,
	channels: ingestPipeline(ctx).channels,
	region: readConfig(ctx.env).defaultRegion,
});

/** Announces a new outbound message and wakes this instance's sender. */
function queued(ctx: HubContext, caller: Caller, message: QueuedMessage) {
	if (message.row)
		emitCreated('activities', message.id, message.row, {
			database: ctx.database,
			schema: caller.schema,
			accountability: caller.accountability ?? null,
		});
	outboundSender(ctx).kick();
	return { id: message.id, delivery_status: message.delivery_status };
}

/** A reply to the counterparty of an activity, on its channel and in its thread (202: the sender sends it). */
export async function replyToActivity(ctx: HubContext, caller: Caller, rawId: unknown, body: any, key?: unknown) {
	const author = await requireSender(ctx.database, caller);
	const id = activityId(rawId);
	const message = await queueReply(outboundScope(ctx), author, id, body ?? {}, idempotencyKey(key));
	return queued(ctx, caller, message);
}

/** A new outbound message `{ channel, to, content, subject?, contact?, template? }`. */
export async function sendMessage(ctx: HubContext, caller: Caller, body: any, key?: unknown) {
	const author = await requireSender(ctx.database, caller);
	const message = await queueMessage(outboundScope(ctx), author, body ?? {}, idempotencyKey(key));
	return queued(ctx, caller, message);
}

/** A person's decision on a failed or unknown outbound message: `retry` sends it again, `mark_sent` records it. */
export async function resolveDelivery(ctx: HubContext, caller: Caller, rawId: unknown, action: unknown) {
	await requireSender(ctx.database, caller);
	const id = activityId(rawId);
	if (action !== 'retry' && action !== 'mark_sent') throw new InvalidPayloadError('action must be retry or mark_sent');
	await existsOr404(ctx.database, id);
	const queue = deliveryQueue({ database: ctx.database, schema: () => caller.schema });
	const next = await queue.resolve(id, action);
	if (!next) throw new NotResolvableError();
	if (next === 'queued') outboundSender(ctx).kick();
	return { id, delivery_status: next };
}
