import { describe, expect, it } from 'vitest';
import {
	generateIngestionKey,
	hashKey,
	keyFromRequest,
	redactIngestionKey,
	redactKeyInUrl,
	safeEqual,
} from './keys.js';

describe('ingestion keys', () => {
	it('carries at least 32 random bytes and is stored only as a hash', () => {
		const a = generateIngestionKey();
		const b = generateIngestionKey();
		expect(a.key).not.toBe(b.key);
		expect(Buffer.from(a.key.slice(4), 'base64url').length).toBeGreaterThanOrEqual(32);
		expect(a.hash).toBe(hashKey(a.key));
		expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
		expect(a.key.startsWith(a.prefix)).toBe(true);
		expect(a.prefix.length).toBeLessThan(12);
	});

	it.each([
		['same', 'same', true],
		['same', 'Same', false],
		['short', 'shorter', false],
		['', '', true],
	])('safeEqual(%j, %j) = %s', (a, b, expected) => expect(safeEqual(a, b)).toBe(expected));

	const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

	it.each([
		[{ 'x-ingestion-key': 'k1' }, {}, { key: 'k1', source: 'header' }],
		[{ authorization: 'Bearer k2' }, {}, { key: 'k2', source: 'bearer' }],
		[{ authorization: basic('postmark', 'k3') }, {}, { key: 'k3', source: 'basic' }],
		[{ authorization: basic('k4', '') }, {}, { key: 'k4', source: 'basic' }],
		[{}, { key: 'k5' }, { key: 'k5', source: 'query' }],
		[{ 'x-ingestion-key': 'k1', authorization: 'Bearer k2' }, { key: 'k5' }, { key: 'k1', source: 'header' }],
		[{ authorization: 'Digest abc' }, {}, null],
		[{}, {}, null],
	])('reads %j %j', (headers, query, expected) => expect(keyFromRequest(headers, query)).toEqual(expected));
});

describe('redaction for logs', () => {
	it.each([
		['/ingest/abc?key=ahk_secret', '/ingest/abc?key=--redacted--'],
		['/ingest/abc?x=1&key=ahk_secret&y=2', '/ingest/abc?x=1&key=--redacted--&y=2'],
		['/ingest/abc?KEY=ahk_secret', '/ingest/abc?KEY=--redacted--'],
		['/ingest/abc?monkey=1', '/ingest/abc?monkey=1'],
		['/ingest/abc', '/ingest/abc'],
	])('%s', (url, expected) => expect(redactKeyInUrl(url)).toBe(expected));

	it('clears the header and both URLs', () => {
		const req = {
			url: '/ingest/a?key=k1',
			originalUrl: '/ingest/a?key=k1',
			headers: { 'x-ingestion-key': 'k2', host: 'h' } as Record<string, unknown>,
		};

		redactIngestionKey(req);
		expect(JSON.stringify(req)).not.toMatch(/k1|k2/);
		expect(req.headers['host']).toBe('h');
	});
});
