import { describe, expect, it } from 'vitest';
import {
	decodeSearchCursor,
	MARK_END as E,
	encodeSearchCursor,
	fragments,
	ftsExpression,
	highlights,
	MARK_START as S,
	searchParams,
} from './search.js';

describe('ftsExpression', () => {
	it.each([
		['invoice 1042', '"invoice" AND "1042"'],
		['  Invoice,   1042! ', '"Invoice" AND "1042"'],
		['"late delivery" refund', '"late" + "delivery" AND "refund"'],
		['refund or credit', '("refund" OR "credit")'],
		['invoice -draft', '("invoice") NOT ("draft")'],
		['jane@example.com', '"jane" + "example" + "com"'],
		['Müller straße', '"Müller" AND "straße"'],
		// FTS5 syntax is data: quoted, never an operator or a column filter.
		['subject:secret NEAR(a b) *', '"subject" + "secret" AND "NEAR" + "a" AND "b"'],
		['AND OR NOT', '("AND" OR "NOT")'],
		['-only -negative', null],
		['!!! ???', null],
		['or', null],
	])('%s → %s', (text, expected) => expect(ftsExpression(text)).toBe(expected));
});

describe('searchParams', () => {
	it('takes the defaults', () =>
		expect(searchParams({ q: ' invoice ' })).toEqual({
			q: 'invoice',
			contact: null,
			type: null,
			channel: null,
			limit: 20,
			after: null,
		}));

	it.each([
		[{}, 'q must contain a word'],
		[{ q: '!!!' }, 'q must contain a word'],
		[{ q: 'x'.repeat(201) }, 'at most 200'],
		[{ q: ['a', 'b'] }, 'given once'],
		[{ q: 'a', type: 'fax' }, 'type must be one of'],
		[{ q: 'a', channel: 'x' }, 'channel must be a channel id'],
		[{ q: 'a', limit: '0' }, 'limit must be an integer from 1 to 50'],
		[{ q: 'a', limit: '51' }, 'limit must be'],
		[{ q: 'a', limit: '2.5' }, 'limit must be'],
		[{ q: 'a', after: 'garbage' }, 'after must be a next cursor'],
		[{ q: 'a', after: btoa('[1,"user","x"]') }, 'after must be a next cursor'],
	])('refuses %j', (input, message) => expect(() => searchParams(input)).toThrow(message));

	it('reads filters and a cursor', () => {
		const after = { score: 0.0607927, kind: 'note' as const, id: '42' };

		expect(
			searchParams({
				q: 'a',
				contact: 7,
				type: 'email',
				channel: '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a90',
				limit: '5',
				after: encodeSearchCursor(after),
			}),
		).toMatchObject({ contact: '7', type: 'email', limit: 5, after });
	});
});

describe('cursor', () => {
	it('round-trips a score exactly', () => {
		const cursor = { score: -1.2345678901234568e-7, kind: 'activity' as const, id: 'b6c1…' };
		expect(decodeSearchCursor(encodeSearchCursor(cursor))).toEqual(cursor);
		expect(encodeSearchCursor(cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
	});
});

describe('highlights', () => {
	it('splits marked text into fragments', () =>
		expect(fragments(`Re: ${S}invoice${E} ${S}1042${E} overdue`)).toEqual([
			{ text: 'Re: ', match: false },
			{ text: 'invoice', match: true },
			{ text: ' ', match: false },
			{ text: '1042', match: true },
			{ text: ' overdue', match: false },
		]));

	it('drops tags and keeps script text as plain text', () =>
		expect(fragments(`<p>Pay <b>${S}invoice${E}</b></p>\n\n <script>x</script>`)).toEqual([
			{ text: 'Pay ', match: false },
			{ text: 'invoice', match: true },
			{ text: ' x', match: false },
		]));

	it('names only the fields that matched, in order', () =>
		expect(
			highlights({ transcript: `said ${S}refund${E}`, subject: 'no match', content: null, sender: `${S}a${E}` }),
		).toEqual([
			{
				field: 'transcript',
				fragments: [
					{ text: 'said ', match: false },
					{ text: 'refund', match: true },
				],
			},
			{ field: 'sender', fragments: [{ text: 'a', match: true }] },
		]));
});
