// A reply from the timeline, decided before it is sent: which activities can be answered and how (channel, kind,
// recipient, `Re:` subject), whether WhatsApp's customer-service window is still open from the customer's last
// message, what a template must look like, and how an outbound message's delivery status reads (ticks, the actions a
// person has). Pure: Studio's reply box and activity rows read it, and the API validates templates with it.
import type { DeliveryStatus } from './activity.js';
import { whatsappWindowOpen } from './delivery.js';
import { MAX_TEMPLATE_PARAMETER, MAX_TEMPLATE_PARAMETERS, WHATSAPP_WINDOW_HOURS } from './limits.js';

/** The kinds of activity a reply can answer. */
export const REPLY_TYPES = ['email', 'sms', 'whatsapp'] as const;
export type ReplyType = (typeof REPLY_TYPES)[number];

/** An activity as the reply logic reads it (a timeline row). */
export interface ReplyableRow {
	id: string;
	type: string;
	direction: string;
	channel: string | null;
	sender: string | null;
	recipient: string | null;
	subject: string | null;
	occurred_at: string;
}

/** Who a reply goes to, on which channel, and (e-mail) under which subject. */
export interface ReplyTarget {
	/** The activity answered: `POST /activity-hub/activities/:id/reply`. */
	activity: string;
	channel: string;
	type: ReplyType;
	to: string;
	/** E-mail only: the original's subject with one `Re:`. */
	subject: string | null;
}

/** `Re: subject` once, however many replies deep. */
export const replySubject = (subject: string | null) =>
	subject && /^\s*re:/i.test(subject) ? subject : `Re: ${subject ?? ''}`.trim();

const isReplyType = (type: string): type is ReplyType => (REPLY_TYPES as readonly string[]).includes(type);

/** The reply to an inbound e-mail, SMS or WhatsApp message with a channel and a sender; null for anything else. */
export function replyTarget(row: ReplyableRow): ReplyTarget | null {
	const to = row.sender?.trim();
	if (!isReplyType(row.type) || row.direction !== 'inbound' || !row.channel || !to) return null;
	return {
		activity: row.id,
		channel: row.channel,
		type: row.type,
		to,
		subject: row.type === 'email' ? replySubject(row.subject) : null,
	};
}

/** The reply to a conversation (a thread's messages, any order): to its newest answerable message. */
export function conversationTarget(rows: ReplyableRow[]): ReplyTarget | null {
	const newest = [...rows].sort((a, b) => b.occurred_at.localeCompare(a.occurred_at));

	for (const row of newest) {
		const target = replyTarget(row);
		if (target) return target;
	}

	return null;
}

/** An address compared as the server does: a phone number by its digits (`whatsapp:`/`tel:` dropped), else lower-cased. */
export function counterpartyKey(address: string | null | undefined): string {
	const text = (address ?? '').trim().replace(/^(whatsapp|tel):/i, '');
	if (!text.includes('@') && /^\+?[\d\s().-]+$/.test(text)) return text.replace(/\D/g, '');
	return text.toLowerCase();
}

/** When the counterparty last wrote on the target's channel, among `rows` (the server checks again on send). */
export function lastInbound(rows: ReplyableRow[], target: ReplyTarget): string | null {
	const who = counterpartyKey(target.to);
	let last: string | null = null;

	for (const row of rows)
		if (
			row.direction === 'inbound' &&
			row.channel === target.channel &&
			counterpartyKey(row.sender) === who &&
			(last === null || new Date(row.occurred_at).getTime() > new Date(last).getTime())
		)
			last = row.occurred_at;
	return last;
}

/** WhatsApp's customer-service window: open for WHATSAPP_WINDOW_HOURS after the customer's last message. */
export function whatsappWindow(lastInboundAt: string | null, now: number): { open: boolean; closesAt: string | null } {
	const last = lastInboundAt ? new Date(lastInboundAt) : null;
	if (!last || Number.isNaN(last.getTime())) return { open: false, closesAt: null };
	const closesAt = new Date(last.getTime() + WHATSAPP_WINDOW_HOURS * 3600_000).toISOString();
	return { open: whatsappWindowOpen(last, new Date(now)), closesAt };
}

/** A WhatsApp message template: an approved template's name, its language code and its body parameters. */
export interface WhatsAppTemplate {
	name: string;
	language: string;
	parameters?: string[];
}

/** Template names as WhatsApp Manager allows them, and language codes such as `de` or `en_US`. */
export const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
export const TEMPLATE_LANGUAGE = /^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})?$/;

/** What is wrong with a template, or null when it can be sent. */
export function templateProblem(value: unknown): 'name' | 'language' | 'parameters' | null {
	const template = value as Partial<WhatsAppTemplate> | null;
	if (!template || typeof template !== 'object') return 'name';
	if (typeof template.name !== 'string' || !TEMPLATE_NAME.test(template.name)) return 'name';
	if (typeof template.language !== 'string' || !TEMPLATE_LANGUAGE.test(template.language)) return 'language';
	const parameters = template.parameters;
	if (parameters === undefined) return null;

	const valid =
		Array.isArray(parameters) &&
		parameters.length <= MAX_TEMPLATE_PARAMETERS &&
		parameters.every((p: unknown) => typeof p === 'string' && p.length <= MAX_TEMPLATE_PARAMETER);

	return valid ? null : 'parameters';
}

/** How an outbound message's delivery reads on its row: a label, its ticks, and what a person may do about it. */
export interface DeliveryView {
	status: DeliveryStatus;
	/** The label's message key (`delivery_sent` …). */
	label: `delivery_${'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'unknown'}`;
	/** 0 while sending or on failure, ✓ sent, ✓✓ delivered and read (read coloured). */
	ticks: 0 | 1 | 2;
	tone: 'pending' | 'done' | 'read' | 'danger' | 'warning';
	icon: string;
	actions: Array<'retry' | 'mark_sent'>;
}

const VIEWS: Record<DeliveryStatus, Omit<DeliveryView, 'status'>> = {
	queued: { label: 'delivery_sending', ticks: 0, tone: 'pending', icon: 'schedule', actions: [] },
	sending: { label: 'delivery_sending', ticks: 0, tone: 'pending', icon: 'schedule', actions: [] },
	sent: { label: 'delivery_sent', ticks: 1, tone: 'done', icon: 'check', actions: [] },
	delivered: { label: 'delivery_delivered', ticks: 2, tone: 'done', icon: 'done_all', actions: [] },
	read: { label: 'delivery_read', ticks: 2, tone: 'read', icon: 'done_all', actions: [] },
	failed: { label: 'delivery_failed', ticks: 0, tone: 'danger', icon: 'error', actions: ['retry'] },
	unknown: { label: 'delivery_unknown', ticks: 0, tone: 'warning', icon: 'help', actions: ['retry', 'mark_sent'] },
};

/** The delivery view of a row's delivery_status; null for rows that are not outbound messages. */
export function deliveryView(status: unknown): DeliveryView | null {
	if (typeof status !== 'string' || !(status in VIEWS)) return null;
	return { status: status as DeliveryStatus, ...VIEWS[status as DeliveryStatus] };
}
