// Transcripts of calls and meetings: `processed_data.transcript` is a list of utterances `{ start, end, text,
// speaker? }` in seconds from the start of the recording, whoever wrote it (the Transcribe recording operation from
// an OpenAI-compatible verbose_json answer, a Zoom VTT file, Twilio's transcription callback, an agent through
// complete). Pure and isomorphic: the operation, the ingest pipeline, the API's validation and the timeline use it.
import { MAX_UTTERANCE_CHARS, MAX_UTTERANCES } from './limits.js';

export interface Utterance {
	start: number;
	end: number;
	text: string;
	speaker?: string;
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const seconds = (value: unknown) => (finite(value) && value > 0 ? Math.round(value * 1000) / 1000 : 0);

/** Why a value is not a transcript (null: it is one). The shape agents write through complete is checked here. */
export function transcriptProblem(value: unknown): string | null {
	if (!Array.isArray(value)) return 'transcript must be a list of utterances { start, end, text, speaker? }';
	if (value.length > MAX_UTTERANCES) return `transcript has more than ${MAX_UTTERANCES} utterances`;

	for (const [index, item] of value.entries()) {
		const at = `transcript[${index}]`;
		if (!item || typeof item !== 'object' || Array.isArray(item)) return `${at} must be an object`;
		const { start, end, text, speaker } = item as Record<string, unknown>;
		if (!finite(start) || start < 0) return `${at}.start must be a number of seconds ≥ 0`;
		if (!finite(end) || end < start) return `${at}.end must be a number of seconds ≥ start`;
		if (typeof text !== 'string') return `${at}.text must be a string`;
		if (text.length > MAX_UTTERANCE_CHARS) return `${at}.text is longer than ${MAX_UTTERANCE_CHARS} characters`;
		if (speaker !== undefined && speaker !== null && typeof speaker !== 'string')
			return `${at}.speaker must be a string`;
		const extra = Object.keys(item).find((key) => !['start', 'end', 'text', 'speaker'].includes(key));
		if (extra) return `${at} has an unknown field ${extra}`;
	}

	return null;
}

const utterance = (start: unknown, end: unknown, text: string, speaker?: unknown): Utterance => {
	const from = seconds(start);
	const to = Math.max(from, seconds(end));
	const out: Utterance = { start: from, end: to, text: text.slice(0, MAX_UTTERANCE_CHARS) };
	if (typeof speaker === 'string' && speaker.trim()) out.speaker = speaker.trim();
	return out;
};

/**
 * The utterances of an OpenAI `POST /audio/transcriptions` answer with `response_format=verbose_json`: its
 * `segments` (a diarising server may add `speaker`), or the whole `text` as one utterance when it has none.
 */
export function utterancesFromVerboseJson(answer: unknown): Utterance[] {
	const body = answer as { text?: unknown; duration?: unknown; segments?: unknown } | null;
	if (!body || typeof body !== 'object') throw new Error('The transcription API answered no JSON object');

	if (Array.isArray(body.segments) && body.segments.length) {
		return body.segments
			.slice(0, MAX_UTTERANCES)
			.filter((segment) => segment && typeof segment.text === 'string' && segment.text.trim())
			.map((segment) => utterance(segment.start, segment.end, segment.text.trim(), segment.speaker));
	}

	if (typeof body.text === 'string') return body.text.trim() ? [utterance(0, body.duration, body.text.trim())] : [];
	throw new Error('The transcription API answered neither segments nor text');
}

/** `hh:mm:ss.ttt` or `mm:ss.ttt` (WebVTT; `,` as SRT writes it) in seconds, or null. */
export function vttTime(value: string): number | null {
	const match = /^(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})$/.exec(value.trim());
	if (!match) return null;
	const [, hours, minutes, secs, fraction] = match;
	return Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(secs) + Number(fraction!.padEnd(3, '0')) / 1000;
}

/**
 * A WebVTT file (Zoom's audio transcript) as utterances. Zoom writes the speaker as `Name: text`; a `<v Name>`
 * voice tag is read too. Cue settings, identifiers, NOTE and STYLE blocks are skipped; other tags are removed.
 */
export function parseVtt(source: string): Utterance[] {
	const blocks = source
		.replace(/^\uFEFF/, '')
		.replace(/\r\n?/g, '\n')
		.split(/\n{2,}/);

	if (!/^WEBVTT\b/.test(blocks[0]?.trim() ?? '')) throw new Error('Not a WebVTT file');
	const utterances: Utterance[] = [];

	for (const block of blocks.slice(1)) {
		const lines = block.split('\n').filter((line) => line.trim() !== '');
		const timing = lines.findIndex((line) => line.includes('-->'));
		if (timing < 0 || /^(NOTE|STYLE|REGION)\b/.test(lines[0] ?? '')) continue;
		const [from, rest] = lines[timing]!.split('-->');
		const start = vttTime(from!);
		const end = vttTime(rest!.trim().split(/\s+/)[0]!);
		if (start === null || end === null) continue;
		let text = lines.slice(timing + 1).join(' ');
		let speaker: string | undefined = /^<v(?:\.[^\s>]+)*\s+([^>]+)>/.exec(text)?.[1];

		text = text
			.replace(/<[^>]*>/g, '')
			.replace(/&amp;/g, '&')
			.replace(/&lt;/g, '<')
			.replace(/&gt;/g, '>')
			.replace(/&nbsp;/g, ' ')
			.trim();

		if (!speaker) {
			const named = /^([^:]{1,80}):\s+(.+)$/.exec(text);

			if (named && !/^\d+$/.test(named[1]!)) {
				speaker = named[1];
				text = named[2]!;
			}
		}

		if (!text) continue;
		utterances.push(utterance(start, end, text, speaker));
		if (utterances.length >= MAX_UTTERANCES) break;
	}

	return utterances;
}

/** A stored transcript as utterances: a list as written, a legacy plain text as one utterance, anything else none. */
export function readTranscript(value: unknown): Utterance[] {
	if (typeof value === 'string') return value.trim() ? [{ start: 0, end: 0, text: value }] : [];
	if (!Array.isArray(value)) return [];
	return value.filter(
		(item): item is Utterance =>
			!!item && typeof item === 'object' && typeof item.text === 'string' && finite(item.start) && finite(item.end),
	);
}

/** The transcript as plain text, one utterance a line (`Speaker: text`): for the summary prompt and for search. */
export function transcriptText(value: unknown): string {
	return readTranscript(value)
		.map((item) => (item.speaker ? `${item.speaker}: ${item.text}` : item.text))
		.join('\n');
}

/** The utterance being played at `time` seconds (the last one started, while it lasts), or -1. */
export function playingUtterance(utterances: Utterance[], time: number): number {
	let playing = -1;

	for (const [index, item] of utterances.entries()) {
		if (item.start > time) break;
		if (time < Math.max(item.end, item.start + 0.001)) playing = index;
	}

	return playing;
}

/** `m:ss` (or `h:mm:ss`) for an offset in seconds. */
export function offsetLabel(value: number): string {
	const total = Math.max(0, Math.floor(value));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const secs = String(total % 60).padStart(2, '0');
	return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}
