// Display names for ids shown in the Studio components: users (lease holders, note authors) and contacts (feed rows,
// ambiguous-match candidates). Each id is looked up once, in one request per batch; without read access the id stays.
import { useApi } from '@directus/extensions-sdk';
import { reactive } from 'vue';
import { contactLabel } from '../shared/display.js';
import type { ItemId } from '../shared/rows.js';

type Row = Record<string, unknown> & { id: ItemId };

export function useNames(contactsCollection = 'contacts') {
	const api = useApi();
	const users = reactive<Record<string, string>>({});
	const contacts = reactive<Record<string, string>>({});

	async function resolve(
		cache: Record<string, string>,
		ids: Array<ItemId | null | undefined>,
		fallback: (id: string) => string,
		fetch: (ids: string[]) => Promise<Row[]>,
		label: (row: Row) => string,
	) {
		const missing = [...new Set(ids.filter((id) => id != null && id !== '').map(String))].filter(
			(id) => !(id in cache),
		);

		if (!missing.length) return;
		for (const id of missing) cache[id] = fallback(id);

		try {
			for (const row of await fetch(missing)) cache[String(row.id)] = label(row);
		} catch {
			// no read access: the fallback stays
		}
	}

	const resolveUsers = (ids: Array<string | null | undefined>) =>
		resolve(
			users,
			ids,
			(id) => id.slice(0, 8),
			async (missing) =>
				(
					await api.get('/users', {
						params: { filter: { id: { _in: missing } }, fields: ['id', 'first_name', 'last_name', 'email'] },
					})
				).data.data,
			(user) => [user['first_name'], user['last_name']].filter(Boolean).join(' ') || String(user['email'] ?? user.id),
		);

	const resolveContacts = (ids: Array<ItemId | null | undefined>) =>
		resolve(
			contacts,
			ids,
			(id) => `#${id}`,
			async (missing) =>
				(await api.get(`/items/${contactsCollection}`, { params: { filter: { id: { _in: missing } }, fields: ['*'] } }))
					.data.data,
			contactLabel,
		);

	return {
		userName: (id: string) => users[id] ?? id.slice(0, 8),
		contactName: (id: ItemId) => contacts[String(id)] ?? `#${id}`,
		resolveUsers,
		resolveContacts,
	};
}

export type Names = ReturnType<typeof useNames>;
