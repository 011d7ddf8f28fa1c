// One ChannelStore per process, shared by the ingest hook (reads) and the lifecycle hook / API (writes), so a
// key rotation or a secret change invalidates the cache the webhook path reads.
import type { ChannelStore } from './channels.js';

let store: ChannelStore | null = null;
export const setChannelStore = (value: ChannelStore) => (store = value);
export function channelStore(): ChannelStore {
	if (!store) throw new Error('Activity Hub ingest hook is not loaded');
	return store;
}
