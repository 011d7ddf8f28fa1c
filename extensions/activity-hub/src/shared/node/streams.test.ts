import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { peek } from './streams.js';

describe('peek', () => {
	it.each([
		['one chunk shorter than the head', ['abc'], 10],
		['many chunks longer than the head', ['abcd', 'efgh', 'ijkl', 'mnop'], 6],
		['an empty stream', [], 4],
	])('%s keeps every byte', async (_label, chunks, size) => {
		const { head, rest } = await peek(Readable.from(chunks.map((c) => Buffer.from(c))), size);
		const all = chunks.join('');
		expect(head.toString()).toBe(all.slice(0, size));
		expect(await text(rest)).toBe(all);
	});
});
