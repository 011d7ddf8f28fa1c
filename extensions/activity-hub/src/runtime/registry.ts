// Process-wide handles the ingest hook owns and the API endpoint uses: one ChannelStore (so a key rotation or a
// secret change invalidates the cache the webhook path reads) and the ingest pipeline itself (so Studio uploads
// and test events go through exactly what a provider's webhook goes through).
import type { Request, Response } from 'express';
import type { ChannelStore } from './channels.js';

export interface IngestPipeline {
	/** The webhook pipeline for a request Directus already authenticated: no ingestion key is asked for. */
	ingestAuthenticated(req: Request, res: Response, channelId: string): Promise<unknown>;
	/** Writes one synthetic activity marked `metadata.test`, counted like any delivery. */
	writeTestEvent(channelId: string): Promise<Record<string, unknown>>;
}

let store: ChannelStore | null = null;
let pipeline: IngestPipeline | null = null;

export const setChannelStore = (value: ChannelStore) => (store = value);
export const setIngestPipeline = (value: IngestPipeline) => (pipeline = value);

function loaded<T>(value: T | null): T {
	if (!value) throw new Error('Activity Hub ingest hook is not loaded');
	return value;
}

export const channelStore = (): ChannelStore => loaded(store);
export const ingestPipeline = (): IngestPipeline => loaded(pipeline);
