// The channel setup's data: the channel's row (counters, key prefix, limits) and which secrets are set, read
// together and refreshed every 10 s; and one runner for the buttons' requests (spinner, error, then a refresh).
import { useApi } from '@directus/extensions-sdk';
import { onBeforeUnmount, onMounted, type Ref, ref } from 'vue';
import { errorMessage } from '../shared/messages.js';

/** The fields of `ingestion_channels` the setup reads (Directus returns big integers as text on some databases). */
export interface ChannelRow {
	provider: string | null;
	key_prefix: string | null;
	last_received_at: string | null;
	received_count: number | null;
	duplicate_count: number | null;
	rejected_count: number | null;
	max_request_bytes: number | string | null;
	max_file_bytes: number | string | null;
	max_files: number | null;
	allowed_mime_types: string[] | null;
	/** Mailbox channels: the IMAP settings and how the sync goes. */
	settings: Record<string, unknown> | null;
	last_synced_at: string | null;
	sync_error: string | null;
}

/** The limits the setup edits in human units. */
export type LimitField = 'max_request_bytes' | 'max_file_bytes' | 'max_files';

/** GET /activity-hub/channels/:id/secrets: whether each secret is set, never its value. */
export interface SecretStatus {
	name: string;
	configured: boolean;
	updated_at: string | null;
}

const FIELDS: Array<keyof ChannelRow> = [
	'provider',
	'key_prefix',
	'last_received_at',
	'received_count',
	'duplicate_count',
	'rejected_count',
	'max_request_bytes',
	'max_file_bytes',
	'max_files',
	'allowed_mime_types',
	'settings',
	'last_synced_at',
	'sync_error',
];

export function useChannel(primaryKey: () => string | null) {
	const api = useApi();
	const channel = ref<ChannelRow | null>(null);
	const secrets = ref<SecretStatus[]>([]);
	const error = ref<string | null>(null);
	const now = ref(Date.now());

	async function refresh() {
		const id = primaryKey();
		if (!id) return;

		try {
			const [row, status] = await Promise.all([
				api.get(`/items/ingestion_channels/${id}`, { params: { fields: FIELDS } }),
				api.get(`/activity-hub/channels/${id}/secrets`),
			]);

			channel.value = row.data.data as ChannelRow;
			secrets.value = status.data.data as SecretStatus[];
			now.value = Date.now();
			error.value = null;
		} catch (e) {
			error.value = errorMessage(e);
		}
	}

	let poll: ReturnType<typeof setInterval> | undefined;

	onMounted(() => {
		void refresh();
		poll = setInterval(refresh, 10_000);
	});

	onBeforeUnmount(() => clearInterval(poll));
	return { api, channel, secrets, error, now, refresh };
}

/** One button's request: its spinner on, then its error (if any) shown; `after` runs once it succeeded. */
export function useRequest(after: () => Promise<void> | void = () => {}) {
	const running = ref(false);
	const error = ref<string | null>(null);

	async function run(action: () => Promise<void>) {
		running.value = true;

		try {
			await action();
			error.value = null;
			await after();
		} catch (e) {
			error.value = errorMessage(e);
		} finally {
			running.value = false;
		}
	}

	return { running: running as Readonly<Ref<boolean>>, error, run };
}
