// Bulk rows written straight to the database (what years of history look like), for timeline tests and benches.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

const TYPES = ['email', 'sms', 'call', 'whatsapp'] as const;

/** `count` completed activities for `contact`, one minute apart going back from now; returns how many were written. */
export async function seedActivities(db: Knex, contact: number | string, count: number, channel: string | null = null): Promise<number> {
	const sqlite = db.client.config.client === 'sqlite3';
	const now = Date.now();
	const time = (ms: number) => (sqlite ? ms : new Date(ms));
	const rows = Array.from({ length: count }, (_, i) => ({
		id: randomUUID(),
		type: TYPES[i % TYPES.length],
		direction: i % 3 ? 'inbound' : 'outbound',
		status: 'completed',
		channel,
		contact,
		subject: `History item ${i}`,
		content: `Archived message number ${i}`,
		sender: 'history@example.org',
		match_status: 'matched',
		attempts: 1,
		max_attempts: 5,
		occurred_at: time(now - (i + 60) * 60_000),
		available_at: time(now - (i + 60) * 60_000),
		date_created: time(now - (i + 60) * 60_000),
	}));
	await db.batchInsert('activities', rows, sqlite ? 60 : 1000);
	return count;
}
