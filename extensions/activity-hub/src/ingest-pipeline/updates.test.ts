import { describe, expect, it } from 'vitest';
import type { ActivityUpdate } from '../shared/node/providers/index.js';
import { updatedColumns } from './updates.js';

const stored = (metadata: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
	id: 'a',
	subject: 'Intro',
	content: 'Booked for 2026-01-05 09:30 UTC',
	occurred_at: new Date('2026-01-05T09:30:00Z').getTime(),
	payload: JSON.stringify({ status: 'scheduled', start: '2026-01-05T09:30:00.000Z' }),
	metadata: JSON.stringify(metadata),
	processed_data: null,
	...extra,
});

const moved = (at: string, keys = ['uid1', 'uid2']): ActivityUpdate => ({
	keys,
	eventAt: new Date(at),
	set: { occurred_at: new Date('2026-01-06T10:00:00Z'), content: 'Rescheduled to 2026-01-06 10:00 UTC' },
	payload: { start: '2026-01-06T10:00:00.000Z' },
	metadata: { booking_status: 'scheduled' },
	otherwise: null,
});

describe('updatedColumns', () => {
	const applied = { booking_uids: ['uid1'], event_at: '2026-01-01T00:00:00.000Z' };

	it('a newer change moves the booking in place and learns its new uid', () => {
		const { columns } = updatedColumns(stored(applied), moved('2026-01-02T00:00:00Z'));

		expect(columns).toEqual({
			occurred_at: new Date('2026-01-06T10:00:00Z'),
			content: 'Rescheduled to 2026-01-06 10:00 UTC',
			payload: { status: 'scheduled', start: '2026-01-06T10:00:00.000Z' },
			metadata: { booking_uids: ['uid1', 'uid2'], booking_status: 'scheduled', event_at: '2026-01-02T00:00:00.000Z' },
		});
	});

	it('an older change (delivered late) only learns the uids', () => {
		const { columns } = updatedColumns(stored(applied), moved('2025-12-31T00:00:00Z'));
		expect(columns).toEqual({ metadata: { ...applied, booking_uids: ['uid1', 'uid2'] } });
	});

	it('the same change again is no change', () => {
		const { changed } = updatedColumns(
			stored({ ...applied, booking_uids: ['uid1', 'uid2'] }),
			moved('2026-01-01T00:00:00Z'),
		);

		expect(changed).toEqual([]);
	});

	it('a change without a time (a transcription) merges whenever it comes; twice is no change', () => {
		const transcript = { transcript: [{ start: 0, end: 0, text: 'Call me back' }] };
		const update: ActivityUpdate = { keys: ['RE1'], processedData: transcript, otherwise: null };
		const first = updatedColumns(stored({}, { processed_data: '{"summary":"s"}' }), update);

		expect(first.columns).toEqual({
			processed_data: { summary: 's', ...transcript },
			transcript_text: 'Call me back',
		});

		const again = updatedColumns(
			stored({}, { processed_data: JSON.stringify(first.columns['processed_data']), transcript_text: 'Call me back' }),
			update,
		);

		expect(again.changed).toEqual([]);
	});
});
