import { describe, expect, it } from 'vitest';
import { KeyBatcher } from './batcher.js';

describe('KeyBatcher', () => {
	it('hands over keys added in a burst as one de-duplicated batch', async () => {
		const batches: number[][] = [];
		const batcher = new KeyBatcher<number>(async (keys) => void batches.push(keys), 20);
		for (let i = 0; i < 100; i++) batcher.add([i % 50]);
		await batcher.idle();
		expect(batches).toHaveLength(1);
		expect(batches[0]).toHaveLength(50);
	});

	it('flushes at once when enough keys wait, and keeps batches in order', async () => {
		const batches: number[][] = [];

		const batcher = new KeyBatcher<number>(
			async (keys) => {
				await new Promise((resolve) => setTimeout(resolve, 5));
				batches.push(keys);
			},
			10_000,
			3,
		);

		batcher.add([1, 2, 3]);
		batcher.add([4]);
		await batcher.idle();
		expect(batches).toEqual([[1, 2, 3], [4]]);
	});

	it('keeps going after a failed flush', async () => {
		const seen: number[] = [];

		const batcher = new KeyBatcher<number>(async (keys) => {
			if (keys.includes(1)) throw new Error('boom');
			seen.push(...keys);
		}, 1);

		batcher.add([1]);
		await batcher.idle();
		batcher.add([2]);
		await batcher.idle();
		expect(seen).toEqual([2]);
	});
});
