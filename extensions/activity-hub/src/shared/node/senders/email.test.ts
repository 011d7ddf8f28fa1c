import { describe, expect, it } from 'vitest';
import { newMessageId, replySubject, smtpAttempt, smtpSettings, threadHeaders } from './email.js';

describe('e-mail replies', () => {
	it.each([
		['Quote', 'Re: Quote'],
		['Re: Quote', 'Re: Quote'],
		['RE: Quote', 'RE: Quote'],
		[null, 'Re:'],
	])('subject %s → %s', (subject, expected) => expect(replySubject(subject)).toBe(expected));

	it('threads on the parent and its references', () => {
		expect(threadHeaders('<b@X.example>', 'a@x.example')).toEqual({
			inReplyTo: '<b@x.example>',
			references: ['<a@x.example>', '<b@x.example>'],
		});

		expect(threadHeaders(null, null)).toEqual({ inReplyTo: null, references: [] });
	});

	it('makes Message-IDs on the sender domain', () => {
		expect(newMessageId('Support <support@ACME.example>')).toMatch(/^[0-9a-f-]{36}@acme\.example$/);
	});

	it.each([
		[
			{ host: 'smtp.example', port: 587, secure: false, username: 'u' },
			{ host: 'smtp.example', port: 587 },
		],
		[
			{ host: 'smtp.example', secure: true },
			{ port: 465, secure: true },
		],
		[{ host: 'a b' }, null],
		[{ host: 'x', port: 70000 }, null],
	])('settings.smtp %o', (smtp, expected) => {
		const read = smtpSettings({ smtp });
		if (expected === null) expect(read).toBeNull();
		else expect(read).toMatchObject(expected);
	});

	it.each([
		[
			{ responseCode: 550, response: '550 no such user' },
			{ kind: 'response', status: 400 },
		],
		[
			{ responseCode: 451, response: '451 try later' },
			{ kind: 'response', status: 503 },
		],
		[{ code: 'ECONNECTION', message: 'refused' }, { kind: 'not-sent' }],
		[{ code: 'ETIMEDOUT', command: 'DATA', message: 'timeout' }, { kind: 'lost' }],
	])('outcome %o', (error, expected) => expect(smtpAttempt(error)).toMatchObject(expected));
});
