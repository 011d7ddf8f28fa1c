import { describe, expect, it } from 'vitest';
import { coalesced, mapAtMost } from './concurrency.js';

/** Work that resolves after the given ticks, recording how many ran at once and which started. */
function tracked(fail: (item: number) => boolean = () => false) {
	const seen = { running: 0, most: 0, started: [] as number[] };

	const work = async (ticks: number, index: number) => {
		seen.started.push(index);
		seen.running++;
		seen.most = Math.max(seen.most, seen.running);
		for (let i = 0; i < ticks; i++) await Promise.resolve();
		seen.running--;
		if (fail(index)) throw new Error(`item ${index}`);
		return ticks * 10;
	};

	return { seen, work };
}

describe('mapAtMost', () => {
	it.each([
		{ items: [], limit: 4, results: [], most: 0 },
		{ items: [3], limit: 4, results: [30], most: 1 },
		{ items: [5, 1, 3, 2, 4], limit: 2, results: [50, 10, 30, 20, 40], most: 2 },
		{ items: [2, 2, 2, 2, 2, 2], limit: 4, results: [20, 20, 20, 20, 20, 20], most: 4 },
		{ items: [1, 2, 3], limit: 0, results: [10, 20, 30], most: 1 },
	])('answers in input order, $limit at most at once: $items', async ({ items, limit, results, most }) => {
		const { seen, work } = tracked();
		expect(await mapAtMost(items, limit, work)).toEqual(results);
		expect(seen.most).toBe(most);
	});

	it('starts nothing after a failure, lets the running ones finish, and throws the first error', async () => {
		const { seen, work } = tracked((index) => index === 1 || index === 2);
		await expect(mapAtMost([3, 1, 2, 5, 5, 5], 3, work)).rejects.toThrow('item 1');
		expect(seen.started).toEqual([0, 1, 2]);
		expect(seen.running).toBe(0);
	});
});

describe('coalesced', () => {
	// A script of calls and of the running look finishing; `runs` is how many looks started in all.
	it.each([
		{ script: 'call finish', runs: 1 },
		{ script: 'call call call finish finish', runs: 2 },
		{ script: 'call finish call finish', runs: 2 },
		{ script: 'call call finish call finish finish', runs: 3 },
		{ script: 'call call finish finish call call call finish finish', runs: 4 },
	])('$script → $runs looks, never two at once', async ({ script, runs }) => {
		const gates: Array<() => void> = [];
		let running = 0;
		let most = 0;

		const look = coalesced(async () => {
			running++;
			most = Math.max(most, running);
			await new Promise<void>((resolve) => gates.push(resolve));
			running--;
		});

		const settle = () => new Promise((resolve) => setImmediate(resolve));
		let finished = 0;

		for (const step of script.split(' ')) {
			if (step === 'call') void look();
			else gates[finished++]!();
			await settle();
		}

		expect(gates).toHaveLength(runs);
		expect(finished).toBe(runs);
		expect(most).toBe(1);
	});

	it('a failing look does not stop the next one', async () => {
		let started = 0;

		const look = coalesced(async () => {
			started++;
			throw new Error('database gone');
		});

		await look();
		await look();
		expect(started).toBe(2);
	});
});
