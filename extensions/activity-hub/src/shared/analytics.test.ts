import { describe, expect, it } from 'vitest';
import { analyticsRange, dailySeries, nearestRank, percentiles } from './analytics.js';

describe('nearestRank', () => {
	it.each([
		[[], 0.5, null],
		[[7], 0.5, 7],
		[[1, 2, 3, 4], 0.5, 2],
		[[1, 2, 3, 4, 5], 0.5, 3],
		[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9],
		[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9, 10],
	])('%j at %d → %s', (values, p, expected) => expect(nearestRank(values, p)).toBe(expected));
});

describe('percentiles', () => {
	it('groups waits by channel and owner', () => {
		const figures = percentiles([
			{ channel: 'a', owner: 'u', seconds: 60 },
			{ channel: 'a', owner: null, seconds: '120' },
			{ channel: 'b', owner: 'u', seconds: '30.4' },
		]);

		expect(figures.overall).toEqual({ count: 3, median_seconds: 60, p90_seconds: 120 });

		expect(figures.by_channel).toEqual([
			{ channel: 'a', count: 2, median_seconds: 60, p90_seconds: 120 },
			{ channel: 'b', count: 1, median_seconds: 30, p90_seconds: 30 },
		]);

		expect(figures.by_owner).toContainEqual({ owner: 'u', count: 2, median_seconds: 30, p90_seconds: 60 });
	});

	it('reads the seconds each group joined with commas, in any order', () => {
		const figures = percentiles([
			{ channel: 'a', owner: null, seconds: '300,10,2.5e3,40' },
			{ channel: 'b', owner: null, seconds: '5' },
		]);

		expect(figures.overall).toEqual({ count: 5, median_seconds: 40, p90_seconds: 2500 });
		expect(figures.by_channel[0]).toEqual({ channel: 'a', count: 4, median_seconds: 40, p90_seconds: 2500 });
		expect(figures.by_owner).toEqual([{ owner: null, count: 5, median_seconds: 40, p90_seconds: 2500 }]);
	});
});

describe('analyticsRange', () => {
	const now = new Date('2026-12-02T12:00:00Z');

	it('defaults to the last 30 days', () =>
		expect(analyticsRange({}, now)).toEqual({ from: new Date('2026-11-02T12:00:00Z'), to: now }));

	it('takes days or dates', () => {
		expect(analyticsRange({ days: '7' }, now).from).toEqual(new Date('2026-11-25T12:00:00Z'));

		expect(analyticsRange({ from: '2026-11-01', to: '2026-11-03' }, now)).toEqual({
			from: new Date('2026-11-01T00:00:00Z'),
			to: new Date('2026-11-03T00:00:00Z'),
		});
	});

	it.each([
		[{ days: '0' }, 'days must be'],
		[{ days: 'x' }, 'days must be'],
		[{ from: 'soon' }, 'from must be an ISO'],
		[{ from: '2026-11-03', to: '2026-11-01' }, 'from must be before to'],
		[{ from: '2024-01-01', to: '2026-01-01' }, 'at most 366 days'],
	])('refuses %j', (input, message) => expect(() => analyticsRange(input, now)).toThrow(message));
});

describe('dailySeries', () => {
	it('fills every day and sorts the busiest series first', () =>
		expect(
			dailySeries(
				{
					from: '2026-11-01T00:00:00.000Z',
					to: '2026-11-04T00:00:00.000Z',
					per_day: [
						{ day: '2026-11-01', channel: 'a', type: 'sms', count: 1, unmatched: 0, ambiguous: 0 },
						{ day: '2026-11-03', channel: 'b', type: 'sms', count: 5, unmatched: 0, ambiguous: 0 },
						{ day: '2026-11-03', channel: 'a', type: 'email', count: 2, unmatched: 0, ambiguous: 0 },
					],
				},
				'type',
			),
		).toEqual({
			days: ['2026-11-01', '2026-11-02', '2026-11-03'],
			series: [
				{ key: 'sms', counts: [1, 0, 5] },
				{ key: 'email', counts: [0, 0, 2] },
			],
		}));
});
