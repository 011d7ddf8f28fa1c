// Request bodies, read by the channel's limits rather than Directus's global one: JSON and form bodies into a
// bounded buffer, multipart bodies streamed (files straight into storage, see multipart.ts).
import type { Request } from 'express';
import type { Channel } from '../runtime/channels.js';
import { IngestError, type IngestRequest, parseForm } from '../shared/node/providers/index.js';
import { type MultipartStorage, readMultipart } from './multipart.js';

/**
 * Fills `request` (raw body, form fields, stored files) from the body of `kind`. Files stored on the way are
 * listed in `stored`, so a refused request can remove them.
 */
export async function readRequestBody(
	kind: 'json' | 'form' | 'multipart',
	req: Request,
	channel: Channel,
	request: IngestRequest,
	stored: string[],
	storage: MultipartStorage,
): Promise<void> {
	if (kind === 'multipart') return readMultipart(req, channel, request, stored, storage);
	request.rawBody = await readBody(req, channel.maxRequestBytes);
	if (kind === 'form') request.fields = parseForm(request.rawBody);
}

function readBody(req: Request, limit: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;

		req.on('data', (chunk: Buffer) => {
			size += chunk.length;

			if (size > limit) {
				req.removeAllListeners('data');
				req.resume();
				reject(new IngestError(413, 'TOO_LARGE', `Request exceeds ${limit} bytes`));
				return;
			}

			chunks.push(chunk);
		});

		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', () => reject(new IngestError(400, 'BODY_UNREADABLE', 'The request body could not be read')));
	});
}
