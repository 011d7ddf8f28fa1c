// The slice of Directus's extension context the bundle uses, typed with @directus/types (type-only imports: nothing
// of it reaches the bundle).
import type { Knex } from 'knex';
import type { Accountability, ApiExtensionContext, EventContext, SchemaOverview } from '@directus/types';

export type { Accountability, EventContext, SchemaOverview };

/**
 * What hooks, endpoints and operations take from the context Directus hands them. A slice (Pick) on purpose: the
 * SDK's defineHook, defineEndpoint and defineOperationApi type their contexts with their own @directus/types
 * release, whose service classes differ from this package's, so each entry's context is assignable to this.
 */
export type HubContext = Pick<ApiExtensionContext, 'database' | 'env' | 'logger' | 'getSchema'> & {
	services: Pick<ApiExtensionContext['services'], 'FilesService' | 'ItemsService' | 'SchemaService'>;
};

export const dialectOf = (database: Knex): 'postgres' | 'sqlite' => {
	const client = String((database.client as { config?: { client?: unknown } }).config?.client ?? '');
	if (client === 'pg' || client === 'postgres' || client === 'postgresql') return 'postgres';
	if (client.startsWith('sqlite')) return 'sqlite';
	throw new Error(`Activity Hub supports SQLite and PostgreSQL, not ${client}`);
};

/** A timestamp value as Directus stores it for this dialect (SQLite: epoch ms). */
export const dbTime = (database: Knex, date: Date): Date | number =>
	dialectOf(database) === 'sqlite' ? date.getTime() : date;

export function toIso(value: unknown): string | null {
	if (value == null) return null;

	const epoch = typeof value === 'number' || /^\d+$/.test(String(value));
	const date = value instanceof Date ? value : new Date(epoch ? Number(value) : String(value));

	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export const parseJson = (value: unknown): unknown => {
	if (typeof value !== 'string') return value ?? null;

	try {
		return JSON.parse(value);
	} catch {
		return value;
	}
};

const TIME_FIELDS = ['occurred_at', 'available_at', 'lease_expires_at', 'date_created', 'date_updated', 'completed_at'];
const JSON_FIELDS = ['payload', 'metadata', 'processed_data', 'match_candidates'];

/** An activity row read with raw SQL, shaped as Directus's API would return it. */
export function activityFromRow(row: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = { ...row };
	for (const field of TIME_FIELDS) if (field in out) out[field] = toIso(out[field]);
	for (const field of JSON_FIELDS) if (field in out) out[field] = parseJson(out[field]);
	return out;
}

/**
 * Directus's getSchema() deep-clones the whole schema on every call. Event contexts on hot paths take this
 * copy instead, refreshed every few seconds (it is only handed to action listeners).
 */
export function cachedSchema(getSchema: () => Promise<SchemaOverview>, ttlMs = 5000): () => Promise<SchemaOverview> {
	let value: Promise<SchemaOverview> | null = null;
	let expires = 0;

	return () => {
		if (!value || Date.now() > expires) {
			value = getSchema();
			expires = Date.now() + ttlMs;
			value.catch(() => (value = null));
		}

		return value;
	};
}
