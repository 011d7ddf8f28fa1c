import { describe, expect, it } from 'vitest';
import { errorMessage, translate } from './messages.js';

describe('translate', () => {
	it('fills placeholders', () => expect(translate('heldBy', { owner: 'agent-7' }, 'en')).toBe('held by agent-7'));
	it('leaves unknown placeholders visible', () => expect(translate('heldBy', {}, 'en')).toBe('held by {owner}'));
	it('falls back to English for unknown locales', () => expect(translate('retry', {}, 'xx-YY')).toBe('Retry'));
	it('defaults to English outside a browser', () => expect(translate('notes')).toBe('Notes'));
});

describe('errorMessage', () => {
	it.each([
		[
			'a Directus error body',
			{ response: { data: { errors: [{ message: 'Only failed activities can be retried' }] } } },
			'Only failed activities can be retried',
		],
		['a network error', new Error('Network Error'), 'Network Error'],
		[
			'an error body without message',
			{ response: { data: {} }, message: 'Request failed with status code 502' },
			'Request failed with status code 502',
		],
		['anything else', 'boom', 'boom'],
	])('%s', (_label, error, expected) => expect(errorMessage(error)).toBe(expected));
});
