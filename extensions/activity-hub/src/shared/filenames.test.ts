import { describe, expect, it } from 'vitest';
import { mimeAllowed, sanitiseFilename } from './filenames.js';

describe('sanitiseFilename', () => {
	it.each([
		['../../etc/passwd', 'passwd'],
		['..\\..\\windows\\system.ini', 'system.ini'],
		['evil\u0000.pdf', 'evil.pdf'],
		['.env', 'env'],
		['日本語.pdf', '日本語.pdf'],
		['résumé.docx', 'résumé.docx'],
		['a<b>c:d.txt', 'a_b_c_d.txt'],
		['', 'file'],
		['../', 'file'],
		[null, 'file'],
	])('%j → %j', (input, expected) => expect(sanitiseFilename(input)).toBe(expected));
	it('bounds 1,000 characters to 200 and keeps the extension', () => {
		const name = sanitiseFilename('x'.repeat(1000) + '.pdf');
		expect(name.length).toBe(200);
		expect(name.endsWith('.pdf')).toBe(true);
	});
});

describe('mimeAllowed', () => {
	it.each([
		['image/png', [], true],
		['image/png', ['image/*'], true],
		['application/pdf', ['image/*'], false],
		['application/pdf', ['image/*', 'application/pdf'], true],
		['text/plain', null, true],
	])('%s in %j → %s', (type, patterns, expected) => expect(mimeAllowed(type, patterns)).toBe(expected));
});
