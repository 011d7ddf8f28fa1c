import { describe, expect, it } from 'vitest';
import { KeyBatcher } from './batcher.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
				await sleep(5);
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

	it('is never postponed by further writes: a steady stream is flushed every maxWait', async () => {
		const flushedAt: number[] = [];
		const batcher = new KeyBatcher<number>(async () => void flushedAt.push(Date.now()), 30);
		const start = Date.now();

		// A key every 10 ms for 200 ms: a restarted quiet period would never flush before the stream stops.
		for (let i = 0; i < 20; i++) {
			batcher.add([i]);
			await sleep(10);
		}

		expect(flushedAt.length).toBeGreaterThanOrEqual(3);
		expect(flushedAt[0]! - start).toBeLessThan(30 + 40);
		await batcher.idle();
	});

	it('settle() flushes what waits at once and resolves after it; null when there is nothing to wait for', async () => {
		const batches: number[][] = [];

		const batcher = new KeyBatcher<number>(async (keys) => {
			await sleep(5);
			batches.push(keys);
		}, 10_000);

		expect(batcher.settle()).toBeNull();
		batcher.add([1, 2]);
		const wait = batcher.settle();
		expect(wait).not.toBeNull();
		await wait;
		expect(batches).toEqual([[1, 2]]);
		expect(batcher.settle()).toBeNull();
	});

	it('settle() waits for a flush already running', async () => {
		let release!: () => void;
		const done: number[][] = [];

		const batcher = new KeyBatcher<number>(async (keys) => {
			await new Promise<void>((resolve) => (release = resolve));
			done.push(keys);
		}, 1);

		batcher.add([7]);
		await sleep(10); // the timer fired: the flush runs
		const wait = batcher.settle();
		expect(wait).not.toBeNull();
		release();
		await wait;
		expect(done).toEqual([[7]]);
	});
});
