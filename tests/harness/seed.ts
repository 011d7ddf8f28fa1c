// Bulk rows written straight to the database (what years of history, or a deep queue, look like), for tests.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

const TYPES = ['email', 'sms', 'call', 'whatsapp'] as const;

export interface SeedOptions {
	contact?: number | string | null;
	channel?: string | null;
	/** Queued (raw, claimable now) instead of completed history. */
	queued?: boolean;
}

/** `count` activities, one minute apart going back from now; returns their ids, newest first. */
export async function seedActivities(
	db: Knex,
	count: number,
	{ contact = null, channel = null, queued = false }: SeedOptions = {},
): Promise<string[]> {
	const sqlite = db.client.config.client === 'sqlite3';
	const now = Date.now();
	const time = (ms: number) => (sqlite ? ms : new Date(ms));

	const rows = Array.from({ length: count }, (_, i) => ({
		id: randomUUID(),
		type: TYPES[i % TYPES.length],
		direction: i % 3 ? 'inbound' : 'outbound',
		status: queued ? 'raw' : 'completed',
		channel,
		contact,
		subject: `History item ${i}`,
		content: `Archived message number ${i}`,
		sender: 'history@example.org',
		match_status: contact === null ? 'unmatched' : 'matched',
		attempts: queued ? 0 : 1,
		max_attempts: 5,
		occurred_at: time(now - (i + 60) * 60_000),
		available_at: time(queued ? now - 1000 : now - (i + 60) * 60_000),
		date_created: time(now - (i + 60) * 60_000),
	}));

	await db.batchInsert('activities', rows, sqlite ? 60 : 1000);
	return rows.map((row) => row.id);
}
