import { describe, expect, it } from 'vitest';
import { catalogues, errorMessage, type MessageKey, setLocale, translate, valueLabel } from './messages.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
	const english = catalogues['en']!;

	it.each(Object.keys(catalogues).filter((locale) => locale !== 'en'))(
		'%s translates every string, with the same placeholders',
		(locale) => {
			const catalogue = catalogues[locale]!;
			expect(Object.keys(catalogue).sort()).toEqual(Object.keys(english).sort());

			for (const key of Object.keys(english) as MessageKey[]) {
				expect(placeholders(catalogue[key]!), `${locale}.${key}`).toEqual(placeholders(english[key]!));
				expect(catalogue[key], `${locale}.${key}`).not.toBe('');
			}
		},
	);
});

describe('translate', () => {
	it('fills placeholders', () => expect(translate('heldBy', { owner: 'agent-7' }, 'en')).toBe('held by agent-7'));
	it('leaves unknown placeholders visible', () => expect(translate('heldBy', {}, 'en')).toBe('held by {owner}'));
	it('falls back to English for unknown locales', () => expect(translate('retry', {}, 'xx-YY')).toBe('Retry'));
	it('defaults to English outside a browser', () => expect(translate('notes')).toBe('Notes'));
	it('uses a region’s language (de-DE → de)', () => expect(translate('notes', {}, 'de-DE')).toBe('Notizen'));

	it('follows Studio’s locale once set', () => {
		setLocale('de-AT');

		try {
			expect(translate('attempt', { n: 2 })).toBe('Versuch 2');
		} finally {
			setLocale(null);
		}
	});
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

describe('labels in Studio’s own lists (install step z0009)', () => {
	it.each([
		['en-US', 'en'],
		['de-DE', 'de'],
	])('the custom translations for %s say what the timeline says', async (language, locale) => {
		const { TRANSLATIONS } = await import('../../../../migrations/z0009-activity-hub-studio-meta.js');
		const fields = { type: 'type', direction: 'direction', status: 'status', match: 'match' } as const;

		for (const [key, text] of Object.entries(TRANSLATIONS[language as 'en-US'])) {
			const [, kind, value] = /^activity_hub_(type|direction|status|match|source)_(.+)$/.exec(key) ?? [];
			if (!kind) continue;

			const expected =
				kind === 'source'
					? translate(value === 'agent' ? 'agent' : 'person', {}, locale)
					: valueLabel(fields[kind as keyof typeof fields], value, locale);

			expect(text, key).toBe(expected);
		}
	});
});
