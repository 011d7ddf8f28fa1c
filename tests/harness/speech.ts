// Speech for tests: a real WAV spoken by Debian's espeak-ng, and a local HTTP server speaking the OpenAI audio API
// (`POST /v1/audio/transcriptions`, multipart, answering `verbose_json`) — the test double for a service outside
// this machine. It cannot understand speech: it answers the sentences the test spoke, timed over the WAV's length
// as its header gives it, and records what it was sent.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import busboy from 'busboy';

/** A WAV of `sentences` read by espeak-ng, with its length in seconds from the RIFF header. */
export function spokenWav(sentences: string[]): { wav: Buffer; seconds: number } {
	const path = join(mkdtempSync(join(tmpdir(), 'speech-')), 'speech.wav');
	execFileSync('espeak-ng', ['-w', path, sentences.join(' ')]);
	const wav = readFileSync(path);
	if (wav.subarray(0, 4).toString() !== 'RIFF') throw new Error('espeak-ng wrote no WAV');
	const byteRate = wav.readUInt32LE(28);
	const dataBytes = wav.length - 44;
	return { wav, seconds: dataBytes / byteRate };
}

export interface TranscriptionRequest {
	authorization?: string;
	fields: Record<string, string>;
	file: { name: string; type: string; bytes: Buffer };
}

export interface FakeSpeechApi {
	url: string;
	server: Server;
	seen: TranscriptionRequest[];
	/** Answer the next `count` requests 500. */
	failNext: { count: number };
	/** The verbose_json answer for a recording of `seconds`: the sentences spread evenly over it. */
	answer: (seconds: number) => { text: string; duration: number; language: string; segments: unknown[] };
}

export async function fakeSpeechApi(sentences: string[]): Promise<FakeSpeechApi> {
	const seen: TranscriptionRequest[] = [];
	const failNext = { count: 0 };

	const answer = (seconds: number) => {
		const step = seconds / sentences.length;

		return {
			task: 'transcribe',
			language: 'english',
			duration: seconds,
			text: sentences.join(' '),
			segments: sentences.map((text, id) => ({
				id,
				seek: 0,
				start: Math.round(id * step * 100) / 100,
				end: Math.round((id + 1) * step * 100) / 100,
				text: ` ${text}`,
				tokens: [],
				temperature: 0,
				avg_logprob: -0.2,
				compression_ratio: 1.2,
				no_speech_prob: 0.01,
			})),
		};
	};

	const server = createServer((req, res) => {
		if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') return void res.writeHead(404).end();
		const fields: Record<string, string> = {};
		let file: TranscriptionRequest['file'] | null = null;
		const parts: Buffer[] = [];
		const parser = busboy({ headers: req.headers });
		parser.on('field', (name, value) => (fields[name] = value));

		parser.on('file', (_name, stream, info) => {
			stream.on('data', (chunk: Buffer) => parts.push(chunk));
			stream.on('end', () => (file = { name: info.filename ?? '', type: info.mimeType, bytes: Buffer.concat(parts) }));
		});

		parser.on('close', () => {
			seen.push({ authorization: req.headers.authorization, fields, file: file! });

			if (failNext.count > 0) {
				failNext.count--;
				return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"busy"}}');
			}

			const bytes = file?.bytes ?? Buffer.alloc(0);

			if (bytes.subarray(0, 4).toString() !== 'RIFF' || fields['response_format'] !== 'verbose_json')
				return void res
					.writeHead(400, { 'content-type': 'application/json' })
					.end('{"error":{"message":"bad request"}}');

			const seconds = (bytes.length - 44) / bytes.readUInt32LE(28);
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(seconds)));
		});

		req.pipe(parser);
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server, seen, failNext, answer };
}
