import { describe, expect, it } from 'vitest';
import { assertDraftStorable, MAX_JSON_DEPTH, parseForm, parseJson } from './input-guards.js';
import { draftDefaults, IngestError } from './types.js';
import { MEDIA_HOSTS } from '../media.js';

const refusal = (fn: () => unknown) => {
	try {
		fn();
		return null;
	} catch (error) {
		if (!(error instanceof IngestError)) throw error;
		return `${error.status} ${error.code}`;
	}
};

const nested = (depth: number) => Buffer.from('['.repeat(depth) + ']'.repeat(depth));

describe('parseJson', () => {
	it.each([
		['an object', Buffer.from('{"a":[1,{"b":null}]}'), null],
		['broken JSON', Buffer.from('{"a":'), '400 INVALID_JSON'],
		['an empty body', Buffer.alloc(0), '400 INVALID_JSON'],
		['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), '400 INVALID_UTF8'],
		['an overlong UTF-8 encoding of "/"', Buffer.from([0x22, 0xc0, 0xaf, 0x22]), '400 INVALID_UTF8'],
		['a raw NUL byte', Buffer.from('{"a":"x\u0000"}'), '400 INVALID_JSON'],
		['nesting at the limit', nested(MAX_JSON_DEPTH), null],
		['nesting past the limit', nested(MAX_JSON_DEPTH + 1), '422 TOO_DEEP'],
		['nesting 100,000 deep', nested(100_000), '422 TOO_DEEP'],
		[
			'30,000 keys',
			Buffer.from(JSON.stringify(Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`k${i}`, i])))),
			'413 TOO_MANY_FIELDS',
		],
	])('%s', (_label, body, expected) => expect(refusal(() => parseJson(body))).toBe(expected));
});

describe('parseForm', () => {
	it('decodes pairs, plus signs and repeated keys in order', () =>
		expect(parseForm(Buffer.from('Body=Hi+there%21&MediaUrl0=a&MediaUrl0=b&flag'))).toEqual([
			['Body', 'Hi there!'],
			['MediaUrl0', 'a'],
			['MediaUrl0', 'b'],
			['flag', ''],
		]));

	it.each([
		['a malformed escape', 'Body=%E0%A4%A', '400 INVALID_FORM'],
		['a percent-encoded invalid UTF-8 sequence', 'Body=%FF%FE', '400 INVALID_FORM'],
		['raw invalid UTF-8', Buffer.from([0x42, 0x3d, 0xff]), '400 INVALID_UTF8'],
		['5,000 fields', Array.from({ length: 5000 }, (_, i) => `f${i}=1`).join('&'), '413 TOO_MANY_FIELDS'],
	])('%s', (_label, body, expected) =>
		expect(refusal(() => parseForm(Buffer.isBuffer(body) ? body : Buffer.from(body)))).toBe(expected),
	);
});

describe('assertDraftStorable', () => {
	const settings = {
		provider: 'twilio' as const,
		defaultType: 'sms' as const,
		defaultDirection: 'inbound' as const,
		secrets: {},
	};

	const draft = (patch: Record<string, unknown>) => ({ ...draftDefaults(settings, new Date()), ...patch });

	it.each([
		['a plain draft', {}, null],
		['a NUL in the content', { content: 'a\u0000b' }, '422 NUL_CHARACTER'],
		['a NUL deep in the payload', { payload: { a: [{ b: 'x\u0000' }] } }, '422 NUL_CHARACTER'],
		['a lone surrogate in the subject', { subject: 'a\ud800b' }, '422 LONE_SURROGATE'],
		['an emoji (a proper surrogate pair)', { subject: 'ok 👍' }, null],
		['a NUL in a payload key', { payload: { ['k\u0000']: 1 } }, '422 NUL_CHARACTER'],
		[
			'Twilio media on a Twilio host',
			{ media: [{ url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1' }] },
			null,
		],
		['media on loopback', { media: [{ url: 'https://127.0.0.1/x' }] }, '422 MEDIA_URL_REFUSED'],
		[
			'media on the metadata address',
			{ media: [{ url: 'http://169.254.169.254/latest/meta-data/' }] },
			'422 MEDIA_URL_REFUSED',
		],
		[
			'media on a look-alike host',
			{ media: [{ url: 'https://api.twilio.com.evil.example/x' }] },
			'422 MEDIA_URL_REFUSED',
		],
		['media with credentials', { media: [{ url: 'https://user:pass@api.twilio.com/x' }] }, '422 MEDIA_URL_REFUSED'],
	])('%s', (_label, patch, expected) =>
		expect(refusal(() => assertDraftStorable(draft(patch) as any, MEDIA_HOSTS['twilio']))).toBe(expected),
	);

	it('refuses media on providers that fetch none', () =>
		expect(
			refusal(() => assertDraftStorable(draft({ media: [{ url: 'https://api.twilio.com/x' }] }) as any, undefined)),
		).toBe('422 MEDIA_URL_REFUSED'));
});
