// A contact's notes, paged like activities, live, and written from the composer; and which activities already have
// a note (so a row offers "Open note" instead of "Convert to note"), for any list of activities.
import { useApi } from '@directus/extensions-sdk';
import { reactive, type Ref, ref } from 'vue';
import { appendPage, nextPage, NOTE_PAGE, noteQuery } from '../shared/display.js';
import { applyEvent, type SubscriptionMessage } from '../shared/live-rows.js';
import type { ItemId, NoteRow } from '../shared/rows.js';

export const noteActivityId = (note: Pick<NoteRow, 'activity'>) =>
	note.activity && typeof note.activity === 'object' ? note.activity.id : (note.activity ?? null);

export function useNotes(contact: Ref<ItemId | null>, onRows: (rows: NoteRow[]) => void = () => {}) {
	const api = useApi();
	const notes = ref<NoteRow[]>([]);
	const more = ref(false);
	const loadingMore = ref(false);
	/** activity id → the note made from it */
	const noteOf = reactive<Record<string, number>>({});

	const remember = (rows: NoteRow[]) => {
		for (const note of rows) {
			const activity = noteActivityId(note);
			if (activity) noteOf[activity] = note.id;
		}
	};

	async function fetchPage(after: { before: string; offset: number } | null = null) {
		const page = (await api.get('/items/contact_notes', { params: noteQuery(contact.value!, after) })).data
			.data as NoteRow[];

		remember(page);
		onRows(page);
		return page;
	}

	async function load() {
		if (contact.value == null) return;
		const page = await fetchPage();
		notes.value = page;
		more.value = page.length === NOTE_PAGE;
	}

	async function loadMore() {
		if (loadingMore.value || !more.value) return;
		loadingMore.value = true;

		try {
			const page = await fetchPage(nextPage(notes.value, 'date_created'));
			notes.value = appendPage(notes.value, page);
			more.value = page.length === NOTE_PAGE;
		} finally {
			loadingMore.value = false;
		}
	}

	function applyLive(message: SubscriptionMessage) {
		if (message.event === 'delete') {
			const gone = new Set(message.data.map((entry) => String(entry)));
			for (const [activity, note] of Object.entries(noteOf)) if (gone.has(String(note))) delete noteOf[activity];
		} else {
			remember(message.data as NoteRow[]);
			onRows(message.data as NoteRow[]);
		}

		notes.value = applyEvent(notes.value, message, 'date_created');
	}

	/** Which of these activities have a note (those not already known). */
	async function resolveNoteLinks(activityIds: string[]) {
		const unknown = activityIds.filter((id) => !(id in noteOf));
		if (!unknown.length) return;

		try {
			const rows = (
				await api.get('/items/contact_notes', {
					params: { filter: { activity: { _in: unknown } }, fields: ['id', 'activity'], limit: -1 },
				})
			).data.data as NoteRow[];

			remember(rows);
		} catch {
			// no read access to notes: rows keep offering "Convert to note", which the server answers idempotently
		}
	}

	const add = (content: string) => api.post('/items/contact_notes', { contact: contact.value, content });
	const update = (note: NoteRow, content: string) => api.patch(`/items/contact_notes/${note.id}`, { content });
	const remove = (note: NoteRow) => api.delete(`/items/contact_notes/${note.id}`);

	return { notes, more, loadingMore, noteOf, load, loadMore, applyLive, resolveNoteLinks, add, update, remove };
}
