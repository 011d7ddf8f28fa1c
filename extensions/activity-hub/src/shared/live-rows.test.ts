import { describe, expect, it } from 'vitest';
import { applyEvent, reconnectDelay } from './live-rows.js';

const rows = [
	{ id: 'b', status: 'raw', occurred_at: '2026-01-02T00:00:00Z' },
	{ id: 'a', status: 'raw', occurred_at: '2026-01-01T00:00:00Z' },
];

describe('applyEvent', () => {
	it.each([
		[
			'create puts the new row in time order',
			{ event: 'create', data: [{ id: 'c', status: 'raw', occurred_at: '2026-01-03T00:00:00Z' }] },
			['c:raw', 'b:raw', 'a:raw'],
		],
		[
			'update patches the row in place',
			{ event: 'update', data: [{ id: 'a', status: 'processing' }] },
			['b:raw', 'a:processing'],
		],
		[
			'update of an unknown row adds it',
			{ event: 'update', data: [{ id: 'z', status: 'completed', occurred_at: '2026-01-01T12:00:00Z' }] },
			['b:raw', 'z:completed', 'a:raw'],
		],
		['delete removes by id', { event: 'delete', data: ['b'] }, ['a:raw']],
		['init changes nothing', { event: 'init', data: [{ id: 'q' }] }, ['b:raw', 'a:raw']],
		['empty data changes nothing', { event: 'create', data: [] }, ['b:raw', 'a:raw']],
	] as const)('%s', (_label, message, expected) => {
		expect(applyEvent(rows, message as any, 'occurred_at').map((r) => `${r.id}:${r.status}`)).toEqual(expected);
	});

	it('keeps the fields an update does not carry', () => {
		const [row] = applyEvent(
			[{ id: 'a', content: 'hello', status: 'raw', occurred_at: '2026-01-01T00:00:00Z' }],
			{ event: 'update', data: [{ id: 'a', status: 'completed' }] },
			'occurred_at',
		);

		expect(row).toMatchObject({ content: 'hello', status: 'completed' });
	});

	it.each([
		[0, 500],
		[1, 1000],
		[5, 15000],
		[20, 15000],
	])('reconnect delay after %i attempts: %i ms', (attempt, ms) => expect(reconnectDelay(attempt)).toBe(ms));
});
