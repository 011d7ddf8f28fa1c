// One sync pass of a mailbox channel: per folder (Inbox, Sent) from its cursor to the newest message, read-only
// (EXAMINE and BODY.PEEK: nothing is marked read, moved or deleted). Messages are fetched in batches bounded by count
// and bytes — the mailbox is never held in memory — parsed, their attachments stored under the channel's limits
// and MIME policy, written through the ingest writer, and only then the cursor is advanced: a pass killed midway
// resumes after the last committed batch, and a repeated batch is recognised by its Message-ID (one activity per
// message). A changed UIDVALIDITY starts the folder again from the `since` window; nothing is stored twice.
import type { ImapFlow } from 'imapflow';
import type { Knex } from 'knex';
import type { Channel } from '../runtime/channels.js';
import { channelSettings } from '../runtime/channels.js';
import type { FileStore } from '../runtime/files.js';
import type { DraftWithFiles, WriteResult } from '../runtime/writer.js';
import { mimeAllowed } from '../shared/filenames.js';
import {
	FOLDER_ROLES,
	type FolderCursor,
	type FolderRole,
	type MailboxSettings,
	type SyncState,
} from '../shared/mailbox.js';
import { parseMailMessage, type SkippedPart, storableDraft } from '../shared/node/providers/index.js';
import { parseJson } from '../runtime/context.js';
import { mapAtMost } from '../shared/concurrency.js';
import { resolveFolders } from './client.js';

export interface SyncResult {
	fetched: number;
	stored: number;
	duplicates: number;
}

export interface SyncDeps {
	database: Knex;
	files: FileStore;
	write: (channel: Channel, drafts: DraftWithFiles[]) => Promise<WriteResult[]>;
	/** Called once a batch is committed (the bench and tests observe progress; the syncer logs). */
	onBatch?: (folder: string, result: SyncResult) => void;
}

/** At most this many messages, or this many bytes of source, per fetch and per write. */
const BATCH_MESSAGES = 100;
const BATCH_BYTES = 24 * 1024 * 1024;
const SIZE_CHUNK = 1000;
/** Attachments stored at once while a batch is written. */
const FILE_STORES_AT_ONCE = 4;

export async function readSyncState(database: Knex, channelId: string): Promise<SyncState> {
	const row = await database('ingestion_channels').where({ id: channelId }).first('sync_state');
	const state = parseJson(row?.sync_state);
	return state && typeof state === 'object' && !Array.isArray(state) ? (state as SyncState) : {};
}

const writeSyncState = (database: Knex, channelId: string, state: SyncState) =>
	database('ingestion_channels')
		.where({ id: channelId })
		.update({ sync_state: JSON.stringify(state) });

/** Syncs every folder of the channel over an open client. */
export async function syncMailbox(
	deps: SyncDeps,
	client: ImapFlow,
	channel: Channel,
	settings: MailboxSettings,
	now = new Date(),
): Promise<SyncResult> {
	const folders = await resolveFolders(client, settings);
	const state = await readSyncState(deps.database, channel.id);
	const total: SyncResult = { fetched: 0, stored: 0, duplicates: 0 };

	for (const role of FOLDER_ROLES) {
		const path = folders[role];
		if (!path) continue;
		const result = await syncFolder(deps, client, channel, settings, role, path, state, now);
		total.fetched += result.fetched;
		total.stored += result.stored;
		total.duplicates += result.duplicates;
	}

	return total;
}

async function syncFolder(
	deps: SyncDeps,
	client: ImapFlow,
	channel: Channel,
	settings: MailboxSettings,
	role: FolderRole,
	path: string,
	state: SyncState,
	now: Date,
): Promise<SyncResult> {
	const result: SyncResult = { fetched: 0, stored: 0, duplicates: 0 };
	const lock = await client.getMailboxLock(path, { readOnly: true });

	try {
		const mailbox = client.mailbox;
		if (!mailbox) throw new Error(`The folder ${path} could not be opened`);
		const uidValidity = String(mailbox.uidValidity);
		const modseq = mailbox.highestModseq != null ? String(mailbox.highestModseq) : null;
		const known = state[role];

		const cursor: FolderCursor =
			known && known.path === path && known.uidValidity === uidValidity
				? { ...known }
				: { path, uidValidity, lastUid: 0, highestModseq: null };

		const save = async () => {
			state[role] = cursor;
			await writeSyncState(deps.database, channel.id, state);
		};

		// Nothing new since the last pass: no UID above the cursor, and (CONDSTORE) no change at all.
		if (cursor.lastUid > 0 && mailbox.uidNext - 1 <= cursor.lastUid && modseq === cursor.highestModseq) return result;

		const query =
			cursor.lastUid > 0
				? { uid: `${cursor.lastUid + 1}:*` }
				: { since: new Date(now.getTime() - settings.since * 86_400_000) };

		const found = (await client.search(query, { uid: true })) || [];
		const uids = [...new Set(found)].filter((uid) => uid > cursor.lastUid).sort((a, b) => a - b);
		const sizes = new Map<number, number>();

		for (let i = 0; i < uids.length; i += SIZE_CHUNK) {
			const range = uids.slice(i, i + SIZE_CHUNK).join(',');
			for await (const message of client.fetch(range, { uid: true, size: true }, { uid: true }))
				sizes.set(message.uid, message.size ?? 0);
		}

		// The next batch is fetched and parsed while this one's files and activities are written (the server, the
		// network and the parser work during the database's and the storage's waits); at most two batches are in memory.
		const pending = [...batches(uids, sizes)];
		const direction = role === 'sent' ? 'outbound' : 'inbound';

		const prefetch = (batch: number[]) => {
			const preparing = fetchBatch(client, batch).then((messages) => parseBatch(channel, direction, path, messages));
			preparing.catch(() => {}); // awaited below; never an unhandled rejection while a store runs
			return preparing;
		};

		let next = pending.length ? prefetch(pending[0]!) : null;

		try {
			for (const [index, batch] of pending.entries()) {
				const parsed = await next!;
				next = index + 1 < pending.length ? prefetch(pending[index + 1]!) : null;
				const written = await storeMessages(deps, channel, parsed);
				result.fetched += parsed.length;
				result.stored += written.stored;
				result.duplicates += written.duplicates;
				cursor.lastUid = Math.max(cursor.lastUid, ...batch);
				await save();
				deps.onBatch?.(path, { fetched: parsed.length, ...written });
			}
		} finally {
			// After a failed store the prefetch still finishes before the folder's lock is released.
			await next?.catch(() => {});
		}

		// Older mail than the `since` window is left out on purpose: the folder is synced up to where it stood.
		cursor.lastUid = Math.max(cursor.lastUid, mailbox.uidNext - 1);
		cursor.highestModseq = modseq;
		await save();
		return result;
	} finally {
		lock.release();
	}
}

type FetchedMessage = { uid: number; raw: Buffer; internalDate: Date | null };

/** One batch's sources, in UID order. */
async function fetchBatch(client: ImapFlow, batch: number[]): Promise<FetchedMessage[]> {
	const messages: FetchedMessage[] = [];

	for await (const message of client.fetch(
		batch.join(','),
		{ uid: true, source: true, internalDate: true },
		{ uid: true },
	)) {
		if (!message.source) continue;
		const internal = message.internalDate ? new Date(message.internalDate) : null;
		messages.push({ uid: message.uid, raw: message.source, internalDate: internal });
	}

	return messages.sort((a, b) => a.uid - b.uid);
}

function* batches(uids: number[], sizes: Map<number, number>): Generator<number[]> {
	let batch: number[] = [];
	let bytes = 0;

	for (const uid of uids) {
		const size = sizes.get(uid) ?? 0;

		if (batch.length && (batch.length >= BATCH_MESSAGES || bytes + size > BATCH_BYTES)) {
			yield batch;
			batch = [];
			bytes = 0;
		}

		batch.push(uid);
		bytes += size;
	}

	if (batch.length) yield batch;
}

type ParsedMessage = Awaited<ReturnType<typeof parseMailMessage>>;

/** One batch parsed, in order; a message that does not parse is still a draft with what did (never thrown). */
async function parseBatch(
	channel: Channel,
	direction: 'inbound' | 'outbound',
	folder: string,
	messages: FetchedMessage[],
): Promise<ParsedMessage[]> {
	const now = new Date();
	const settings = channelSettings(channel);
	const limits = { maxFileBytes: channel.maxFileBytes, maxFiles: channel.maxFiles };
	const parsed: ParsedMessage[] = [];

	for (const message of messages)
		parsed.push(
			await parseMailMessage(
				{ raw: message.raw, direction, folder, uid: message.uid, internalDate: message.internalDate },
				settings,
				limits,
				now,
			),
		);

	return parsed;
}

/**
 * Stores the attachments of one parsed batch and writes its activities; a message already stored keeps its files
 * unstored, and when anything fails the files stored for the batch are removed again.
 */
async function storeMessages(
	deps: SyncDeps,
	channel: Channel,
	parsed: ParsedMessage[],
): Promise<{ stored: number; duplicates: number }> {
	if (parsed.length === 0) return { stored: 0, duplicates: 0 };

	const already = await storedAlready(
		deps.database,
		channel.id,
		parsed.map(({ draft }) => ({ messageId: draft.message_id ?? null, externalId: draft.external_id })),
	);

	const isNew = ({ draft }: ParsedMessage) =>
		!(draft.message_id && already.has(`m:${draft.message_id}`)) && !already.has(`e:${draft.external_id}`);

	const storedFiles: string[] = [];

	try {
		// Each store waits on the disk, the database and the image probe: a few at once keep them all busy.
		const parts = parsed
			.filter(isNew)
			.flatMap((message) => message.draft.inlineFiles.map((file) => ({ message, file })));

		const saved = await mapAtMost(parts, FILE_STORES_AT_ONCE, async ({ file }) => {
			const info = await deps.files.storeBuffer(channel, file.content, file.filename, file.type);
			storedFiles.push(info.id);
			return info;
		});

		const refused = new Set<string>();
		const fileIds = new Map<ParsedMessage, string[]>();

		parts.forEach(({ message, file }, i) => {
			const info = saved[i]!;
			const ids = fileIds.get(message) ?? [];
			fileIds.set(message, ids);
			if (mimeAllowed(info.type, channel.allowedMimeTypes)) return ids.push(info.id);
			refused.add(info.id);

			message.skipped.push({
				filename: file.filename,
				type: info.type,
				size: file.content.length,
				reason: `type ${info.type} is not allowed on this channel`,
			} satisfies SkippedPart);
		});

		if (refused.size) {
			await deps.files.remove([...refused]);
			storedFiles.splice(0, storedFiles.length, ...storedFiles.filter((id) => !refused.has(id)));
		}

		const drafts: DraftWithFiles[] = parsed.map((message) => {
			const { draft, skipped } = message;
			if (skipped.length) draft.payload = { ...draft.payload, skipped_attachments: skipped };
			return { ...storableDraft({ ...draft, inlineFiles: [] }), fileIds: fileIds.get(message) ?? [] };
		});

		const results = await deps.write(channel, drafts);
		storedFiles.length = 0; // committed, or removed by the writer's duplicate clean-up
		const duplicates = results.filter((r) => r.duplicate).length;
		return { stored: results.length - duplicates, duplicates };
	} finally {
		if (storedFiles.length) await deps.files.remove(storedFiles).catch(() => {});
	}
}

/** Which of a batch's messages are stored already (by Message-ID from any channel, or this channel's id). */
async function storedAlready(
	database: Knex,
	channelId: string,
	messages: Array<{ messageId: string | null; externalId: string | null }>,
): Promise<Set<string>> {
	const messageIds = messages.map((m) => m.messageId).filter((id): id is string => Boolean(id));
	const externalIds = messages.map((m) => m.externalId).filter((id): id is string => Boolean(id));
	const found = new Set<string>();

	if (messageIds.length)
		for (const row of await database('activities').whereIn('message_id', messageIds).select('message_id'))
			found.add(`m:${row.message_id}`);

	if (externalIds.length)
		for (const row of await database('activities')
			.where({ channel: channelId })
			.whereIn('external_id', externalIds)
			.select('external_id'))
			found.add(`e:${row.external_id}`);

	return found;
}
