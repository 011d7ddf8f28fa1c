import { describe, expect, it } from 'vitest';
import { appendTo } from './maps.js';

describe('appendTo', () => {
	it.each([
		{ pairs: [], expected: [] },
		{ pairs: [['a', 1]], expected: [['a', [1]]] },
		{
			pairs: [
				['a', 1],
				['b', 2],
				['a', 3],
			],
			expected: [
				['a', [1, 3]],
				['b', [2]],
			],
		},
		{
			pairs: [
				[null, 1],
				[null, 2],
			],
			expected: [[null, [1, 2]]],
		},
	] as Array<{ pairs: Array<[string | null, number]>; expected: Array<[string | null, number[]]> }>)(
		'groups $pairs in order of first use',
		({ pairs, expected }) => {
			const groups = new Map<string | null, number[]>();
			for (const [key, value] of pairs) appendTo(groups, key, value);
			expect([...groups]).toEqual(expected);
		},
	);
});
