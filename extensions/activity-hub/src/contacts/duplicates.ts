// The duplicate review list: groups of contacts sharing an e-mail address or phone number (from the identity index),
// or the same normalised name and company. Read with the caller's permissions (only contacts it may read).
import { contactLabel } from '../shared/display.js';
import { duplicateGroups, duplicateKeys } from '../shared/contact-merge.js';
import type { Accountability } from '../runtime/context.js';
import type { ContactScope } from './scope.js';

export interface DuplicateGroup {
	reason: string;
	contacts: Array<{ id: number | string; name: string }>;
}

const PAGE = 5000;

export async function findDuplicates(
	scope: ContactScope,
	accountability: Accountability | null | undefined,
	limit = 100,
): Promise<DuplicateGroup[]> {
	const { source } = scope;

	const service = new scope.services.ItemsService(source.collection, {
		schema: scope.schema,
		accountability: accountability ?? null,
		knex: scope.database,
	});

	const fields = [
		source.primaryKey,
		'first_name',
		'last_name',
		'company',
		...source.emailFields,
		...source.phoneFields,
	];

	const known = new Set(Object.keys(scope.schema.collections[source.collection]?.fields ?? {}));
	const rows: Array<Record<string, unknown>> = [];

	for (let page = 1; ; page++) {
		const batch = (await service.readByQuery({
			fields: fields.filter((field) => known.has(field)),
			limit: PAGE,
			page,
			sort: [source.primaryKey],
		})) as Array<Record<string, unknown>>;

		rows.push(...batch);
		if (batch.length < PAGE) break;
	}

	const byId = new Map(rows.map((row) => [String(row[source.primaryKey]), row]));

	const groups = duplicateGroups(
		rows.map((row) => ({
			id: row[source.primaryKey] as number | string,
			keys: duplicateKeys(row, source, scope.region),
		})),
	);

	return groups.slice(0, limit).map((group) => ({
		reason: group.reason,
		contacts: group.ids.map((id) => {
			const row = byId.get(String(id)) ?? {};
			return { id, name: contactLabel({ ...row, id }) };
		}),
	}));
}
