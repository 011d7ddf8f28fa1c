// Files into Directus Files: streamed, type sniffed from the bytes (never trusted from the client), stored under a
// generated name in a folder per channel; the sanitised original name is only display metadata.
import { randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import type { Knex } from 'knex';
import { sanitiseFilename } from '../shared/filenames.js';
import { peek } from '../shared/node/streams.js';
import type { Channel } from './channels.js';

export interface StoredFileInfo {
	id: string;
	filename: string;
	type: string;
	size: number;
}

export class FileStore {
	private folders = new Set<string>();
	constructor(
		private database: Knex,
		private services: Record<string, any>,
		private getSchema: () => Promise<unknown>,
		private storage: string,
	) {}

	private async folderFor(channel: Channel): Promise<string> {
		if (!this.folders.has(channel.id)) {
			const exists = await this.database('directus_folders').where({ id: channel.id }).first();

			if (!exists) {
				await this.database('directus_folders')
					.insert({ id: channel.id, name: `Activity Hub · ${channel.name}`.slice(0, 255), parent: null })
					.onConflict('id')
					.ignore();
			}

			this.folders.add(channel.id);
		}

		return channel.id;
	}

	/** Sniff the type from the first bytes; `declared` is used only when the bytes say nothing (e.g. text). */
	async sniff(stream: Readable, declared: string): Promise<{ stream: Readable; type: string; extension: string }> {
		const { head, rest } = await peek(stream, SNIFF_BYTES);
		const detected = await fileTypeFromBuffer(head);

		const type =
			detected?.mime ?? (/^text\/[a-z0-9.+-]+$/i.test(declared) ? declared.toLowerCase() : 'application/octet-stream');

		const extension = detected?.ext ?? (type.startsWith('text/') ? 'txt' : 'bin');
		return { stream: rest, type, extension };
	}

	async store(
		channel: Channel,
		stream: Readable,
		originalName: string,
		type: string,
		extension: string,
	): Promise<StoredFileInfo> {
		const folder = await this.folderFor(channel);
		const filename = sanitiseFilename(originalName);
		// Count bytes in a Transform: a 'data' listener would switch the stream to flowing mode and the bytes
		// would be gone before Directus's storage reads them.
		let size = 0;

		const counter = new Transform({
			transform(chunk: Buffer, _encoding, callback) {
				size += chunk.length;
				callback(null, chunk);
			},
		});

		stream.on('error', (error) => counter.destroy(error));
		stream.pipe(counter);
		const service = new this.services['FilesService']({ schema: await this.getSchema(), accountability: null });

		const id = await service.uploadOne(counter, {
			storage: this.storage,
			filename_download: filename,
			filename_disk: `${randomUUID()}.${extension}`,
			title: filename,
			type,
			folder,
		});

		return { id, filename, type, size };
	}

	async storeBuffer(channel: Channel, content: Buffer, originalName: string, declared: string) {
		const sniffed = await this.sniff(Readable.from([content]), declared);
		return this.store(channel, sniffed.stream, originalName, sniffed.type, sniffed.extension);
	}

	async remove(ids: string[]) {
		if (ids.length === 0) return;
		const service = new this.services['FilesService']({ schema: await this.getSchema(), accountability: null });
		await service.deleteMany(ids);
	}
}

const SNIFF_BYTES = 4100;
