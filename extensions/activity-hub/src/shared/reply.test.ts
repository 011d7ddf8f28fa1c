import { describe, expect, it } from 'vitest';
import {
	conversationTarget,
	counterpartyKey,
	deliveryView,
	lastInbound,
	type ReplyableRow,
	replySubject,
	replyTarget,
	templateProblem,
	whatsappWindow,
} from './reply.js';

const row = (fields: Partial<ReplyableRow>): ReplyableRow => ({
	id: 'a1',
	type: 'sms',
	direction: 'inbound',
	channel: 'c1',
	sender: '+12025550101',
	recipient: '+12025550199',
	subject: null,
	occurred_at: '2026-01-02T10:00:00.000Z',
	...fields,
});

describe('replyTarget', () => {
	it.each([
		[row({}), { activity: 'a1', channel: 'c1', type: 'sms', to: '+12025550101', subject: null }],
		[
			row({ type: 'email', sender: 'ana@acme.example', subject: 'Quote 1042' }),
			{ activity: 'a1', channel: 'c1', type: 'email', to: 'ana@acme.example', subject: 'Re: Quote 1042' },
		],
		[
			row({ type: 'email', sender: 'ana@acme.example', subject: 'RE: Quote' }),
			{ activity: 'a1', channel: 'c1', type: 'email', to: 'ana@acme.example', subject: 'RE: Quote' },
		],
		[
			row({ type: 'whatsapp', sender: 'whatsapp:+4915112345' }),
			{ activity: 'a1', channel: 'c1', type: 'whatsapp', to: 'whatsapp:+4915112345', subject: null },
		],
		[row({ direction: 'outbound' }), null],
		[row({ type: 'call' }), null],
		[row({ channel: null }), null],
		[row({ sender: '  ' }), null],
	])('%o → %o', (activity, expected) => expect(replyTarget(activity)).toEqual(expected));

	it.each([
		['Quote', 'Re: Quote'],
		['re: Quote', 're: Quote'],
		[null, 'Re:'],
		['', 'Re:'],
	])('subject %s → %s', (subject, expected) => expect(replySubject(subject)).toBe(expected));
});

describe('conversationTarget', () => {
	const older = row({ id: 'old', type: 'email', sender: 'ana@acme.example', occurred_at: '2026-01-01T00:00:00Z' });
	const newer = row({ id: 'new', type: 'email', sender: 'bo@acme.example', occurred_at: '2026-01-03T00:00:00Z' });
	const ours = row({ id: 'ours', type: 'email', direction: 'outbound', occurred_at: '2026-01-04T00:00:00Z' });

	it.each([
		[[older, newer, ours], 'new'],
		[[ours, older], 'old'],
		[[ours], null],
		[[], null],
	])('%#', (rows, expected) => expect(conversationTarget(rows)?.activity ?? null).toBe(expected));
});

describe('counterpartyKey', () => {
	it.each([
		['+1 (202) 555-0101', '12025550101'],
		['whatsapp:+4915112345', '4915112345'],
		['4915112345', '4915112345'],
		['Ana@Acme.example', 'ana@acme.example'],
		[null, ''],
	])('%s → %s', (address, expected) => expect(counterpartyKey(address)).toBe(expected));
});

describe('lastInbound', () => {
	const target = replyTarget(row({ type: 'whatsapp', sender: '4915112345' }))!;

	it.each<[Partial<ReplyableRow>[], string | null]>([
		[[{ sender: '4915112345' }], '2026-01-02T10:00:00.000Z'],
		[
			[
				{ sender: '4915112345', occurred_at: '2026-01-01T00:00:00Z' },
				{ sender: 'whatsapp:+4915112345', occurred_at: '2026-01-02T12:00:00Z' },
			],
			'2026-01-02T12:00:00Z',
		],
		[[{ sender: '4915112345', direction: 'outbound', occurred_at: '2026-01-05T00:00:00Z' }], null],
		[[{ sender: '4915112345', channel: 'other' }], null],
		[[{ sender: '4915199999' }], null],
	])('%#', (rows, expected) => expect(lastInbound(rows.map(row), target)).toBe(expected));
});

describe('whatsappWindow', () => {
	const now = Date.parse('2026-01-02T12:00:00Z');

	it.each([
		[null, { open: false, closesAt: null }],
		['not a date', { open: false, closesAt: null }],
		['2026-01-02T00:00:00Z', { open: true, closesAt: '2026-01-03T00:00:00.000Z' }],
		['2026-01-01T12:00:01Z', { open: true, closesAt: '2026-01-02T12:00:01.000Z' }],
		['2026-01-01T12:00:00Z', { open: false, closesAt: '2026-01-02T12:00:00.000Z' }],
	])('%s → %o', (last, expected) => expect(whatsappWindow(last, now)).toEqual(expected));
});

describe('templateProblem', () => {
	it.each([
		[{ name: 'follow_up', language: 'de' }, null],
		[{ name: 'follow_up', language: 'en_US', parameters: ['Ada', '42'] }, null],
		[{ name: 'Follow up', language: 'de' }, 'name'],
		[{ name: '', language: 'de' }, 'name'],
		[{ language: 'de' }, 'name'],
		[null, 'name'],
		[{ name: 'follow_up', language: 'german' }, 'language'],
		[{ name: 'follow_up', language: 'de', parameters: [1] }, 'parameters'],
		[{ name: 'follow_up', language: 'de', parameters: Array(21).fill('x') }, 'parameters'],
		[{ name: 'follow_up', language: 'de', parameters: ['x'.repeat(1025)] }, 'parameters'],
	])('%o → %s', (template, expected) => expect(templateProblem(template)).toBe(expected));
});

describe('deliveryView', () => {
	it.each([
		['queued', 'delivery_sending', 0, 'pending', []],
		['sending', 'delivery_sending', 0, 'pending', []],
		['sent', 'delivery_sent', 1, 'done', []],
		['delivered', 'delivery_delivered', 2, 'done', []],
		['read', 'delivery_read', 2, 'read', []],
		['failed', 'delivery_failed', 0, 'danger', ['retry']],
		['unknown', 'delivery_unknown', 0, 'warning', ['retry', 'mark_sent']],
	])('%s', (status, label, ticks, tone, actions) =>
		expect(deliveryView(status)).toMatchObject({ status, label, ticks, tone, actions }),
	);

	it.each([null, undefined, '', 'bogus', 3])('%s → null', (status) => expect(deliveryView(status)).toBeNull());
});
