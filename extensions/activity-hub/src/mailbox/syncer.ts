// One mailbox channel's sync loop in the process that holds its lease: a pass at start, then a pass whenever the
// Inbox announces new mail (IDLE on a second connection, where the server has it) and every poll_seconds; passes
// never overlap; a failure is written to `sync_error` in words and retried with a growing backoff; nothing a mail
// server does can throw out of here (Directus keeps running).
import type { ImapFlow } from 'imapflow';
import type { Knex } from 'knex';
import type { ChannelStore } from '../runtime/channels.js';
import { dbTime } from '../runtime/context.js';
import { backoffSeconds, type MailboxSettings, readMailboxSettings } from '../shared/mailbox.js';
import { classifyMailboxError, closeMailbox, openMailbox, resolveFolders } from './client.js';
import { type SyncDeps, syncMailbox, type SyncResult } from './sync.js';
import { hubMetrics } from '../metrics/index.js';

export interface SyncerDeps extends SyncDeps {
	channels: ChannelStore;
	log: { info: (message: string) => void; warn: (message: string) => void };
	/** The channel's state changed (last_synced_at, sync_error): Studio hears it. */
	announce: (channelId: string, fields: Record<string, unknown>) => void;
}

/** A mailbox channel that cannot be synced (no such channel, not a mailbox, bad settings, no password). */
export class MailboxConfigError extends Error {}

export class MailboxSyncer {
	private chain: Promise<unknown> = Promise.resolve();
	private timer: NodeJS.Timeout | null = null;
	private watcher: ImapFlow | null = null;
	private watcherRetry: NodeJS.Timeout | null = null;
	private failures = 0;
	private stopped = false;
	private pending: Promise<SyncResult> | null = null;

	constructor(
		private deps: SyncerDeps,
		readonly channelId: string,
	) {}

	start() {
		void this.syncNow().catch(() => {});
		void this.watch();
	}

	/** A pass now (or the one already waiting to run); resolves with its counts, rejects with its error. */
	syncNow(): Promise<SyncResult> {
		if (this.pending) return this.pending;

		const run = this.chain.then(() => {
			this.pending = null;
			return this.pass();
		});

		this.pending = run;
		this.chain = run.catch(() => {});
		return run;
	}

	async stop() {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		if (this.watcherRetry) clearTimeout(this.watcherRetry);
		const watcher = this.watcher;
		this.watcher = null;
		if (watcher) await closeMailbox(watcher).catch(() => {});
		await this.chain;
	}

	private async login(): Promise<{ settings: MailboxSettings; password: string }> {
		this.deps.channels.invalidate(this.channelId);
		const channel = await this.deps.channels.get(this.channelId);
		if (!channel || channel.provider !== 'imap') throw new MailboxConfigError('This channel is not a mailbox channel.');
		const row = await this.deps.database('ingestion_channels').where({ id: this.channelId }).first('settings');
		const read = readMailboxSettings(row?.settings ?? null);
		if ('problem' in read) throw new MailboxConfigError(`The mailbox settings cannot be used: ${read.problem}.`);
		const password = channel.secrets.password;
		if (!password) throw new MailboxConfigError('The mailbox password is not set.');
		return { settings: read.settings, password };
	}

	private async pass(): Promise<SyncResult> {
		if (this.timer) clearTimeout(this.timer);
		let settings: MailboxSettings | undefined;
		let client: ImapFlow | null = null;

		try {
			const login = await this.login();
			settings = login.settings;
			client = await openMailbox(login);
			const channel = (await this.deps.channels.get(this.channelId))!;
			const result = await syncMailbox(this.deps, client, channel, settings);
			this.failures = 0;
			await this.record({ last_synced_at: new Date(), sync_error: null });
			if (result.stored)
				this.deps.log.info(`Activity Hub: mailbox ${this.channelId} synced ${result.stored} message(s)`);
			this.schedule(settings.poll_seconds);
			return result;
		} catch (error) {
			this.failures++;

			const { reason, message } =
				error instanceof MailboxConfigError
					? { reason: 'CONFIG', message: error.message }
					: classifyMailboxError(error, settings);

			hubMetrics().mailboxSyncFailed(this.channelId, reason);
			const wait = Math.max(backoffSeconds(this.failures), 0);
			this.deps.log.warn(`Activity Hub: mailbox ${this.channelId}: ${message} (retry in ${wait} s)`);
			await this.record({ sync_error: message }).catch(() => {});
			this.schedule(wait);
			throw Object.assign(new Error(message), { cause: error });
		} finally {
			if (client) await closeMailbox(client);
		}
	}

	private async record(fields: { last_synced_at?: Date; sync_error?: string | null }) {
		const database: Knex = this.deps.database;
		const row: Record<string, unknown> = { ...fields };
		if (fields.last_synced_at) row['last_synced_at'] = dbTime(database, fields.last_synced_at);
		await database('ingestion_channels').where({ id: this.channelId }).update(row);

		this.deps.announce(this.channelId, {
			...fields,
			...(fields.last_synced_at ? { last_synced_at: fields.last_synced_at.toISOString() } : {}),
		});
	}

	private schedule(seconds: number) {
		if (this.stopped) return;
		if (this.timer) clearTimeout(this.timer);
		this.timer = setTimeout(() => void this.syncNow().catch(() => {}), seconds * 1000);
		this.timer.unref?.();
	}

	/** IDLE on the Inbox: each new message starts a pass. Without IDLE (or while it is down) the poll timer serves. */
	private async watch() {
		if (this.stopped) return;
		let client: ImapFlow | null = null;

		try {
			const login = await this.login();
			client = await openMailbox(login, { idle: true });

			if (!client.capabilities.has('IDLE')) {
				await closeMailbox(client);
				return;
			}

			const folders = await resolveFolders(client, login.settings);
			await client.mailboxOpen(folders.inbox ?? 'INBOX', { readOnly: true });
			if (this.stopped) return void (await closeMailbox(client));
			this.watcher = client;
			let debounce: NodeJS.Timeout | null = null;

			client.on('exists', () => {
				if (debounce) return;

				debounce = setTimeout(() => {
					debounce = null;
					void this.syncNow().catch(() => {});
				}, 50);
			});

			client.on('close', () => {
				if (this.watcher === client) this.watcher = null;
				this.retryWatch();
			});

			// Mail that arrived before IDLE began (during the first pass, or while the watcher was down) announces
			// nothing: one pass now takes it (a pass that finds nothing new costs one STATUS-like round trip).
			void this.syncNow().catch(() => {});

			// IDLE until the connection ends (imapflow renews it every maxIdleTime); a short pause between rounds.
			while (this.watcher === client && !this.stopped) {
				await client.idle();
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		} catch {
			if (client && this.watcher !== client) client.close();
			this.retryWatch();
		}
	}

	private retryWatch() {
		if (this.stopped) return;
		if (this.watcherRetry) clearTimeout(this.watcherRetry);
		this.watcherRetry = setTimeout(() => void this.watch(), Math.max(backoffSeconds(this.failures + 1), 5) * 1000);
		this.watcherRetry.unref?.();
	}
}
