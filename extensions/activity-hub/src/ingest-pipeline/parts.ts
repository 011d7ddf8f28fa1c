// The pieces of the one pipeline, built once in index.ts and handed to the files that use them.
import type { ApiExtensionContext } from '@directus/types';
import type { Knex } from 'knex';
import type { ChannelStore } from '../runtime/channels.js';
import type { FileStore } from '../runtime/files.js';
import type { ActivityWriter } from '../runtime/writer.js';
import type { HubConfig } from '../shared/config.js';

export type Logger = ApiExtensionContext['logger'];

export interface PipelineParts {
	database: Knex;
	config: HubConfig;
	logger: Logger;
	channels: ChannelStore;
	files: FileStore;
	writer: ActivityWriter;
	/** A copy refreshed every few seconds, for event contexts: getSchema() clones the whole schema per call. */
	schema: () => Promise<unknown>;
}
