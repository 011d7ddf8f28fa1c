import { describe, expect, it } from 'vitest';
import { chatRequest, readSummary } from './llm.js';

describe('chatRequest', () => {
	it('asks for JSON and carries the activity', () => {
		const body = chatRequest({ type: 'sms', sender: '+1', subject: null, content: 'Move the call to 3pm' }, 'gpt-test');
		expect(body).toMatchObject({ model: 'gpt-test', response_format: { type: 'json_object' } });
		expect(body.messages[1]!.content).toContain('Move the call to 3pm');
		expect(body.messages[1]!.content).toContain('From: +1');
	});

	it('summarises a call with its transcript', () => {
		const body = chatRequest(
			{
				type: 'call',
				content: 'Call recording (9 s)',
				processed_data: { transcript: [{ start: 0, end: 2, text: 'Please call me back', speaker: 'Ana' }] },
			},
			'm',
		);

		expect(body.messages[1]!.content).toContain('Transcript:\nAna: Please call me back');
	});

	it('bounds long content', () => {
		expect(chatRequest({ content: 'x'.repeat(50_000) }, 'm', 100).messages[1]!.content.length).toBeLessThan(200);
	});
});

describe('readSummary', () => {
	const answer = (content: unknown) => ({ choices: [{ message: { role: 'assistant', content } }] });

	it.each([
		[
			answer('{"summary":" Wants a 3pm call ","facts":["call at 3pm",4]}'),
			{ summary: 'Wants a 3pm call', facts: ['call at 3pm'] },
		],
		[answer('Wants a call at 3pm.'), { summary: 'Wants a call at 3pm.', facts: [] }],
		[answer('{"other":1}'), { summary: '{"other":1}', facts: [] }],
	])('%j', (response, expected) => expect(readSummary(response)).toEqual(expected));

	it.each([[{}], [answer('')], [answer(null)], [null]])('refuses %j', (response) =>
		expect(() => readSummary(response)).toThrow(),
	);
});
