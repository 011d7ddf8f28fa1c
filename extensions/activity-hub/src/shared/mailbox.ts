// A mailbox channel's settings (`ingestion_channels.settings`, JSON; the password is a write-only secret), their
// defaults and their checks, defined once: the lifecycle filter refuses what the mailbox sync could not use, the
// sync reads them, the channel setup shows the defaults. `settings` is an object so later keys (`smtp`) fit beside.

export const MAILBOX_DEFAULTS = {
	port: 993,
	secure: true,
	/** The first sync takes this many days of mail. */
	since: 30,
	/** Without IDLE, how often a folder is polled (also the longest wait for Sent, which is not idled on). */
	poll_seconds: 60,
} as const;

export const MAILBOX_BOUNDS = {
	since: { min: 1, max: 3650 },
	poll_seconds: { min: 5, max: 86_400 },
} as const;

export type FolderRole = 'inbox' | 'sent';
export const FOLDER_ROLES: readonly FolderRole[] = ['inbox', 'sent'];

export interface MailboxSettings {
	host: string;
	port: number;
	secure: boolean;
	username: string;
	/** A folder named per role; absent: the server's SPECIAL-USE folder (\Inbox, \Sent). */
	folders: Partial<Record<FolderRole, string>>;
	since: number;
	poll_seconds: number;
}

/** The settings as the sync uses them, or the reason they cannot be used (in words, for sync_error and a 400). */
export function readMailboxSettings(value: unknown): { settings: MailboxSettings } | { problem: string } {
	let raw = value;

	if (typeof raw === 'string') {
		try {
			raw = JSON.parse(raw);
		} catch {
			return { problem: 'settings is not valid JSON' };
		}
	}

	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { problem: 'settings must be an object' };
	const s = raw as Record<string, unknown>;
	const host = typeof s['host'] === 'string' ? s['host'].trim() : '';
	if (!host || /[\s/]/.test(host)) return { problem: 'settings.host must be a host name' };
	const username = typeof s['username'] === 'string' ? s['username'].trim() : '';
	if (!username) return { problem: 'settings.username is required' };
	const port = s['port'] == null || s['port'] === '' ? MAILBOX_DEFAULTS.port : Number(s['port']);
	if (!Number.isInteger(port) || port < 1 || port > 65_535) return { problem: 'settings.port must be 1–65535' };
	const secure = s['secure'] == null ? MAILBOX_DEFAULTS.secure : s['secure'];
	if (typeof secure !== 'boolean') return { problem: 'settings.secure must be true or false' };
	const folders: MailboxSettings['folders'] = {};
	const given = s['folders'] ?? {};
	if (typeof given !== 'object' || Array.isArray(given) || given === null)
		return { problem: 'settings.folders must be an object like {"inbox": "INBOX", "sent": "Sent"}' };

	for (const [role, folder] of Object.entries(given)) {
		if (!(FOLDER_ROLES as readonly string[]).includes(role))
			return { problem: `settings.folders.${role} is not a folder role (inbox, sent)` };
		if (folder == null || folder === '') continue;
		if (typeof folder !== 'string' || folder.length > 255)
			return { problem: `settings.folders.${role} must be a folder name` };
		folders[role as FolderRole] = folder;
	}

	const bounded = (name: 'since' | 'poll_seconds') => {
		const number = s[name] == null || s[name] === '' ? MAILBOX_DEFAULTS[name] : Number(s[name]);
		const { min, max } = MAILBOX_BOUNDS[name];
		return Number.isInteger(number) && number >= min && number <= max ? number : null;
	};

	const since = bounded('since');
	if (since === null) return { problem: `settings.since must be whole days from 1 to ${MAILBOX_BOUNDS.since.max}` };
	const poll = bounded('poll_seconds');
	if (poll === null)
		return {
			problem: `settings.poll_seconds must be whole seconds from ${MAILBOX_BOUNDS.poll_seconds.min} to ${MAILBOX_BOUNDS.poll_seconds.max}`,
		};

	return { settings: { host, port, secure, username, folders, since, poll_seconds: poll } };
}

/** A folder's cursor: where the sync stands in it. A different UIDVALIDITY means the UIDs were reassigned. */
export interface FolderCursor {
	path: string;
	uidValidity: string;
	lastUid: number;
	/** CONDSTORE servers: the mailbox's HIGHESTMODSEQ at the last pass (unchanged and no new UID: nothing to do). */
	highestModseq: string | null;
}

export type SyncState = Partial<Record<FolderRole, FolderCursor>>;

/** The wait before the next attempt after `failures` failures in a row: doubling from 5 s, at most 15 minutes. */
export function backoffSeconds(failures: number): number {
	if (failures <= 0) return 0;
	return Math.min(900, 5 * 2 ** Math.min(failures - 1, 10));
}
