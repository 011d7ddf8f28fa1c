import { describe, expect, it } from 'vitest';
import { declaredLength, type Refusal, RefusalBuffer, storableAddress } from './refusal-buffer.js';

const refusal = (channel: string, reason = 'KEY_INVALID'): Refusal => ({
	channel,
	provider: 'generic',
	status: 401,
	reason,
	remote_address: '127.0.0.1',
	content_length: 10,
	refused_at: new Date(0),
});

describe('RefusalBuffer', () => {
	it('keeps refusals in order and empties on take', () => {
		const buffer = new RefusalBuffer({ maxPending: 10, perChannel: 10 });
		buffer.add(refusal('a', 'KEY_MISSING'));
		buffer.add(refusal('b'));
		expect(buffer.take()).toEqual({ refusals: [refusal('a', 'KEY_MISSING'), refusal('b')], dropped: 0 });
		expect(buffer.take()).toEqual({ refusals: [], dropped: 0 });
	});

	it('samples a flood against one channel without crowding out the others', () => {
		const buffer = new RefusalBuffer({ maxPending: 100, perChannel: 3 });
		for (let i = 0; i < 50; i++) buffer.add(refusal('flooded'));
		expect(buffer.add(refusal('quiet'))).toBe(true);
		const { refusals, dropped } = buffer.take();
		expect(refusals.map((r) => r.channel)).toEqual(['flooded', 'flooded', 'flooded', 'quiet']);
		expect(dropped).toBe(47);
		// A new batch, a new share.
		expect(buffer.add(refusal('flooded'))).toBe(true);
	});

	it('holds at most maxPending', () => {
		const buffer = new RefusalBuffer({ maxPending: 5, perChannel: 100 });
		for (let i = 0; i < 8; i++) buffer.add(refusal(`c${i}`));
		expect(buffer.size).toBe(5);
		expect(buffer.take().dropped).toBe(3);
	});
});

describe.each([
	['a length', '1234', 1234],
	['padded', ' 12 ', 12],
	['absent', undefined, null],
	['negative', '-1', null],
	['garbage', '12abc', null],
	['a list', ['1', '2'], null],
	['huge (capped)', '9999999999999999', Number.MAX_SAFE_INTEGER],
	['too long', '99999999999999999999', null],
])('declaredLength of %s', (_, header, expected) => {
	it(`is ${expected}`, () => expect(declaredLength(header)).toBe(expected));
});

describe.each([
	['IPv4', '203.0.113.7', '203.0.113.7'],
	['IPv6', '2001:db8::1', '2001:db8::1'],
	['mapped', '::ffff:127.0.0.1', '::ffff:127.0.0.1'],
	['absent', undefined, null],
	['not an address', '<script>', null],
	['too long', '1'.repeat(65), null],
])('storableAddress of %s', (_, address, expected) => {
	it(`is ${expected}`, () => expect(storableAddress(address)).toBe(expected));
});
