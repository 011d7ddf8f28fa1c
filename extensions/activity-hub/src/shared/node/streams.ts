// Stream helpers with no Directus or Express in them.
import { PassThrough, type Readable } from 'node:stream';

/** Read the first `size` bytes of a stream, and give back a stream that still yields every byte. */
export function peek(stream: Readable, size: number): Promise<{ head: Buffer; rest: Readable }> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let length = 0;
		let ended = false;

		const cleanup = () => {
			stream.off('data', onData);
			stream.off('end', onEnd);
			stream.off('error', onError);
		};

		const finish = () => {
			cleanup();
			stream.pause();
			const head = Buffer.concat(chunks);
			const rest = new PassThrough();
			rest.write(head);

			if (ended) rest.end();
			else {
				stream.on('error', (error) => rest.destroy(error));
				stream.pipe(rest);
			}

			resolve({ head: head.subarray(0, size), rest });
		};

		const onData = (chunk: Buffer) => {
			chunks.push(chunk);
			length += chunk.length;
			if (length >= size) finish();
		};

		const onEnd = () => {
			ended = true;
			finish();
		};

		const onError = (error: Error) => {
			cleanup();
			reject(error);
		};

		stream.on('data', onData);
		stream.once('end', onEnd);
		stream.once('error', onError);
	});
}
