// A real IMAP server for tests and the bench: Debian's Dovecot (`dovecot-imapd`), started unprivileged on a free
// loopback port with a throwaway maildir and its own config, base dir and users file (the configuration of
// /work/shared/reference/local-mail-servers.md). IMAP4rev1 with IDLE, CONDSTORE, UIDPLUS and SPECIAL-USE; plain
// login without TLS. Mail is seeded with APPEND through imapflow, as any client would.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from '../../scripts/lib/directus.mjs';

export interface MailUser {
	user: string;
	password: string;
}

export interface Dovecot {
	host: string;
	port: number;
	dir: string;
	/** Adds a login (and its maildir on first delivery), once Dovecot accepts it. */
	addUser(user: string, password?: string): Promise<MailUser>;
	/** An open, logged-in client for a user (the test's own mail client: APPEND, DELETE, CREATE). */
	client(user: MailUser): Promise<ImapFlow>;
	/** APPENDs raw messages to a folder (created if missing); returns their UIDs. */
	append(user: MailUser, folder: string, messages: Array<string | Buffer>, date?: Date): Promise<number[]>;
	/** DELETE + CREATE: the folder comes back empty with a new UIDVALIDITY. */
	recreate(user: MailUser, folder: string): Promise<void>;
	/** The settings an imap channel uses for this user. */
	settings(user: MailUser, extra?: Record<string, unknown>): Record<string, unknown>;
	stop(): Promise<void>;
}

const binary = () => {
	const found = spawnSync('sh', ['-c', 'command -v dovecot || ls /usr/sbin/dovecot']).stdout.toString().trim();
	if (!found)
		throw new Error('Dovecot is required for the mailbox tests and bench: apt-get install dovecot-imapd (see README)');
	return found.split('\n')[0]!;
};

const NOBODY = 65534;

export async function startDovecot(): Promise<Dovecot> {
	const dovecot = binary();
	const dir = mkdtempSync(join(tmpdir(), 'activity-hub-dovecot-'));
	const port = await freePort();
	chmodSync(dir, 0o711); // mail runs as nobody, which must reach DIR/mail
	mkdirSync(join(dir, 'mail'), { recursive: true });
	mkdirSync(join(dir, 'run'), { recursive: true });
	chownSync(join(dir, 'mail'), NOBODY, NOBODY);
	writeFileSync(join(dir, 'users'), '');

	writeFileSync(
		join(dir, 'dovecot.conf'),
		`base_dir = ${dir}/run
state_dir = ${dir}/run/state
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = ${dir}/run/dovecot.log
default_login_user = nobody
default_internal_user = root
default_internal_group = root
mail_location = maildir:${dir}/mail/%u
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 1
mail_max_userip_connections = 100
# IDLE hears new mail by inotify; where a machine gives none, a 1 s check instead of the 30 s default
mailbox_idle_check_interval = 1 secs
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
namespace inbox {
  inbox = yes
  mailbox Sent {
    auto = subscribe
    special_use = \\Sent
  }
}
`,
	);

	// Dovecot daemonises: its stdio must not be pipes this process waits on.
	execFileSync(dovecot, ['-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
	await waitForPort(port, join(dir, 'run', 'dovecot.log'));

	const clients = new Set<ImapFlow>();

	const client = async ({ user, password }: MailUser) => {
		const imap = new ImapFlow({
			host: '127.0.0.1',
			port,
			secure: false,
			auth: { user, pass: password },
			logger: false,
		});

		imap.on('error', () => {});
		await imap.connect();
		clients.add(imap);
		return imap;
	};

	return {
		host: '127.0.0.1',
		port,
		dir,
		async addUser(user, password = 'password') {
			writeFileSync(join(dir, 'users'), `${readFileSync(join(dir, 'users'), 'utf8')}${user}:{PLAIN}${password}\n`);

			// Dovecot re-reads the users file when it sees it changed, not at once: wait until the login works.
			for (let attempt = 0; ; attempt++) {
				try {
					const imap = await client({ user, password });
					await imap.logout().catch(() => imap.close());
					clients.delete(imap);
					return { user, password };
				} catch (error) {
					if (attempt >= 40) throw new Error(`Dovecot does not take the login ${user}: ${(error as Error).message}`);
					await new Promise((resolve) => setTimeout(resolve, 250));
				}
			}
		},
		client,
		async append(user, folder, messages, date) {
			const imap = await client(user);

			try {
				if (!(await imap.list()).some((f) => f.path === folder)) await imap.mailboxCreate(folder).catch(() => {});
				const uids: number[] = [];

				for (const message of messages) {
					const appended = await imap.append(folder, message, [], date).catch((error) => {
						throw new Error(`APPEND to ${folder} failed: ${error.response ?? error.message}`);
					});

					if (appended && appended.uid) uids.push(appended.uid);
				}

				return uids;
			} finally {
				await imap.logout().catch(() => imap.close());
				clients.delete(imap);
			}
		},
		async recreate(user, folder) {
			const imap = await client(user);

			try {
				await imap.mailboxDelete(folder);
				await imap.mailboxCreate(folder);
			} finally {
				await imap.logout().catch(() => imap.close());
				clients.delete(imap);
			}
		},
		settings: (user, extra = {}) => ({
			host: '127.0.0.1',
			port,
			secure: false,
			username: user.user,
			...extra,
		}),
		async stop() {
			for (const imap of clients) imap.close();
			const pidFile = join(dir, 'run', 'master.pid');

			if (existsSync(pidFile)) {
				const pid = Number(readFileSync(pidFile, 'utf8').trim());

				try {
					process.kill(pid);
				} catch {
					// already gone
				}

				for (let i = 0; i < 50; i++) {
					try {
						process.kill(pid, 0);
						await new Promise((resolve) => setTimeout(resolve, 100));
					} catch {
						break;
					}
				}
			}

			rmSync(dir, { recursive: true, force: true });
		},
	};
}

async function waitForPort(port: number, log: string) {
	const { connect } = await import('node:net');

	for (let i = 0; i < 100; i++) {
		const open = await new Promise<boolean>((resolve) => {
			const socket = connect(port, '127.0.0.1');

			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});

			socket.once('error', () => resolve(false));
		});

		if (open) return;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}

	throw new Error(`Dovecot did not listen on ${port}: ${existsSync(log) ? readFileSync(log, 'utf8') : 'no log'}`);
}

/** A small RFC 5322 message (CRLF line ends), for seeding. */
export function message({
	from,
	to,
	subject,
	body = 'Hello',
	messageId,
	inReplyTo,
	references,
	date = new Date(),
	headers = '',
	contentType = 'text/plain; charset=utf-8',
}: {
	from: string;
	to: string;
	subject: string;
	body?: string;
	messageId?: string | null;
	inReplyTo?: string;
	references?: string;
	date?: Date;
	headers?: string;
	contentType?: string;
}): string {
	const lines = [
		`From: ${from}`,
		`To: ${to}`,
		`Subject: ${subject}`,
		`Date: ${date.toUTCString().replace('GMT', '+0000')}`,
		...(messageId ? [`Message-ID: ${messageId}`] : []),
		...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`] : []),
		...(references ? [`References: ${references}`] : []),
		'MIME-Version: 1.0',
		`Content-Type: ${contentType}`,
		...(headers ? headers.split('\n') : []),
	];

	return `${lines.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`;
}
