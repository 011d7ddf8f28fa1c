// What the contact operations (merge, erasure, duplicates) need: the database, the contact source as installed,
// the default phone region, the index writer, and a schema for the item events they emit.
import type { Knex } from 'knex';
import { readConfig } from '../shared/config.js';
import type { ContactSource } from '../shared/matching.js';
import type { HubContext, SchemaOverview } from '../runtime/context.js';
import { type ContactIndex, contactIndex } from './matching.js';

export interface ContactScope {
	database: Knex;
	source: ContactSource;
	region: string | undefined;
	index: ContactIndex;
	schema: SchemaOverview;
	services: HubContext['services'];
	logger: HubContext['logger'];
}

export async function contactScope(ctx: HubContext, schema: SchemaOverview): Promise<ContactScope> {
	const index = contactIndex(ctx);

	return {
		database: ctx.database,
		source: await index.source(),
		region: readConfig(ctx.env).defaultRegion,
		index,
		schema,
		services: ctx.services,
		logger: ctx.logger,
	};
}

/** `whereIn` in chunks (SQLite allows 999 bound values per statement). */
export async function chunked<T, R>(items: T[], run: (chunk: T[]) => Promise<R[]>, size = 500): Promise<R[]> {
	const out: R[] = [];
	for (let i = 0; i < items.length; i += size) out.push(...(await run(items.slice(i, i + size))));
	return out;
}

export const sameId = (a: unknown, b: unknown) => String(a) === String(b);

export const parseCandidates = (value: unknown): Array<number | string> => {
	let list = value;

	if (typeof list === 'string') {
		try {
			list = JSON.parse(list);
		} catch {
			return [];
		}
	}

	return Array.isArray(list) ? (list as Array<number | string>) : [];
};
