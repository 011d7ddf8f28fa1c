import { describe, expect, it } from 'vitest';
import { afterFailure, claimStatement, inClaimOrder, preparedPostgres, retryDelayMs } from './queue.js';

const now = new Date('2026-01-01T00:00:00Z');
const hashes = (n: number) => Array.from({ length: n }, (_, i) => `hash-${i}`);

describe('claimStatement', () => {
	it.each([
		['postgres', '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a70'],
		['postgres', 'flow:abc'],
		['sqlite', 'u1'],
	] as const)('binds one value per placeholder (%s, worker %s)', (dialect, worker) => {
		const { sql, bindings } = claimStatement(
			dialect,
			{
				worker,
				limit: 5,
				leaseSeconds: 60,
				types: ['sms', 'call'],
				channels: ['c1'],
				now,
			},
			hashes(5),
		);

		expect(sql.split('?').length - 1).toBe(bindings.length);
		expect(bindings).toContain(5);
		expect(bindings).toContain('sms');
		expect(bindings).toContain(JSON.stringify(hashes(5)));
	});

	it.each(['postgres', 'sqlite'] as const)(
		'stores the given lease hashes, never a token made in SQL (%s)',
		(dialect) => {
			const { sql } = claimStatement(dialect, { worker: 'u1', limit: 2, leaseSeconds: 60, now }, hashes(2));
			expect(sql).toMatch(/lease_token = leases\.hash/);
			expect(sql).not.toMatch(/gen_random_uuid|randomblob/);
			expect(() => claimStatement(dialect, { worker: 'u1', limit: 3, leaseSeconds: 60, now }, hashes(2))).toThrow();
		},
	);

	it('locks each priority branch with SKIP LOCKED inside a CTE on PostgreSQL', () => {
		const user = claimStatement(
			'postgres',
			{
				worker: '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a70',
				limit: 1,
				leaseSeconds: 60,
				now,
			},
			hashes(1),
		);

		expect(user.sql).toMatch(/^WITH tier0 AS \(/);
		expect(user.sql.match(/FOR UPDATE OF a SKIP LOCKED/g)).toHaveLength(4);
		const flow = claimStatement('postgres', { worker: 'flow:abc', limit: 1, leaseSeconds: 60, now }, hashes(1));
		expect(flow.sql.match(/FOR UPDATE OF a SKIP LOCKED/g)).toHaveLength(3);
		expect(flow.sql).not.toContain('::uuid');
	});

	it('binds SQLite times as epoch ms, as Directus stores them', () => {
		const { bindings } = claimStatement('sqlite', { worker: 'u1', limit: 1, leaseSeconds: 60, now }, hashes(1));
		expect(bindings).toContain(now.getTime() + 60_000);
		expect(bindings.some((b) => b instanceof Date)).toBe(false);
	});
});

describe('retry policy', () => {
	it.each([
		[1, 0, 5_000],
		[1, 0.999, 10_000],
		[3, 0, 20_000],
		[30, 0, 1_800_000],
	])('attempt %i with random %f waits %i ms', (attempt, random, expected) => {
		expect(retryDelayMs(attempt, () => random)).toBeCloseTo(expected, -2);
	});

	it.each([
		[1, 3, true, 'raw'],
		[2, 3, true, 'raw'],
		[3, 3, true, 'failed'],
		[1, 3, false, 'failed'],
	])('attempt %i of %i (retry %s) → %s', (attempts, max, retry, status) => {
		const next = afterFailure(attempts, max, retry, now, () => 0.5);
		expect(next.status).toBe(status);
		if (status === 'raw') expect(next.availableAt!.getTime()).toBeGreaterThan(now.getTime());
	});
});

describe('inClaimOrder', () => {
	it('puts own work first, then global, then others, oldest first within each', () => {
		const rows = [
			{ id: 'other', owner: 'u2', available_at: '2026-01-01T00:00:00Z' },
			{ id: 'global-new', owner: null, available_at: '2026-01-02T00:00:00Z' },
			{ id: 'mine', owner: 'u1', available_at: '2026-01-03T00:00:00Z' },
			{ id: 'global-old', owner: null, available_at: 1767225600000 },
		];

		expect(inClaimOrder(rows, 'u1').map((r) => r.id)).toEqual(['mine', 'global-old', 'global-new', 'other']);
	});
});

describe('preparedPostgres', () => {
	it('numbers the placeholders and names the statement by its text', () => {
		const { sql, bindings } = claimStatement(
			'postgres',
			{ worker: 'flow:a', limit: 2, leaseSeconds: 60, now },
			hashes(2),
		);

		const prepared = preparedPostgres(sql, bindings);
		expect(prepared.text).not.toContain('?');
		expect(prepared.text).toContain(`$${bindings.length}`);
		expect(prepared.name).toBe(preparedPostgres(sql, [...bindings]).name);
		expect(prepared.name).not.toBe(preparedPostgres(sql.replace('LIMIT', 'LIMIT '), bindings).name);
		expect(() => preparedPostgres('SELECT ?', [])).toThrow();
	});
});
