import { describe, expect, it } from 'vitest';
import { backoffSeconds, MAILBOX_DEFAULTS, readMailboxSettings } from './mailbox.js';

const base = { host: 'imap.example.com', username: 'team@example.com' };

describe('readMailboxSettings', () => {
	it('fills the defaults', () =>
		expect(readMailboxSettings(base)).toEqual({
			settings: { ...base, port: 993, secure: true, folders: {}, since: 30, poll_seconds: 60 },
		}));

	it('reads a JSON text and named folders', () =>
		expect(
			readMailboxSettings(
				JSON.stringify({ ...base, port: '143', secure: false, folders: { inbox: 'INBOX', sent: 'Sent' } }),
			),
		).toMatchObject({ settings: { port: 143, secure: false, folders: { inbox: 'INBOX', sent: 'Sent' } } }));

	it('keeps room for later keys (smtp)', () =>
		expect(readMailboxSettings({ ...base, smtp: { host: 'smtp.example.com' } })).toHaveProperty('settings'));

	it.each([
		[null, 'settings must be an object'],
		['{', 'settings is not valid JSON'],
		[{ username: 'a' }, 'settings.host must be a host name'],
		[{ host: 'a b', username: 'a' }, 'settings.host must be a host name'],
		[{ host: 'h' }, 'settings.username is required'],
		[{ ...base, port: 0 }, 'settings.port must be 1–65535'],
		[{ ...base, secure: 'yes' }, 'settings.secure must be true or false'],
		[{ ...base, folders: { trash: 'Trash' } }, 'settings.folders.trash is not a folder role (inbox, sent)'],
		[{ ...base, folders: [] }, 'settings.folders must be an object like {"inbox": "INBOX", "sent": "Sent"}'],
		[{ ...base, since: 0 }, 'settings.since must be whole days from 1 to 3650'],
		[{ ...base, poll_seconds: 1 }, 'settings.poll_seconds must be whole seconds from 5 to 86400'],
	])('%j: %s', (value, problem) => expect(readMailboxSettings(value)).toEqual({ problem }));

	it('has the documented defaults', () => expect(MAILBOX_DEFAULTS).toMatchObject({ since: 30, poll_seconds: 60 }));
});

describe('backoffSeconds', () => {
	it.each([
		[0, 0],
		[1, 5],
		[2, 10],
		[5, 80],
		[12, 900],
		[100, 900],
	])('%i failures → %i s', (failures, seconds) => expect(backoffSeconds(failures)).toBe(seconds));
});
