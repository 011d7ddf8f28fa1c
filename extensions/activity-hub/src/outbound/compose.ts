// An outbound message, queued: validated, threaded (a reply goes to the counterparty of the activity it answers,
// on the same channel), matched to its contact and stored as an activity with delivery_status `queued`. The
// sender takes it from there. An Idempotency-Key makes a repeat return the first message, sent once.
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { ChannelStore } from '../runtime/channels.js';
import { activityFromRow, dbTime, parseJson, toIso } from '../runtime/context.js';
import { matchActivity } from '../runtime/identities.js';
import { QUEUE_STATES } from '../queue/index.js';
import {
	ChannelCannotSendError,
	InvalidPayloadError,
	NotFoundError,
	WhatsAppWindowClosedError,
} from '../shared/errors.js';
import { whatsappWindowOpen } from '../shared/delivery.js';
import { MAX_OUTBOUND_CONTENT, MAX_OUTBOUND_SUBJECT } from '../shared/limits.js';
import { templateProblem, type WhatsAppTemplate } from '../shared/reply.js';
import { UUID } from '../shared/ids.js';
import { outboundType, type SendingChannel, sendingChannel, setting } from './channels.js';
import { newMessageId, replySubject, smtpSettings, threadHeaders } from '../shared/node/senders/email.js';
import { conversationKey } from '../shared/threads.js';
import { counterpartyIdentities } from '../shared/matching.js';

export interface Author {
	user: string;
	/** An agent's reply is marked as such (metadata.sent_by = 'agent'). */
	agent: boolean;
}

export interface OutboundScope {
	database: Knex;
	channels: ChannelStore;
	region: string | undefined;
	now?: Date;
}

export interface QueuedMessage {
	id: string;
	delivery_status: string;
	/** False when an Idempotency-Key named a message queued before. */
	created: boolean;
	row: Record<string, unknown> | null;
}

const MAX_IDEMPOTENCY_KEY = 255;

/** The stored key: the caller's user and their key, hashed (a key is the caller's own, never another's). */
export const idempotencyHash = (user: string, key: string) =>
	createHash('sha256').update(`${user}\n${key}`).digest('hex');

function content(body: any, required: boolean) {
	const value = body?.content;

	if (value === undefined || value === null || value === '') {
		if (required) throw new InvalidPayloadError('content is required');
		return null;
	}

	if (typeof value !== 'string' || !value.trim()) throw new InvalidPayloadError('content must be a text');
	if (value.length > MAX_OUTBOUND_CONTENT)
		throw new InvalidPayloadError(`content must be at most ${MAX_OUTBOUND_CONTENT} characters`);
	return value;
}

function subject(body: any) {
	const value = body?.subject;
	if (value === undefined || value === null || value === '') return null;
	if (typeof value !== 'string') throw new InvalidPayloadError('subject must be a text');
	if (value.length > MAX_OUTBOUND_SUBJECT || /[\r\n]/.test(value))
		throw new InvalidPayloadError(`subject must be one line of at most ${MAX_OUTBOUND_SUBJECT} characters`);
	return value;
}

function template(body: any): WhatsAppTemplate | null {
	const value = body?.template;
	if (value === undefined || value === null) return null;

	if (templateProblem(value))
		throw new InvalidPayloadError(
			'template must be { name, language, parameters? } (a template name, a language code)',
		);
	return { name: value.name, language: value.language, ...(value.parameters ? { parameters: value.parameters } : {}) };
}

export function idempotencyKey(value: unknown): string | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value !== 'string' || value.length > MAX_IDEMPOTENCY_KEY)
		throw new InvalidPayloadError(`Idempotency-Key must be a text of at most ${MAX_IDEMPOTENCY_KEY} characters`);
	return value;
}

/** When the counterparty last wrote on this channel (the WhatsApp window opens then). */
async function lastInbound(database: Knex, channel: string, from: string) {
	const digits = from.replace(/^whatsapp:/, '').replace(/[^\d]/g, '');

	const row = await database('activities')
		.where({ channel, direction: 'inbound' })
		.whereIn('sender', [`+${digits}`, digits, `whatsapp:+${digits}`])
		.max({ at: 'occurred_at' })
		.first();

	const at = toIso(row?.at);
	return at ? new Date(at) : null;
}

interface Draft {
	target: SendingChannel;
	to: string;
	from: string | null;
	content: string | null;
	subject: string | null;
	template: WhatsAppTemplate | null;
	contact: number | string | null;
	inReplyTo: Record<string, unknown> | null;
}

async function queue(scope: OutboundScope, author: Author, key: string | null, draft: Draft): Promise<QueuedMessage> {
	const { database } = scope;
	const now = scope.now ?? new Date();
	const hash = key ? idempotencyHash(author.user, key) : null;

	if (hash) {
		const existing = await database('activities')
			.select('id', 'delivery_status')
			.where({ idempotency_key: hash })
			.first();

		if (existing)
			return { id: String(existing.id), delivery_status: existing.delivery_status, created: false, row: null };
	}

	const type = outboundType(draft.target, draft.to);
	if (type === 'whatsapp' && !draft.template && !draft.content)
		throw new InvalidPayloadError('content or template is required');
	if (type !== 'whatsapp' && draft.template) throw new InvalidPayloadError('template is for WhatsApp messages only');
	if (!draft.content && !draft.template) throw new InvalidPayloadError('content is required');

	if (type === 'whatsapp' && !draft.template) {
		const last = await lastInbound(database, draft.target.channel.id, draft.to);
		if (!whatsappWindowOpen(last, now)) throw new WhatsAppWindowClosedError();
	}

	const match =
		draft.contact != null
			? { contact: draft.contact, match_status: 'matched', match_candidates: null }
			: await matchActivity(database, { direction: 'outbound', sender: null, recipient: draft.to }, scope.region);

	const t = dbTime(database, now);
	const id = randomUUID();
	const original = draft.inReplyTo;
	let from = draft.from;
	let line = draft.subject;
	let messageId: string | null = null;
	let threadKey: string | null = null;
	let email: ReturnType<typeof threadHeaders> | null = null;

	if (type === 'email') {
		from = smtpSettings(draft.target.settings)?.from ?? setting(draft.target.settings, 'from') ?? from;
		if (!from) throw new ChannelCannotSendError('This e-mail channel needs settings.smtp.from to start a message');
		messageId = newMessageId(from);
		line = line ?? (original ? replySubject((original['subject'] as string | null) ?? null) : null);
		if (!line) throw new InvalidPayloadError('subject is required for a new e-mail');
		const parentId = (original?.['message_id'] as string | null) ?? null;
		email = threadHeaders(parentId, original?.['thread_key'] ?? null);
		threadKey = (original?.['thread_key'] as string | null) ?? parentId ?? messageId;
	} else {
		const counterparty =
			counterpartyIdentities({ direction: 'outbound', sender: from, recipient: draft.to }, scope.region)[0]?.value ??
			draft.to;

		threadKey =
			(original?.['thread_key'] as string | null) ?? conversationKey(type, draft.target.channel.id, counterparty);
	}

	const parsed = draft.inReplyTo ? parseJson(draft.inReplyTo['metadata']) : null;
	const replyMetadata = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;

	const row = {
		id,
		type,
		direction: 'outbound',
		status: QUEUE_STATES.completed,
		channel: draft.target.channel.id,
		contact: match.contact,
		match_status: match.match_status,
		match_candidates: match.match_candidates ? JSON.stringify(match.match_candidates) : null,
		owner: draft.target.channel.owner,
		subject: line,
		message_id: messageId,
		thread_key: threadKey,
		content: draft.template ? (draft.content ?? `[template ${draft.template.name}]`) : draft.content,
		sender: from,
		recipient: draft.to,
		occurred_at: t,
		payload: JSON.stringify({ ...(draft.template ? { template: draft.template } : {}), ...(email ? { email } : {}) }),
		metadata: JSON.stringify({
			author: author.user,
			sent_by: author.agent ? 'agent' : 'person',
			in_reply_to: draft.inReplyTo ? draft.inReplyTo['id'] : null,
			// WhatsApp: the business number the customer wrote to is the one that answers.
			...(type === 'whatsapp' && replyMetadata['phone_number_id']
				? { phone_number_id: replyMetadata['phone_number_id'] }
				: {}),
		}),
		processed_data: JSON.stringify({}),
		attempts: 0,
		max_attempts: 1,
		available_at: t,
		delivery_status: 'queued',
		idempotency_key: hash,
		date_created: t,
		date_updated: t,
		completed_at: t,
	};

	try {
		await database('activities').insert(row);
	} catch (error) {
		// Two requests with the same key at once: the unique index lets one in; the other answers its message.
		if (!hash) throw error;
		const raced = await database('activities').select('id', 'delivery_status').where({ idempotency_key: hash }).first();
		if (!raced) throw error;
		return { id: String(raced.id), delivery_status: raced.delivery_status, created: false, row: null };
	}

	const { idempotency_key: _hash, ...visible } = row;
	return { id, delivery_status: 'queued', created: true, row: activityFromRow(visible) };
}

/** A reply to the counterparty of activity `activityId`, on its channel. */
export async function queueReply(
	scope: OutboundScope,
	author: Author,
	activityId: string,
	body: any,
	key: string | null,
): Promise<QueuedMessage> {
	const text = content(body, false);
	const line = subject(body);
	const tpl = template(body);
	const original = await scope.database('activities').where({ id: activityId }).first();
	if (!original) throw new NotFoundError('No such activity');
	const target = await sendingChannel(scope.channels, original.channel);
	if (!target || !target.channel.enabled) throw new ChannelCannotSendError('The activity has no channel to answer on');
	const inbound = original.direction !== 'outbound';
	const to = (inbound ? original.sender : original.recipient) as string | null;
	if (!to) throw new ChannelCannotSendError('The activity has no counterparty address to answer');

	return queue(scope, author, key, {
		target,
		to,
		from: (inbound ? original.recipient : original.sender) ?? null,
		content: text,
		subject: line,
		template: tpl,
		contact: original.contact ?? null,
		inReplyTo: original,
	});
}

/** A new message `{ channel, to, content, subject?, contact?, template? }`. */
export async function queueMessage(scope: OutboundScope, author: Author, body: any, key: string | null) {
	const channelId = body?.channel;
	if (typeof channelId !== 'string' || !UUID.test(channelId))
		throw new InvalidPayloadError('channel (an id) is required');
	const to = body?.to;
	if (typeof to !== 'string' || !to.trim() || to.length > 320)
		throw new InvalidPayloadError('to (an address) is required');
	const text = content(body, false);
	const line = subject(body);
	const tpl = template(body);
	const contact = body?.contact;
	if (contact !== undefined && contact !== null && typeof contact !== 'string' && typeof contact !== 'number')
		throw new InvalidPayloadError('contact must be a contact id');
	const target = await sendingChannel(scope.channels, channelId);
	if (!target || !target.channel.enabled) throw new InvalidPayloadError('channel: no such enabled channel');

	return queue(scope, author, key, {
		target,
		to: to.trim(),
		from: null,
		content: text,
		subject: line,
		template: tpl,
		contact: contact ?? null,
		inReplyTo: null,
	});
}
