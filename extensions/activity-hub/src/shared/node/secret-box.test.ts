import { describe, expect, it } from 'vitest';
import { deriveKey, open, seal } from './secret-box.js';

describe('secret box', () => {
	const key = deriveKey('an-instance-secret-of-enough-length');

	it('round-trips and never stores the plaintext', () => {
		const sealed = seal(key, '{"auth_token":"tok_123"}');
		expect(sealed).not.toContain('tok_123');
		expect(open(key, sealed)).toBe('{"auth_token":"tok_123"}');
		expect(seal(key, 'same')).not.toBe(seal(key, 'same'));
	});

	it.each([
		['another key', (s: string) => open(deriveKey('a-different-instance-secret!!'), s)],
		['a tampered body', (s: string) => open(key, s.slice(0, -2) + (s.endsWith('A') ? 'BB' : 'AA'))],
		['an unknown version', (s: string) => open(key, s.replace(/^v1/, 'v9'))],
	])('refuses %s', (_label, attempt) => {
		expect(() => attempt(seal(key, 'secret'))).toThrow();
	});

	it('refuses a missing or short SECRET', () => expect(() => deriveKey('short')).toThrow(/SECRET/));
});
