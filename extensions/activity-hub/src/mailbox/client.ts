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

/** Why a sync failed, as the metrics label it (a few fixed values, never the server's words). */
export type MailboxFailureReason =
	| 'AUTH_FAILED'
	| 'CONNECTION_REFUSED'
	| 'HOST_UNKNOWN'
	| 'TIMEOUT'
	| 'TLS'
	| 'CONNECTION_CLOSED'
	| 'NO_FOLDER'
	| 'OTHER';

/** What went wrong: a reason for the metrics and words a person can act on (never the password). */
export function classifyMailboxError(
	error: unknown,
	settings?: MailboxSettings,
): { reason: MailboxFailureReason; message: string } {
	const e = error as {
		code?: string;
		authenticationFailed?: boolean;
		responseText?: string;
		serverResponseCode?: string;
		message?: string;
		path?: string;
	};

	const where = settings ? `${settings.host}:${settings.port}` : 'the mail server';
	const code = e?.code;

	if (e?.authenticationFailed || e?.serverResponseCode === 'AUTHENTICATIONFAILED')
		return {
			reason: 'AUTH_FAILED',
			message: `The mail server refused the user name or password${e.responseText ? ` (${e.responseText})` : ''}.`,
		};

	if (code === 'ECONNREFUSED')
		return { reason: 'CONNECTION_REFUSED', message: `Nothing answers at ${where} (connection refused).` };
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
		return { reason: 'HOST_UNKNOWN', message: `The host name ${settings?.host ?? ''} is unknown.` };
	if (code === 'ETIMEDOUT' || code === 'CONNECT_TIMEOUT' || code === 'GREETING_TIMEOUT')
		return { reason: 'TIMEOUT', message: `${where} did not answer in time.` };
	if (code && /CERT|SSL|TLS|SELF_SIGNED/i.test(code))
		return { reason: 'TLS', message: `The TLS certificate of ${where} was not accepted (${code}).` };
	if (code === 'NoConnection' || code === 'EConnectionClosed' || code === 'ECONNRESET')
		return { reason: 'CONNECTION_CLOSED', message: `${where} closed the connection.` };

	if (e?.serverResponseCode === 'NONEXISTENT' || code === 'MailboxDoesNotExist')
		return {
			reason: 'NO_FOLDER',
			message: `The folder ${e.path ?? ''} does not exist on the mail server.`.replace('  ', ' '),
		};

	const text = e?.responseText || e?.message || String(error);
	return { reason: 'OTHER', message: `The mailbox sync failed: ${text}`.slice(0, 1000) };
}

/** What went wrong, in words a person can act on (never the password). */
export const describeMailboxError = (error: unknown, settings?: MailboxSettings) =>
	classifyMailboxError(error, settings).message;
