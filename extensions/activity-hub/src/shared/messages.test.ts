import { describe, expect, it } from 'vitest';
import { translate } from './messages.js';

describe('translate', () => {
	it('fills placeholders', () => expect(translate('heldBy', { owner: 'agent-7' }, 'en')).toBe('held by agent-7'));
	it('leaves unknown placeholders visible', () => expect(translate('heldBy', {}, 'en')).toBe('held by {owner}'));
	it('falls back to English for unknown locales', () => expect(translate('retry', {}, 'xx-YY')).toBe('Retry'));
	it('defaults to English outside a browser', () => expect(translate('notes')).toBe('Notes'));
});
