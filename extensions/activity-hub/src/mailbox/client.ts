// The IMAP client (imapflow) as the mailbox sync uses it: connect with the channel's settings and password,
// time-bounded, quiet (no logs of its own); which folder is the Inbox and which Sent (the settings' names, else the
// server's SPECIAL-USE flags); and every failure said in words for `sync_error` and the setup's Test connection.
import { ImapFlow } from 'imapflow';
import type { FolderRole, MailboxSettings } from '../shared/mailbox.js';

export interface MailboxLogin {
	settings: MailboxSettings;
	password: string;
}

const CONNECT_TIMEOUT_MS = 15_000;

export async function openMailbox({ settings, password }: MailboxLogin, options: { idle?: boolean } = {}) {
	const client = new ImapFlow({
		host: settings.host,
		port: settings.port,
		secure: settings.secure,
		auth: { user: settings.username, pass: password },
		logger: false,
		// A plain-text port may still upgrade (STARTTLS) when the server offers it; imapflow decides. The watcher
		// connection idles explicitly (renewed every few minutes, which keeps NATs open); the sync's never idles.
		disableAutoIdle: true,
		...(options.idle ? { maxIdleTime: 4 * 60_000 } : {}),
		connectionTimeout: CONNECT_TIMEOUT_MS,
		greetingTimeout: CONNECT_TIMEOUT_MS,
		socketTimeout: 5 * 60_000,
		clientInfo: { name: 'Activity Hub' },
	});

	// An error event with no listener would crash the process: it is also the reason connect() rejects.
	client.on('error', () => {});
	await client.connect();
	return client;
}

export async function closeMailbox(client: ImapFlow) {
	try {
		await client.logout();
	} catch {
		client.close();
	}
}

/** The path of each folder role: as named in the settings, else the SPECIAL-USE folder (\Inbox is INBOX). */
export async function resolveFolders(
	client: ImapFlow,
	settings: MailboxSettings,
): Promise<Record<FolderRole, string | null>> {
	const list = settings.folders.inbox && settings.folders.sent ? [] : await client.list();
	const special = (flag: string) => list.find((folder) => folder.specialUse === flag)?.path ?? null;

	return {
		inbox: settings.folders.inbox ?? special('\\Inbox') ?? 'INBOX',
		sent: settings.folders.sent ?? special('\\Sent'),
	};
}

/** What went wrong, in words a person can act on (never the password). */
export function describeMailboxError(error: unknown, settings?: MailboxSettings): string {
	const e = error as {
		code?: string;
		authenticationFailed?: boolean;
		responseText?: string;
		serverResponseCode?: string;
		message?: string;
		path?: string;
	};

	const where = settings ? `${settings.host}:${settings.port}` : 'the mail server';
	if (e?.authenticationFailed || e?.serverResponseCode === 'AUTHENTICATIONFAILED')
		return `The mail server refused the user name or password${e.responseText ? ` (${e.responseText})` : ''}.`;
	if (e?.code === 'ECONNREFUSED') return `Nothing answers at ${where} (connection refused).`;
	if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return `The host name ${settings?.host ?? ''} is unknown.`;
	if (e?.code === 'ETIMEDOUT' || e?.code === 'CONNECT_TIMEOUT' || e?.code === 'GREETING_TIMEOUT')
		return `${where} did not answer in time.`;
	if (e?.code && /CERT|SSL|TLS|SELF_SIGNED/i.test(e.code))
		return `The TLS certificate of ${where} was not accepted (${e.code}).`;
	if (e?.code === 'NoConnection' || e?.code === 'EConnectionClosed' || e?.code === 'ECONNRESET')
		return `${where} closed the connection.`;
	if (e?.serverResponseCode === 'NONEXISTENT' || e?.code === 'MailboxDoesNotExist')
		return `The folder ${e.path ?? ''} does not exist on the mail server.`.replace('  ', ' ');
	const text = e?.responseText || e?.message || String(error);
	return `The mailbox sync failed: ${text}`.slice(0, 1000);
}
