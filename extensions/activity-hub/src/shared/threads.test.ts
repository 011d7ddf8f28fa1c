import { describe, expect, it } from 'vitest';
import {
	conversationKey,
	emailIdentity,
	emailThreadKey,
	messageIdList,
	normaliseMessageId,
	timelineEntries,
} from './threads.js';

describe('normaliseMessageId', () => {
	it.each([
		['<CAF=abc123@Mail.Acme.EXAMPLE>', 'CAF=abc123@mail.acme.example'],
		['  <a@b.example>  ', 'a@b.example'],
		['a@b.example', 'a@b.example'],
		['<a@b.example> (comment)', 'a@b.example'],
		['(comment) <first@x> <second@x>', 'first@x'],
		['<>', null],
		['', null],
		[null, null],
		[42, null],
		[`<${'x'.repeat(300)}@b>`, null],
	])('%j → %j', (raw, expected) => expect(normaliseMessageId(raw)).toBe(expected));

	it('keeps the local part as written (it is case-sensitive)', () =>
		expect(normaliseMessageId('<AbC@X.COM>')).toBe('AbC@x.com'));

	it('is idempotent', () => expect(normaliseMessageId(normaliseMessageId('<Q@W.E>'))).toBe('Q@w.e'));
});

describe('messageIdList', () => {
	it.each([
		['<a@x> <b@x>\r\n <c@x>', ['a@x', 'b@x', 'c@x']],
		['<a@x>,<b@x>', ['a@x', 'b@x']],
		['<a@x> <a@X>', ['a@x']],
		[
			['<a@x>', '<b@x>'],
			['a@x', 'b@x'],
		],
		['a@x b@x', ['a@x', 'b@x']],
		[undefined, []],
	])('%j', (raw, expected) => expect(messageIdList(raw)).toEqual(expected));
});

describe('emailThreadKey', () => {
	it.each([
		['References first', { messageId: '<c@x>', inReplyTo: '<b@x>', references: '<a@x> <b@x>' }, 'a@x'],
		['In-Reply-To without References', { messageId: '<c@x>', inReplyTo: '<b@x>' }, 'b@x'],
		['its own id when it starts a thread', { messageId: '<c@x>' }, 'c@x'],
		['mailparser arrays', { messageId: '<c@x>', references: ['<a@x>', '<b@x>'] }, 'a@x'],
		['an empty References falls through', { messageId: '<c@x>', inReplyTo: '<b@x>', references: '' }, 'b@x'],
		['nothing to thread on', {}, null],
	])('%s', (_name, headers, expected) => expect(emailThreadKey(headers)).toBe(expected));

	it('never threads by subject', () =>
		expect(emailIdentity({ messageId: '<one@x>' }).thread_key).not.toBe(
			emailIdentity({ messageId: '<two@x>' }).thread_key,
		));

	it('a reply and the message it answers share the thread', () => {
		const first = emailIdentity({ messageId: '<first@x>' });
		const reply = emailIdentity({ messageId: '<reply@x>', inReplyTo: '<first@x>', references: '<first@x>' });
		expect(reply.thread_key).toBe(first.thread_key);
		expect(reply.message_id).toBe('reply@x');
	});
});

describe('conversationKey', () => {
	it.each([
		['sms', 'c1', '+12025550143', 'sms:c1:+12025550143'],
		['whatsapp', 'c1', '+4915112345678', 'whatsapp:c1:+4915112345678'],
		['email', 'c1', 'a@x', null],
		['call', 'c1', '+12025550143', null],
		['sms', 'c1', null, null],
	] as const)('%s on %s with %s', (type, channel, counterparty, expected) =>
		expect(conversationKey(type, channel, counterparty)).toBe(expected),
	);
});

describe('timelineEntries', () => {
	const row = (id: string, at: string, extra: Partial<Record<string, unknown>> = {}) => ({
		id,
		type: 'email',
		thread_key: null as string | null,
		occurred_at: `2026-01-01T${at}:00.000Z`,
		sender: `${id}@x.example`,
		recipient: 'team@crm.example',
		...extra,
	});

	it('groups a thread at its newest message; others stay single, in order', () => {
		const rows = [
			row('c', '12:00', { thread_key: 't1' }),
			row('sms', '11:00', { type: 'sms', thread_key: 'sms:ch:+1' }),
			row('b', '10:00', { thread_key: 't1', sender: 'Bo <B@X.example>' }),
			row('solo', '09:00', { thread_key: 't2' }),
			row('a', '08:00', { thread_key: 't1' }),
		];

		const entries = timelineEntries(rows);
		expect(entries.map((e) => e.key)).toEqual(['thread:t1', 'sms', 'solo']);
		const thread = entries[0]!;
		if (thread.kind !== 'thread') throw new Error('expected a thread');
		expect(thread.count).toBe(3);
		expect(thread.latest.id).toBe('c');
		expect(thread.activities.map((a) => a.id)).toEqual(['c', 'b', 'a']);
		expect(thread.participants).toEqual(['c@x.example', 'b@x.example', 'a@x.example', 'team@crm.example']);
	});

	it('a live reply moves its thread to the top and counts it', () => {
		const before = timelineEntries([
			row('x', '09:00'),
			row('b', '08:00', { thread_key: 't' }),
			row('a', '07:00', { thread_key: 't' }),
		]);

		expect(before.map((e) => e.key)).toEqual(['x', 'thread:t']);

		const after = timelineEntries([
			row('c', '10:00', { thread_key: 't' }),
			row('x', '09:00'),
			row('b', '08:00', { thread_key: 't' }),
			row('a', '07:00', { thread_key: 't' }),
		]);

		expect(after.map((e) => e.key)).toEqual(['thread:t', 'x']);
		expect(after[0]!.kind === 'thread' && after[0]!.count).toBe(3);
	});

	it('SMS conversations are not collapsed (only e-mail threads are)', () =>
		expect(
			timelineEntries([
				row('1', '10:00', { type: 'sms', thread_key: 'k' }),
				row('2', '09:00', { type: 'sms', thread_key: 'k' }),
			]).map((e) => e.kind),
		).toEqual(['single', 'single']));
});
