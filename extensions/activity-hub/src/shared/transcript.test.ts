import { describe, expect, it } from 'vitest';
import {
	offsetLabel,
	parseVtt,
	playingUtterance,
	readTranscript,
	transcriptProblem,
	transcriptText,
	utterancesFromVerboseJson,
	vttTime,
} from './transcript.js';

describe('utterancesFromVerboseJson', () => {
	// The shape OpenAI documents for response_format=verbose_json (segments trimmed to the fields we read).
	const answer = {
		task: 'transcribe',
		language: 'english',
		duration: 4.2,
		text: 'Hello, this is Ana. Please call me back.',
		segments: [
			{ id: 0, seek: 0, start: 0.0, end: 1.96, text: ' Hello, this is Ana.', tokens: [1], temperature: 0 },
			{ id: 1, seek: 0, start: 1.96, end: 4.2, text: ' Please call me back.', tokens: [2], temperature: 0 },
			{ id: 2, seek: 0, start: 4.2, end: 4.2, text: '   ', tokens: [], temperature: 0 },
		],
	};

	it('reads timed segments, trimmed, without empty ones', () =>
		expect(utterancesFromVerboseJson(answer)).toEqual([
			{ start: 0, end: 1.96, text: 'Hello, this is Ana.' },
			{ start: 1.96, end: 4.2, text: 'Please call me back.' },
		]));

	it('keeps a diarising server’s speaker', () =>
		expect(utterancesFromVerboseJson({ segments: [{ start: 1, end: 2, text: 'Hi', speaker: 'SPEAKER_01' }] })).toEqual([
			{ start: 1, end: 2, text: 'Hi', speaker: 'SPEAKER_01' },
		]));

	it.each([
		['text only becomes one utterance', { text: ' Hi there ', duration: 3 }, [{ start: 0, end: 3, text: 'Hi there' }]],
		['silence is no utterance', { text: '', segments: [] }, []],
		['negative or missing times become 0', { segments: [{ start: -1, text: 'x' }] }, [{ start: 0, end: 0, text: 'x' }]],
		[
			'an end before the start is the start',
			{ segments: [{ start: 5, end: 2, text: 'x' }] },
			[{ start: 5, end: 5, text: 'x' }],
		],
	])('%s', (_label, input, expected) => expect(utterancesFromVerboseJson(input)).toEqual(expected));

	it.each([[null], ['text'], [{ segments: 'x' }]])('refuses %j', (input) =>
		expect(() => utterancesFromVerboseJson(input)).toThrow(/transcription API/),
	);
});

describe('parseVtt', () => {
	// Zoom's audio transcript: numbered cues, the speaker as "Name: ".
	const zoom = [
		'WEBVTT',
		'',
		'1',
		'00:00:01.000 --> 00:00:04.500',
		'Ana Ruiz: Thanks for taking the call.',
		'',
		'2',
		'00:00:04.500 --> 00:00:09.250',
		'Host Person: Of course. Let us look at the renewal.',
		'',
		'3',
		'01:02:03.040 --> 01:02:05.000',
		'no speaker here',
		'',
	].join('\r\n');

	it('reads Zoom’s cues with speakers', () =>
		expect(parseVtt(zoom)).toEqual([
			{ start: 1, end: 4.5, text: 'Thanks for taking the call.', speaker: 'Ana Ruiz' },
			{ start: 4.5, end: 9.25, text: 'Of course. Let us look at the renewal.', speaker: 'Host Person' },
			{ start: 3723.04, end: 3725, text: 'no speaker here' },
		]));

	it('reads voice tags, skips notes and styles, drops other tags and cue settings', () =>
		expect(
			parseVtt(
				'\uFEFFWEBVTT - title\n\nNOTE a comment\n\nSTYLE\n::cue {}\n\n00:01.000 --> 00:02.000 align:start\n<v.loud Ben>Hello <b>there</b> &amp; you\n\n00:03.000 --> bad\nskipped',
			),
		).toEqual([{ start: 1, end: 2, text: 'Hello there & you', speaker: 'Ben' }]));

	it('refuses what is not WebVTT', () => expect(() => parseVtt('1\n00:00:01,000 --> 00:00:02,000\nx')).toThrow());

	it.each([
		['00:00:01.000', 1],
		['01:00.5', 60.5],
		['1:02:03,25', 3723.25],
		['nonsense', null],
	])('vttTime(%s) = %s', (input, expected) => expect(vttTime(input)).toBe(expected));
});

describe('transcriptProblem', () => {
	it.each([
		[[], null],
		[[{ start: 0, end: 1.5, text: 'Hi' }], null],
		[[{ start: 0, end: 1, text: 'Hi', speaker: 'Ana' }], null],
		['plain text', 'transcript must be a list of utterances { start, end, text, speaker? }'],
		[[null], 'transcript[0] must be an object'],
		[[{ start: -1, end: 1, text: 'x' }], 'transcript[0].start must be a number of seconds ≥ 0'],
		[[{ start: '0', end: 1, text: 'x' }], 'transcript[0].start must be a number of seconds ≥ 0'],
		[[{ start: 2, end: 1, text: 'x' }], 'transcript[0].end must be a number of seconds ≥ start'],
		[[{ start: 0, end: 1 }], 'transcript[0].text must be a string'],
		[[{ start: 0, end: 1, text: 'x', speaker: 3 }], 'transcript[0].speaker must be a string'],
		[[{ start: 0, end: 1, text: 'x', confidence: 1 }], 'transcript[0] has an unknown field confidence'],
		[[{ start: 0, end: 1, text: 'x'.repeat(10_001) }], 'transcript[0].text is longer than 10000 characters'],
	])('%j → %s', (input, expected) => expect(transcriptProblem(input)).toBe(expected));
});

describe('reading a stored transcript', () => {
	const utterances = [
		{ start: 0, end: 2, text: 'Hello', speaker: 'Ana' },
		{ start: 2, end: 5, text: 'Hi Ana' },
		{ start: 7, end: 9, text: 'Bye' },
	];

	it('as plain text', () => expect(transcriptText(utterances)).toBe('Ana: Hello\nHi Ana\nBye'));

	it('a legacy text as one utterance', () =>
		expect(readTranscript('Old text')).toEqual([{ start: 0, end: 0, text: 'Old text' }]));

	it('nothing else', () =>
		expect([readTranscript(null), readTranscript({}), transcriptText(undefined)]).toEqual([[], [], '']));

	it.each([
		[0, 0],
		[1.99, 0],
		[2, 1],
		[6, -1],
		[8, 2],
		[9, -1],
		[-1, -1],
	])('at %s s utterance %s is playing', (time, index) => expect(playingUtterance(utterances, time)).toBe(index));

	it.each([
		[0, '0:00'],
		[61.9, '1:01'],
		[3725, '1:02:05'],
	])('offset %s → %s', (value, label) => expect(offsetLabel(value)).toBe(label));
});
