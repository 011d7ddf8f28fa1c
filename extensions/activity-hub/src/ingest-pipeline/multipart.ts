// Multipart bodies (mail providers' inbound parse, Studio uploads): each file part is sniffed and streamed into
// Directus Files as it arrives, under the channel's limits on sizes, counts and MIME types.
import busboy from 'busboy';
import type { Request } from 'express';
import type { Channel } from '../runtime/channels.js';
import { filenameRefusal, mimeAllowed } from '../shared/filenames.js';
import { IngestError, type IngestRequest, type StoredFile } from '../shared/node/providers/index.js';
import type { PipelineParts } from './parts.js';

export type MultipartStorage = Pick<PipelineParts, 'files' | 'logger'>;

export function readMultipart(
	req: Request,
	channel: Channel,
	request: IngestRequest,
	stored: string[],
	{ files, logger }: MultipartStorage,
): Promise<void> {
	return new Promise((resolve, reject) => {
		let parser: busboy.Busboy;

		try {
			parser = busboy({
				defParamCharset: 'utf8', // browsers send raw UTF-8 file names; busboy's default would garble them
				preservePath: true, // see the name as sent, so a path in it is refused rather than silently cut off
				headers: req.headers,
				limits: {
					fileSize: channel.maxFileBytes,
					files: channel.maxFiles,
					fields: 500,
					parts: channel.maxFiles + 500,
					fieldSize: 5 * 1024 * 1024,
				},
			});
		} catch {
			return reject(new IngestError(400, 'INVALID_MULTIPART', 'Malformed multipart body'));
		}

		let failure: IngestError | null = null;

		const fail = (error: IngestError) => {
			failure ??= error;
		};

		let received = 0;
		const pending: Promise<void>[] = [];

		req.on('data', (chunk: Buffer) => {
			received += chunk.length;

			if (received > channel.maxRequestBytes) {
				fail(new IngestError(413, 'TOO_LARGE', `Request exceeds ${channel.maxRequestBytes} bytes`));
				req.unpipe(parser);
				parser.destroy();
				finish();
			}
		});

		parser.on('field', (name, value, info) => {
			if (info.valueTruncated) fail(new IngestError(413, 'FIELD_TOO_LARGE', `Field ${name.slice(0, 50)} is too large`));
			request.fields.push([name, value]);
		});

		parser.on('file', (field, stream, info) => {
			if (failure) return stream.resume();
			const badName = filenameRefusal(info.filename);

			if (badName) {
				fail(new IngestError(400, 'INVALID_FILENAME', `File name refused: ${badName}`));
				return stream.resume();
			}

			let truncated = false;

			stream.on('limit', () => {
				truncated = true;
				fail(new IngestError(413, 'FILE_TOO_LARGE', `A file exceeds ${channel.maxFileBytes} bytes`));
			});

			pending.push(
				(async () => {
					const sniffed = await files.sniff(stream, info.mimeType);

					if (!mimeAllowed(sniffed.type, channel.allowedMimeTypes)) {
						fail(new IngestError(415, 'FILE_TYPE_REFUSED', `File type ${sniffed.type} is not allowed on this channel`));

						sniffed.stream.resume();
						return;
					}

					const saved = await files.store(
						channel,
						sniffed.stream,
						info.filename ?? field,
						sniffed.type,
						sniffed.extension,
					);

					stored.push(saved.id);
					if (truncated) return;

					const file: StoredFile = {
						id: saved.id,
						field,
						filename: saved.filename,
						type: saved.type,
						size: saved.size,
					};

					request.files.push(file);
				})().catch((error) => {
					// An unread file stream would stall busboy (and the request) forever: drain it.
					stream.resume();

					fail(
						error instanceof IngestError
							? error
							: new IngestError(400, 'INVALID_MULTIPART', 'A file part could not be read'),
					);

					if (!(error instanceof IngestError)) logger.warn(error, 'Activity Hub: a file part could not be stored');
				}),
			);
		});

		parser.on('filesLimit', () =>
			fail(new IngestError(413, 'TOO_MANY_FILES', `At most ${channel.maxFiles} files per request`)),
		);

		parser.on('fieldsLimit', () => fail(new IngestError(413, 'TOO_MANY_FIELDS', 'Too many form fields')));
		parser.on('partsLimit', () => fail(new IngestError(413, 'TOO_MANY_PARTS', 'Too many parts')));

		parser.on('error', () => {
			fail(new IngestError(400, 'INVALID_MULTIPART', 'Malformed or truncated multipart body'));
			finish();
		});

		let finished = false;

		function finish() {
			if (finished) return;
			finished = true;
			void Promise.allSettled(pending).then(() => (failure ? reject(failure) : resolve()));
		}

		parser.on('close', finish);
		req.pipe(parser);
	});
}
