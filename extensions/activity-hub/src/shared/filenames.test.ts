import { describe, expect, it } from 'vitest';
import { filenameRefusal, mimeAllowed, sanitiseFilename } from './filenames.js';

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

describe('filenameRefusal', () => {
	it.each([
		['a plain name', 'invoice 12.pdf', null],
		['no name', undefined, null],
		['unicode', 'résumé – 2026.pdf', null],
		['a unix path', '../../etc/passwd', 'contains a path'],
		['a windows path', 'C:\\Windows\\win.ini', 'contains a path'],
		['a bare dot-dot', '..', 'contains a path'],
		['a NUL byte', 'photo.png\u0000.exe', 'contains control characters'],
		['a newline (header injection)', 'a\r\nX-Evil: 1', 'contains control characters'],
		['300 bytes', 'a'.repeat(300), 'longer than 255 bytes'],
		['120 three-byte characters (360 bytes)', '€'.repeat(120), 'longer than 255 bytes'],
	])('%s', (_label, name, expected) => expect(filenameRefusal(name)).toBe(expected));
});
