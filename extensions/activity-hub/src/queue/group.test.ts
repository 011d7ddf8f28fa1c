import { describe, expect, it } from 'vitest';
import { groupCommit } from './group.js';

/** A statement runner that records each batch it was given and answers every input doubled. */
function recorder(fail: (inputs: number[]) => boolean = () => false) {
	const batches: number[][] = [];

	const run = async (inputs: number[]) => {
		batches.push(inputs);
		await new Promise((resolve) => setTimeout(resolve, 5));
		if (fail(inputs)) throw new Error('statement failed');
		return inputs.map((input) => input * 2);
	};

	return { batches, run };
}

describe('groupCommit', () => {
	it('runs a lone call at once and merges the calls that arrive while it is in flight', async () => {
		const { batches, run } = recorder();
		const grouped = groupCommit({ run, joins: () => true });
		const results = await Promise.all([1, 2, 3, 4].map((n) => grouped('k', n)));
		expect(results).toEqual([2, 4, 6, 8]);
		expect(batches).toEqual([[1], [2, 3, 4]]);
	});

	it('keeps keys apart and respects joins', async () => {
		const { batches, run } = recorder();
		const grouped = groupCommit({ run, joins: (gathered: number[], next: number) => gathered.length < 2 && next > 0 });

		const results = await Promise.all([
			grouped('a', 1),
			grouped('b', 10),
			grouped('a', 2),
			grouped('a', 3),
			grouped('a', 4),
		]);

		expect(results).toEqual([2, 20, 4, 6, 8]);
		expect(batches).toEqual([[1], [10], [2, 3], [4]]);
	});

	it('runs each call of a failed merged statement on its own, so only the bad one fails', async () => {
		const { batches, run } = recorder((inputs) => inputs.includes(3));
		const grouped = groupCommit({ run, joins: () => true });
		const results = await Promise.allSettled([1, 2, 3, 4].map((n) => grouped('k', n)));
		expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
		expect(batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
	});
});
