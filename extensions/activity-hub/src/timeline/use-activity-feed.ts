// One timeline's activities: the first page for the current filters, keyset paging, live events applied in place,
// and the row actions (retry, convert to a note, link to a contact, Retry / Mark as sent an outbound message). Newer loads win over older ones.
import { useApi } from '@directus/extensions-sdk';
import { type Ref, ref } from 'vue';
import {
	appendPage,
	matchesFilters,
	nextPage,
	TIMELINE_PAGE,
	type TimelineFilters,
	timelineQuery,
} from '../shared/display.js';
import { applyEvent, type SubscriptionMessage } from '../shared/live-rows.js';
import { errorMessage, translate as t } from '../shared/messages.js';
import type { ActivityRow } from '../shared/rows.js';

export function useActivityFeed(filters: Ref<TimelineFilters>, onRows: (rows: ActivityRow[]) => void) {
	const api = useApi();
	const activities = ref<ActivityRow[]>([]);
	const loading = ref(true);
	const more = ref(false);
	const error = ref<string | null>(null);
	const announcement = ref('');
	let generation = 0;

	const fetchPage = async (after?: { before: string; offset: number } | null) =>
		(await api.get('/items/activities', { params: timelineQuery(filters.value, after) })).data.data as ActivityRow[];

	/** The first page; `also` runs alongside (the notes' first page) and fails the load with it. */
	async function load(also: () => Promise<unknown> = async () => {}) {
		const mine = ++generation;
		loading.value = true;

		try {
			const [page] = await Promise.all([fetchPage(), also()]);
			if (mine !== generation) return; // a newer filter won
			activities.value = page;
			more.value = page.length === TIMELINE_PAGE;
			error.value = null;
			onRows(page);
		} catch (e) {
			if (mine === generation) error.value = errorMessage(e);
		} finally {
			if (mine === generation) loading.value = false;
		}
	}

	async function loadMore() {
		if (loading.value || !more.value) return;
		const mine = generation;
		loading.value = true;

		try {
			const page = await fetchPage(nextPage(activities.value));
			if (mine !== generation) return;
			activities.value = appendPage(activities.value, page);
			more.value = page.length === TIMELINE_PAGE;
			onRows(page);
		} catch (e) {
			error.value = errorMessage(e);
		} finally {
			if (mine === generation) loading.value = false;
		}
	}

	function applyLive(message: SubscriptionMessage) {
		const before = activities.value.length;

		const next = applyEvent(activities.value, message, 'occurred_at').filter((row) =>
			matchesFilters(row as unknown as Record<string, unknown>, filters.value),
		);

		activities.value = next;
		onRows(message.data as ActivityRow[]);
		if (message.event === 'create' && next.length > before)
			announcement.value = t('newActivities', { n: next.length - before });
	}

	/** A row's action; what it changes comes back over the websocket like any other update. */
	async function act<T = unknown>(
		activity: ActivityRow,
		action: 'retry' | 'note' | 'link',
		body: Record<string, unknown> = {},
	): Promise<T | null> {
		try {
			const response = await api.post(`/activity-hub/activities/${activity.id}/${action}`, body);
			error.value = null;
			return response.data?.data ?? null;
		} catch (e) {
			error.value = errorMessage(e);
			return null;
		}
	}

	/** A person's decision on a failed or unknown outbound message (Retry, Mark as sent); the row follows live. */
	async function resolve(activity: ActivityRow, action: 'retry' | 'mark_sent') {
		try {
			await api.post(`/activity-hub/messages/${activity.id}/resolve`, { action });
			error.value = null;
		} catch (e) {
			error.value = errorMessage(e);
		}
	}

	return { activities, loading, more, error, announcement, load, loadMore, applyLive, act, resolve };
}
