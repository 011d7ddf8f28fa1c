import { describe, expect, it } from 'vitest';
import { afterFailure, claimStatement, retryDelayMs } from './queue.js';

const now = new Date('2026-01-01T00:00:00Z');

describe('claimStatement', () => {
	it.each(['postgres', 'sqlite'] as const)('binds one value per placeholder (%s)', (dialect) => {
		const { sql, bindings } = claimStatement(dialect, { worker: 'u1', limit: 5, leaseSeconds: 60, types: ['sms', 'call'], channels: ['c1'], now });
		expect(sql.split('?').length - 1).toBe(bindings.length);
		expect(bindings).toContain(5);
		expect(bindings).toContain('sms');
	});
	it('locks with SKIP LOCKED inside a CTE on PostgreSQL', () => {
		const { sql } = claimStatement('postgres', { worker: 'u1', limit: 1, leaseSeconds: 60, now });
		expect(sql).toMatch(/WITH candidates AS \([\s\S]*FOR UPDATE OF a SKIP LOCKED\)/);
	});
	it('binds SQLite times as epoch ms, as Directus stores them', () => {
		const { bindings } = claimStatement('sqlite', { worker: 'u1', limit: 1, leaseSeconds: 60, now });
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
