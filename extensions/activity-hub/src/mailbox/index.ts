// Mailbox channels (IMAP) across a cluster: each enabled mailbox channel is synced by exactly one Directus process,
// the one holding its lease (install/lock.ts ClusterLease, a row in the install record: the same on SQLite and
// PostgreSQL, with or without Redis). Every process checks every few seconds which mailbox channels nobody syncs
// and takes them; a process that dies loses its leases a few seconds later and a sibling carries on from the
// cursors. The API's "sync now" and "test connection" come through here too. Obtained with mailboxes(context),
// memoised like the ingest pipeline it writes through.
import { randomUUID } from 'node:crypto';
import { ClusterLease } from '../install/lock.js';
import { isInstalled } from '../install/status.js';
import { ingestPipeline } from '../ingest-pipeline/index.js';
import { cachedSchema, type HubContext } from '../runtime/context.js';
import { emitUpdated } from '../runtime/events.js';
import { coalesced } from '../shared/concurrency.js';
import { HubError } from '../shared/errors.js';
import { readMailboxSettings } from '../shared/mailbox.js';
import { closeMailbox, describeMailboxError, openMailbox, resolveFolders } from './client.js';
import { MailboxSyncer } from './syncer.js';
import type { SyncResult } from './sync.js';

export type { SyncResult } from './sync.js';

/** How long a lease outlives its holder's last renewal, and how often each process looks for unsynced channels. */
export const MAILBOX_LEASE_MS = 20_000;
export const MAILBOX_TICK_MS = 4_000;

export const SyncElsewhereError = class extends HubError {
	constructor() {
		super(409, 'SYNC_ELSEWHERE', 'Another Directus instance syncs this mailbox; it runs the sync as mail arrives');
	}
};

export interface MailboxTest {
	ok: boolean;
	error: string | null;
	folders: { inbox: string | null; sent: string | null };
	idle: boolean;
	condstore: boolean;
	messages: number | null;
}

export interface Mailboxes {
	/** Starts looking for mailbox channels to sync (idempotent). */
	start(): void;
	stop(): Promise<void>;
	/** A channel was created or changed: look at the mailbox channels now, not at the next tick (once started). */
	changed(): void;
	/** A sync pass now, in this process if it holds (or can take) the channel's lease. */
	syncNow(channelId: string): Promise<SyncResult>;
	/** Log in and look at the folders with these settings (unsaved ones from the setup) or the channel's own. */
	test(channelId: string, settings: unknown, password: string | null): Promise<MailboxTest>;
	/** The channels this process syncs (tests and the bench look). */
	held(): string[];
}

let shared: Mailboxes | null = null;

export function mailboxes(context: HubContext): Mailboxes {
	shared ??= createMailboxes(context);
	return shared;
}

function createMailboxes(context: HubContext): Mailboxes {
	const { database, logger } = context;
	const owner = randomUUID();
	const pipeline = ingestPipeline(context);
	const schema = cachedSchema(() => context.getSchema());
	const running = new Map<string, { syncer: MailboxSyncer; lease: ClusterLease; fingerprint: string }>();
	let timer: NodeJS.Timeout | null = null;

	const deps = {
		database,
		files: pipeline.files,
		write: pipeline.write,
		channels: pipeline.channels,
		log: { info: (m: string) => logger.info(m), warn: (m: string) => logger.warn(m) },
		announce: (id: string, fields: Record<string, unknown>) =>
			void schema()
				.then((current) =>
					emitUpdated('ingestion_channels', [id], fields, { database, schema: current, accountability: null }),
				)
				.catch(() => {}),
	};

	const leaseFor = (id: string) => new ClusterLease(database, `lease:mailbox:${id}`, owner, MAILBOX_LEASE_MS);

	async function begin(id: string, lease: ClusterLease, fingerprint: string) {
		const syncer = new MailboxSyncer(deps, id);
		running.set(id, { syncer, lease, fingerprint });
		syncer.start();
		return syncer;
	}

	async function end(id: string) {
		const entry = running.get(id);
		if (!entry) return;
		running.delete(id);
		await entry.syncer.stop().catch(() => {});
		await entry.lease.release().catch(() => {});
	}

	// One look at a time; a channel changed during a look is looked at again right after it.
	const tick = coalesced(async () => {
		if (!timer || !isInstalled()) return; // stopped, or not installed yet

		try {
			const rows: Array<{ id: string; settings: unknown; date_updated: unknown }> = await database('ingestion_channels')
				.where({ provider: 'imap', enabled: true })
				.select('id', 'settings', 'date_updated');

			const wanted = new Map(rows.map((row) => [row.id, JSON.stringify([row.settings, row.date_updated])]));

			for (const [id, entry] of running) {
				// Gone, disabled, or its lease taken after this process stalled: stop. Settings changed: start again.
				if (!wanted.has(id) || !(await entry.lease.renew())) await end(id);
				else if (wanted.get(id) !== entry.fingerprint) {
					await entry.syncer.stop().catch(() => {});
					await begin(id, entry.lease, wanted.get(id)!);
				}
			}

			for (const [id, fingerprint] of wanted) {
				if (running.has(id)) continue;
				const lease = leaseFor(id);
				if (await lease.acquire()) await begin(id, lease, fingerprint);
			}
		} catch (error) {
			logger.warn(`Activity Hub: mailbox supervisor: ${(error as Error).message}`);
		}
	});

	return {
		start() {
			if (timer) return;
			timer = setInterval(() => void tick(), MAILBOX_TICK_MS);
			timer.unref?.();
			void tick();
		},
		changed() {
			if (timer) void tick();
		},
		async stop() {
			if (timer) clearInterval(timer);
			timer = null;
			for (const id of [...running.keys()]) await end(id);
		},
		async syncNow(id) {
			let entry = running.get(id);

			if (!entry) {
				const lease = leaseFor(id);
				if (!(await lease.acquire())) throw new SyncElsewhereError();
				const row = await database('ingestion_channels').where({ id }).first('settings', 'date_updated');
				await begin(id, lease, JSON.stringify([row?.settings ?? null, row?.date_updated ?? null]));
				entry = running.get(id)!;
			}

			return entry.syncer.syncNow();
		},
		async test(id, given, password) {
			const stored = await database('ingestion_channels').where({ id }).first('settings');
			const read = readMailboxSettings(given ?? stored?.settings ?? null);
			const empty = { folders: { inbox: null, sent: null }, idle: false, condstore: false, messages: null };
			if ('problem' in read)
				return { ok: false, error: `The mailbox settings cannot be used: ${read.problem}.`, ...empty };
			pipeline.channels.invalidate(id);
			const secret = password || (await pipeline.channels.get(id))?.secrets.password;
			if (!secret) return { ok: false, error: 'The mailbox password is not set.', ...empty };

			try {
				const client = await openMailbox({ settings: read.settings, password: secret });

				try {
					const folders = await resolveFolders(client, read.settings);
					const status = folders.inbox ? await client.status(folders.inbox, { messages: true }) : null;

					return {
						ok: true,
						error: null,
						folders,
						idle: client.capabilities.has('IDLE'),
						condstore: client.capabilities.has('CONDSTORE'),
						messages: status ? (status.messages ?? null) : null,
					};
				} finally {
					await closeMailbox(client);
				}
			} catch (error) {
				return { ok: false, error: describeMailboxError(error, read.settings), ...empty };
			}
		},
		held: () => [...running.keys()],
	};
}
