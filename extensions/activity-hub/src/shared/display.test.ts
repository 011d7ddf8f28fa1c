import { describe, expect, it } from 'vitest';
import {
	appendPage,
	contactLabel,
	duration,
	elapsed,
	excerpt,
	formatAddress,
	localTime,
	matchesFilters,
	nextPage,
	plainText,
	relativeTime,
	searchTerms,
	timelineFilter,
} from './display.js';

describe('plainText', () => {
	it.each([
		['plain text is kept', 'Hello <3 you', 'Hello <3 you'],
		['tags are removed', '<p>Hello <b>there</b></p>', 'Hello there'],
		['scripts and styles vanish with their content', '<style>p{}</style><script>alert(1)</script><p>Hi</p>', 'Hi'],
		['event handlers go with their tag', '<img src=x onerror="alert(1)">Hi', 'Hi'],
		['entities in HTML are decoded once', '<p>&lt;b&gt; &amp;amp; &quot;q&quot;</p>', '<b> &amp; "q"'],
		['line breaks survive', 'one<br>two<p>three</p>', 'one\ntwo\nthree'],
		['entities in plain text stay as typed', 'R&amp;D', 'R&amp;D'],
		['non-strings are empty', 42, ''],
	])('%s', (_label, input, expected) => expect(plainText(input)).toBe(expected));

	it('bounds excerpts', () => expect(excerpt('x'.repeat(300), 10)).toBe(`${'x'.repeat(10)}…`));
});

describe('relativeTime', () => {
	const now = Date.parse('2026-06-01T12:00:00Z');

	it.each([
		['2026-06-01T11:59:30Z', '30 seconds ago'],
		['2026-06-01T11:00:00Z', '1 hour ago'],
		['2026-05-31T12:00:00Z', 'yesterday'],
		['2026-03-01T12:00:00Z', '3 months ago'],
		['2024-06-01T12:00:00Z', '2 years ago'],
		['2026-06-01T12:00:20Z', 'now'],
		['2026-06-01T13:00:00Z', 'in 1 hour'],
		[null, ''],
		['not a date', ''],
	])('%s → %s', (iso, text) => expect(relativeTime(iso, now, 'en')).toBe(text));
});

describe('timelineFilter', () => {
	it.each([
		['nothing', {}, {}],
		['a contact', { contact: 7 }, { _and: [{ contact: { _eq: 7 } }] }],
		[
			'a contact, type and status',
			{ contact: 7, type: 'sms', status: 'failed' },
			{ _and: [{ contact: { _eq: 7 } }, { type: { _eq: 'sms' } }, { status: { _eq: 'failed' } }] },
		],
		['a blank search is ignored', { search: '   ' }, {}],
		[
			'a search over the text fields',
			{ search: ' quote ' },
			{
				_and: [
					{
						_or: [
							{ subject: { _icontains: 'quote' } },
							{ content: { _icontains: 'quote' } },
							{ sender: { _icontains: 'quote' } },
							{ recipient: { _icontains: 'quote' } },
							{ transcript_text: { _icontains: 'quote' } },
						],
					},
				],
			},
		],
		[
			'the next page',
			{ channel: 'c', before: '2026-01-01T00:00:00Z' },
			{ _and: [{ channel: { _eq: 'c' } }, { occurred_at: { _lte: '2026-01-01T00:00:00Z' } }] },
		],
	])('%s', (_label, filters, expected) => expect(timelineFilter(filters)).toEqual(expected));

	it.each([
		['nothing shown', [], null],
		['distinct times', [{ occurred_at: 'b' }, { occurred_at: 'a' }], { before: 'a', offset: 1 }],
		[
			'a run of equal times at the end (a bulk import)',
			[{ occurred_at: 'b' }, { occurred_at: 'a' }, { occurred_at: 'a' }, { occurred_at: 'a' }],
			{ before: 'a', offset: 3 },
		],
	])('next page after %s', (_label, shown, expected) => expect(nextPage(shown)).toEqual(expected));

	it('drops rows a page repeats', () =>
		expect(appendPage([{ id: 1 }, { id: 2 }], [{ id: 2 }, { id: 3 }]).map((r) => r.id)).toEqual([1, 2, 3]));
});

describe('matchesFilters', () => {
	const row = {
		contact: 7,
		type: 'sms',
		status: 'raw',
		channel: 'c1',
		owner: null,
		subject: null,
		content: 'Move the CALL to 3pm',
		sender: '+4479',
		processed_data: { transcript: [{ start: 0, end: 2, text: 'The renewal is due in March', speaker: 'Ana' }] },
	};

	it.each([
		['no filters', {}, true],
		['its contact (id as text)', { contact: '7' }, true],
		['another contact', { contact: 8 }, false],
		['its type and status', { type: 'sms', status: 'raw' }, true],
		['another status', { status: 'failed' }, false],
		['another channel', { channel: 'c2' }, false],
		['a search hit, any case', { search: 'call' }, true],
		['a search hit in the sender', { search: '+44' }, true],
		['a search miss', { search: 'invoice' }, false],
		['a search hit in the transcript of a live row', { search: 'renewal' }, true],
		['a search hit in a stored transcript text', { search: 'budget' }, false],
	])('%s', (_label, filters, expected) => expect(matchesFilters(row, filters)).toBe(expected));

	it('reads transcript_text when a row has it', () =>
		expect(matchesFilters({ transcript_text: 'budget talk' }, { search: 'BUDGET' })).toBe(true));
});

describe('elapsed', () => {
	it.each<[number, string, string]>([
		[0, 'en', '0 sec'],
		[45, 'en', '45 sec'],
		[720, 'en', '12 min'],
		[12_600, 'en', '3.5 hr'],
		[172_800, 'en', '2 days'],
		[720, 'de', '12 Min.'],
		[12_600, 'de-DE', '3,5 Std.'],
	])('%d s in %s → %s', (seconds, locale, expected) => expect(elapsed(seconds, locale)).toBe(expected));
});

describe('rows for people', () => {
	it.each([
		['a US number abroad', '+12025550143', 'DE', '+1 202 555 0143'],
		['a US number at home', '+12025550143', 'US', '(202) 555-0143'],
		['a German number at home', '+4930123456', 'DE', '030 123456'],
		['a WhatsApp id', 'whatsapp:+12025550143', 'DE', '+1 202 555 0143'],
		['an e-mail address', 'Ana <ana@acme.example>', 'US', 'Ana <ana@acme.example>'],
		['a SIP identity', 'sip:desk@pbx.example', 'US', 'sip:desk@pbx.example'],
		['no region: international', '+12025550143', undefined, '+1 202 555 0143'],
	])('formats %s', (_label, address, region, expected) => expect(formatAddress(address, region)).toBe(expected));

	it.each([
		[412, '6:52'],
		[5, '0:05'],
		[3725, '1:02:05'],
		[null, ''],
		[-1, ''],
	])('a call of %s s lasts %s', (seconds, expected) => expect(duration(seconds)).toBe(expected));

	it('shows a moment in local time, not UTC ISO', () => {
		expect(localTime('2026-06-01T12:00:00Z', 'en-US', 'Europe/Berlin')).toBe('Jun 1, 2026, 02:00 PM GMT+2');
		expect(localTime('nonsense', 'en-US')).toBe('');
	});

	it.each([
		['first and last name', { id: 9, first_name: 'Ana', last_name: 'Ruiz' }, 'Ana Ruiz'],
		['a company', { id: 9, company: 'Acme' }, 'Acme'],
		['an e-mail list', { id: 9, emails: [{ email: 'ana@acme.example' }] }, 'ana@acme.example'],
		['nothing', { id: 9 }, '#9'],
	])('names a contact by %s', (_label, row, expected) => expect(contactLabel(row)).toBe(expected));
});

describe('phone-normalised search', () => {
	it('searches a number as written and as stored (E.164)', () => {
		expect(searchTerms('+1 202 555 0143')).toEqual(['+1 202 555 0143', '+12025550143']);
		expect(searchTerms('quote')).toEqual(['quote']);
		expect(searchTerms('  ')).toEqual([]);
	});

	it('asks the server for both and matches live rows on either', () => {
		const filter = JSON.stringify(timelineFilter({ search: '+1 (202) 555-0143' }));
		expect(filter).toContain('"sender":{"_icontains":"+12025550143"}');
		expect(filter).toContain('"sender":{"_icontains":"+1 (202) 555-0143"}');
		expect(matchesFilters({ sender: '+12025550143' }, { search: '+1 202 555 0143' })).toBe(true);
		expect(matchesFilters({ sender: '+12025550199' }, { search: '+1 202 555 0143' })).toBe(false);
	});
});
