// Attachments that arrive inside the body (Postmark's base64 parts) into Directus Files, under the channel's
// file-name, size and MIME-type rules; uploads and provider media are stored by multipart.ts and media-fetcher.ts.
import type { Channel } from '../runtime/channels.js';
import type { FileStore } from '../runtime/files.js';
import type { DraftWithFiles } from '../runtime/writer.js';
import { filenameRefusal, mimeAllowed } from '../shared/filenames.js';
import { type ActivityDraft, IngestError } from '../shared/node/providers/index.js';

/** The draft with its inline files stored and linked by id; each stored id is also listed in `stored`. */
export async function storeInlineFiles(
	files: FileStore,
	channel: Channel,
	draft: ActivityDraft,
	stored: string[],
): Promise<DraftWithFiles> {
	const fileIds = draft.files.map((file) => file.id);

	for (const inline of draft.inlineFiles) {
		const badName = filenameRefusal(inline.filename);
		if (badName) throw new IngestError(400, 'INVALID_FILENAME', `Attachment file name refused: ${badName}`);
		if (inline.content.length > channel.maxFileBytes)
			throw new IngestError(413, 'FILE_TOO_LARGE', `Attachment exceeds ${channel.maxFileBytes} bytes`);
		const saved = await files.storeBuffer(channel, inline.content, inline.filename, inline.type);
		stored.push(saved.id);
		if (!mimeAllowed(saved.type, channel.allowedMimeTypes))
			throw new IngestError(415, 'FILE_TYPE_REFUSED', `File type ${saved.type} is not allowed on this channel`);
		fileIds.push(saved.id);
	}

	return { ...draft, inlineFiles: [], fileIds };
}
