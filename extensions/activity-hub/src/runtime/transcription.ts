// Speech to text through any OpenAI-compatible `POST {url}/audio/transcriptions` (OpenAI, Groq, a local
// faster-whisper or whisper.cpp server): the recording as multipart `file`, `response_format=verbose_json` so the
// answer has timed segments, read into utterances (shared/transcript.ts).
import type { Knex } from 'knex';
import { buffer } from 'node:stream/consumers';
import type { HubConfig } from '../shared/config.js';
import { type Utterance, utterancesFromVerboseJson } from '../shared/transcript.js';

export interface Recording {
	id: string;
	type: string;
	filename: string;
}

/** The activity's recording: its first audio attachment, else its first video (Zoom's MP4 when no M4A came). */
export async function recordingOf(database: Knex, activityId: string): Promise<Recording | null> {
	const files = (await database('activity_files')
		.join('directus_files', 'directus_files.id', 'activity_files.directus_files_id')
		.select('directus_files.id as id', 'directus_files.type as type', 'directus_files.filename_download as filename')
		.where('activity_files.activities_id', activityId)
		.orderBy('activity_files.id')) as Recording[];

	return (
		files.find((file) => String(file.type).startsWith('audio/')) ??
		files.find((file) => String(file.type).startsWith('video/')) ??
		null
	);
}

/** The recording's bytes from Directus's storage, refused above `maxBytes` (the APIs take about 25 MB). */
export async function readRecording(
	services: Record<string, any>,
	schema: unknown,
	recording: Recording,
	maxBytes: number,
): Promise<Buffer> {
	const assets = new services['AssetsService']({ schema, accountability: null });
	const { stream, file } = await assets.getAsset(recording.id);

	if (Number(file?.filesize ?? 0) > maxBytes) {
		stream.destroy?.();
		throw new Error(`The recording is larger than ${maxBytes} bytes`);
	}

	return buffer(stream);
}

/** Asks the configured API for the recording's utterances; any failure throws with the reason. */
export async function transcribe(
	config: HubConfig['transcribe'],
	recording: Recording,
	bytes: Buffer,
): Promise<{ utterances: Utterance[]; language: string | null }> {
	if (!config.url) throw new Error('ACTIVITY_HUB_TRANSCRIBE_URL is not set');
	const form = new FormData();
	form.append('file', new Blob([new Uint8Array(bytes)], { type: recording.type }), recording.filename || 'recording');
	form.append('model', config.model);
	form.append('response_format', 'verbose_json');
	form.append('timestamp_granularities[]', 'segment');

	const response = await fetch(`${config.url}/audio/transcriptions`, {
		method: 'POST',
		headers: config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {},
		body: form,
		signal: AbortSignal.timeout(config.timeoutMs),
	});

	if (!response.ok) {
		const detail = (await response.text().catch(() => '')).slice(0, 300).replace(/\s+/g, ' ').trim();
		throw new Error(`The transcription API answered ${response.status}${detail ? `: ${detail}` : ''}`);
	}

	let answer: unknown;

	try {
		answer = await response.json();
	} catch {
		throw new Error('The transcription API answered no JSON (is response_format=verbose_json supported?)');
	}

	const language = (answer as { language?: unknown })?.language;
	return { utterances: utterancesFromVerboseJson(answer), language: typeof language === 'string' ? language : null };
}
