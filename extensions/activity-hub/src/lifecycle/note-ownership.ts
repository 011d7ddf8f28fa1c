// Notes are edited and deleted by whoever wrote them: people their own (the note's author), agents their own (the
// user recorded as creating it in Directus's activity log), admins and Directus itself any. The Core tier has no
// item-level permission rules, so the rule is a filter on every update and delete, whatever sends it.
import { createError } from '@directus/errors';
import type { Knex } from 'knex';
import { isAgentUser } from '../runtime/agents.js';
import type { Accountability } from '../runtime/context.js';

export const NotYourNote = createError(
	'FORBIDDEN',
	'Only the author of a note (or an admin) may change or delete it',
	403,
);

type Filter = (event: string, handler: (payload: any, meta: any, context: any) => unknown) => void;

/** The ids among `keys` of notes `who` did not write. */
export async function othersNotes(database: Knex, who: Accountability, keys: Array<string | number>) {
	const notes: Array<{ id: number; author: string | null; source: string | null }> = await database('contact_notes')
		.select('id', 'author', 'source')
		.whereIn('id', keys);

	const foreign = notes.filter((note) => note.author !== who.user);
	const agentNotes = foreign.filter((note) => note.source === 'agent' && note.author == null);
	if (!agentNotes.length || !(await isAgentUser(database, who))) return foreign.map((note) => note.id);

	const created = await database('directus_activity')
		.select('item')
		.where({ collection: 'contact_notes', action: 'create', user: who.user })
		.whereIn(
			'item',
			agentNotes.map((note) => String(note.id)),
		);

	const mine = new Set(created.map((row: { item: string }) => String(row.item)));
	return foreign.filter((note) => !mine.has(String(note.id))).map((note) => note.id);
}

export function registerNoteOwnership(filter: Filter) {
	const check = async (keys: unknown, accountability: Accountability | null, database: Knex) => {
		if (!accountability?.user || accountability.admin) return;
		const list = (Array.isArray(keys) ? keys : [keys]).filter((key) => key != null) as Array<string | number>;
		if (list.length && (await othersNotes(database, accountability, list)).length) throw new NotYourNote();
	};

	filter('contact_notes.items.update', async (payload: Record<string, unknown>, meta, { accountability, database }) => {
		await check(meta?.keys ?? [], accountability, database);

		// Who wrote a note is not for its author to rewrite.
		if (accountability?.user && !accountability.admin) {
			delete payload['author'];
			delete payload['source'];
		}

		return payload;
	});

	filter('contact_notes.items.delete', async (keys: unknown, _meta, { accountability, database }) => {
		await check(keys, accountability, database);
		return keys;
	});
}
