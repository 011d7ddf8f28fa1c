// Applying Directus websocket subscription events to a list on screen, in place: no refetch per event.
export interface SubscriptionMessage {
	event: 'init' | 'create' | 'update' | 'delete';
	data: unknown[];
}

type Row = { id: string | number } & Record<string, unknown>;

/** New list after one event; rows stay sorted by `sortKey`, newest first. */
export function applyEvent<T extends Row>(rows: T[], message: SubscriptionMessage, sortKey: keyof T & string): T[] {
	if (message.event === 'delete') {
		const gone = new Set(
			message.data.map((entry) => String(typeof entry === 'object' && entry ? (entry as Row).id : entry)),
		);

		return rows.filter((row) => !gone.has(String(row.id)));
	}

	if (message.event === 'init') return rows;
	const byId = new Map(rows.map((row) => [String(row.id), row]));

	for (const entry of message.data as T[]) {
		if (!entry || entry.id === undefined) continue;
		const existing = byId.get(String(entry.id));
		byId.set(String(entry.id), existing ? { ...existing, ...entry } : entry);
	}

	const time = (row: T) => new Date(String(row[sortKey] ?? 0)).getTime() || 0;
	return [...byId.values()].sort((a, b) => time(b) - time(a) || String(b.id).localeCompare(String(a.id)));
}

/** Reconnect delays: 0.5 s doubling to 15 s. */
export const reconnectDelay = (attempt: number) => Math.min(15_000, 500 * 2 ** attempt);
