// The ingest pipeline: everything between an HTTP request and a committed activity. The ingest hook (provider
// webhooks, the WhatsApp handshake) and the API endpoint (Studio uploads, test events, key rotation) both take it
// from ingestPipeline(context), whichever loads first building it, so uploads go through exactly what a webhook
// goes through and there is one ChannelStore: a key rotation or a secret change invalidates the cache the webhook
// path reads.
import type { Request, Response } from 'express';
import { installedContacts } from '../install/status.js';
import { contactIndex } from '../contacts/matching.js';
import { type Channel, ChannelStore } from '../runtime/channels.js';
import { cachedSchema, type HubContext } from '../runtime/context.js';
import { readConfig } from '../shared/config.js';
import { FileStore } from '../runtime/files.js';
import { RefusalLog } from '../runtime/refusals.js';
import { ActivityWriter, type DraftWithFiles, type WriteResult } from '../runtime/writer.js';
import { answerHandshake } from './handshake.js';
import { createIngestHandler } from './ingest-request.js';
import { createMediaFetcher } from './media-fetcher.js';
import type { PipelineParts } from './parts.js';
import { afterCommit } from './post-commit.js';
import { channelRateLimit } from './rate-limit.js';
import { testEventIds, writeTestEvent } from './test-event.js';
import { createUpdater } from './updates.js';

export interface IngestPipeline {
	/** The channels and their secrets, cached briefly: write secrets and key hashes through it. */
	channels: ChannelStore;
	/** POST /ingest/:channelId from a provider: the channel's ingestion key is required. */
	ingestWebhook(req: Request, res: Response, channelId: string): Promise<void>;
	/** The webhook pipeline for a request Directus already authenticated: no ingestion key is asked for. */
	ingestAuthenticated(req: Request, res: Response, channelId: string): Promise<void>;
	/** GET /ingest/:channelId: the WhatsApp verification handshake. */
	answerHandshake(req: Request, res: Response): Promise<void>;
	/** Writes one synthetic activity marked `metadata.test`, counted like any delivery, stored completed (never queued). */
	writeTestEvent(channelId: string): Promise<WriteResult>;
	/** The ids of a channel's test events, and of nothing else. */
	testEventIds(channelId: string): Promise<string[]>;
	/** Refused requests of known channels, written in batches off the request's path. */
	refusals: RefusalLog;
	/** Directus Files under the channel's rules (sniffed, generated names): the mailbox sync stores attachments here. */
	files: FileStore;
	/** Drafts a channel produced without a request (the mailbox sync) into the same group-commit writer. */
	write(channel: Channel, drafts: DraftWithFiles[]): Promise<WriteResult[]>;
}

/** What the pipeline takes from the context Directus hands the hook and the endpoint (runtime/context.ts). */
export type IngestContext = HubContext;

let shared: IngestPipeline | null = null;

/** The process's one pipeline; the hook and the endpoint are handed the same Directus context. */
export function ingestPipeline(context: IngestContext): IngestPipeline {
	shared ??= createIngestPipeline(context);
	return shared;
}

function createIngestPipeline({ database, env, logger, services, getSchema }: IngestContext): IngestPipeline {
	const config = readConfig(env);
	const channels = new ChannelStore(database, config.directus.secret);
	// One schema for the pipeline's parts, re-read every few seconds: Directus's getSchema() may copy it whole per call.
	const schema = cachedSchema(() => getSchema());
	const files = new FileStore(database, services, schema, config.directus.storageLocation);

	const writer = new ActivityWriter(database, {
		region: config.defaultRegion,
		matching: config.matching,
		settleIndex: () => contactIndex({ database, env, logger, getSchema }).settle(),
		// A team's own contacts collection has its own shape: the bundle creates contacts only in its own.
		get createContacts() {
			return installedContacts()?.owned === true;
		},
	});

	const parts: PipelineParts = {
		database,
		config,
		logger,
		channels,
		files,
		writer,
		schema,
	};

	const fetchMedia = createMediaFetcher(parts);
	writer.onCommit(afterCommit({ ...parts, fetchMedia }));
	const updater = createUpdater(parts, fetchMedia);
	const refusals = new RefusalLog(database, (error, message) => logger.warn(error, message));
	const ingest = createIngestHandler({ ...parts, rateLimit: channelRateLimit(config), updater, refusals });

	return {
		channels,
		ingestWebhook: (req, res, channelId) => ingest(req, res, channelId, false),
		ingestAuthenticated: (req, res, channelId) => ingest(req, res, channelId, true),
		answerHandshake: (req, res) => answerHandshake(channels, refusals, req, res),
		writeTestEvent: (channelId) => writeTestEvent(channels, writer, channelId),
		testEventIds: (channelId) => testEventIds(database, channelId),
		refusals,
		files,
		write: (channel, drafts) => writer.write(channel, drafts),
	};
}
