import { describe, expect, it } from 'vitest';
import { duplicateGroups, duplicateKeys, mergeIdentityLists, normaliseName } from './contact-merge.js';

const fields = { emailFields: ['emails'], phoneFields: ['phones'] };

describe('mergeIdentityLists', () => {
	it.each([
		[
			'adds what the survivor lacks, by normalised value',
			[{ email: 'a@x.example', type: 'work' }],
			[
				[
					{ email: 'A@X.example', type: 'home' },
					{ email: 'b@x.example', type: 'home' },
				],
			],
			'email',
			[
				{ email: 'a@x.example', type: 'work' },
				{ email: 'b@x.example', type: 'home' },
			],
		],
		[
			'phones in any writing',
			[{ number: '+12025550143', type: 'work' }],
			[
				[
					{ number: '(202) 555-0143', type: 'mobile' },
					{ number: '202 555 0199', type: 'mobile' },
				],
			],
			'phone',
			[
				{ number: '+12025550143', type: 'work' },
				{ number: '202 555 0199', type: 'mobile' },
			],
		],
		[
			'an empty survivor takes the others',
			null,
			[['c@x.example'], '["d@x.example"]'],
			'email',
			['c@x.example', 'd@x.example'],
		],
		['no duplicates among the merged', [], [['e@x.example'], ['e@x.example']], 'email', ['e@x.example']],
		['unreadable merged entries are dropped', [], [[{ email: 'nope' }, 42]], 'email', []],
		['a single value is the team’s to change', 'solo@x.example', [['f@x.example']], 'email', null],
	] as const)('%s', (_, into, from, kind, expected) => {
		expect(mergeIdentityLists(into, [...from], kind, 'US')).toEqual(expected);
	});
});

describe('duplicates', () => {
	it('normalises names', () => {
		expect(normaliseName("  José  O'Neil ")).toBe('jose oneil');
		expect(normaliseName(null)).toBe('');
	});

	it('keys by address and by name with company', () => {
		expect(
			duplicateKeys(
				{ first_name: 'Ana', last_name: 'Ruiz', company: 'ACME', emails: [{ email: 'A@x.example' }] },
				fields,
			),
		).toEqual(['email:a@x.example', 'name:ana ruiz|acme']);
	});

	it('groups contacts sharing a key, once per group', () => {
		const groups = duplicateGroups([
			{ id: 1, keys: ['email:a@x', 'name:ana|'] },
			{ id: 2, keys: ['email:a@x', 'name:ana|'] },
			{ id: 3, keys: ['name:bo|acme'] },
			{ id: 4, keys: ['name:bo|acme'] },
			{ id: 5, keys: ['name:bo|other'] },
		]);

		expect(groups).toEqual([
			{ reason: 'email:a@x', ids: [1, 2] },
			{ reason: 'name:bo|acme', ids: [3, 4] },
		]);
	});
});
