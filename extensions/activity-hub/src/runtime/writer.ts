// Group commit: concurrent ingest requests are written together, one transaction per batch, so a burst costs one
// commit (one fsync on SQLite) instead of one per request. A request is answered only after its batch commits,
// so every 2xx is durable. Idempotency is the UNIQUE (channel, external_id) index and, for e-mail, the UNIQUE
// message_id index (one activity per message across channels, install step z0011), both checked by the insert.
import { randomUUID } from 'node:crypto';
import { appendTo } from '../shared/maps.js';
import type { Knex } from 'knex';
import type { ActivityDraft } from '../shared/node/providers/index.js';
import { type Identity, identityKey } from '../shared/identity.js';
import {
	attendeeIdentities,
	contactForUnknownSender,
	counterpartyIdentities,
	matchAttendees,
	matchFrom,
	type MatchResult,
} from '../shared/matching.js';
import { lookupIdentities } from './identities.js';
import { lockContacts } from './contact-lock.js';
import { activityFromRow, dbTime } from './context.js';
import type { Channel } from './channels.js';
import { DEFAULT_MAX_ATTEMPTS } from '../shared/limits.js';
import { conversationKey, normaliseMessageId } from '../shared/threads.js';

export interface WriteResult {
	id: string;
	duplicate: boolean;
	status: string;
	contact: number | string | null;
}

export interface DraftWithFiles extends ActivityDraft {
	fileIds: string[];
	/** Stored completed at once, never queued: no agent or flow claims it (the channel setup's test events). */
	outOfQueue?: boolean;
}

interface Job {
	channel: Channel;
	drafts: DraftWithFiles[];
	resolve: (results: WriteResult[]) => void;
	reject: (error: unknown) => void;
}

export interface Committed {
	rows: Record<string, unknown>[];
	/** Contacts created for unknown senders (channel policy). */
	contacts: Record<string, unknown>[];
	/** Files stored for requests that turned out to be duplicates: no longer needed. */
	orphanFileIds: string[];
}

/** Called synchronously after a batch is committed and answered; it must not throw (start async work and handle it). */
export type CommitListener = (committed: Committed) => void;

export class ActivityWriter {
	private queue: Job[] = [];
	private flushing = false;
	private listeners = new Set<CommitListener>();

	constructor(
		private database: Knex,
		private options: {
			region?: string;
			maxBatch?: number;
			matching?: boolean;
			createContacts?: boolean;
			/** Read-your-writes: null when the identity index is current, else a promise of its catching up. */
			settleIndex?: () => Promise<void> | null;
		},
	) {}

	/** Subscribe to committed batches; returns the unsubscribe function. */
	onCommit(listener: CommitListener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	write(channel: Channel, drafts: DraftWithFiles[]): Promise<WriteResult[]> {
		return new Promise((resolve, reject) => {
			this.queue.push({ channel, drafts, resolve, reject });
			if (!this.flushing) void this.flush();
		});
	}

	private async flush() {
		this.flushing = true;

		try {
			while (this.queue.length > 0) {
				// Contacts written before these requests arrived are indexed before they are matched: wait until nothing is
				// pending, then take the batch without yielding, so no write can slip in between.
				const settle = this.options.matching === false ? undefined : this.options.settleIndex;
				for (let settling = settle?.(); settling; settling = settle!()) await settling;
				const batch = this.queue.splice(0, this.options.maxBatch ?? 256);

				try {
					await this.commit(batch);
				} catch {
					// One bad job must not fail the others: retry each on its own.
					for (const job of batch) await this.commit([job]).catch((error) => job.reject(error));
				}
			}
		} finally {
			this.flushing = false;
		}
	}

	private async commit(jobs: Job[]) {
		const created: Record<string, unknown>[] = [];
		const createdContacts: Record<string, unknown>[] = [];
		const orphanFileIds: string[] = [];

		const outcomes = await this.database.transaction(async (trx) => {
			// A merge or erasure in progress finishes first; one waiting lets this batch commit first (contact-lock.ts).
			await lockContacts(trx, 'shared');
			const now = new Date();

			const entries = jobs.flatMap((job, jobIndex) =>
				job.drafts.map((draft) => ({ job, jobIndex, draft, result: null as WriteResult | null })),
			);

			// Duplicates: events already stored (on this channel, or the same e-mail from any channel), and repeats of
			// one event inside this batch.
			const stored = await this.storedEvents(
				trx,
				entries.map((e) => ({ channel: e.job.channel.id, externalId: e.draft.external_id })),
			);

			const storedMessages = await this.storedMessages(
				trx,
				entries.map((e) => messageIdOf(e.draft)),
			);

			const firstInBatch = new Map<string, (typeof entries)[number]>();
			/** The batch entry that stores each key: its first occurrence (filled in below, once it has an id). */
			const storedBy = new Map<(typeof entries)[number], (typeof entries)[number]>();

			for (const entry of entries) {
				const messageId = messageIdOf(entry.draft);

				const keys = [
					...(entry.draft.external_id ? [`${entry.job.channel.id}\u0000${entry.draft.external_id}`] : []),
					...(messageId ? [`message\u0000${messageId}`] : []),
				];

				const existing =
					(entry.draft.external_id && stored.get(`${entry.job.channel.id}\u0000${entry.draft.external_id}`)) ||
					(messageId && storedMessages.get(messageId));

				const first = keys.map((key) => firstInBatch.get(key)).find(Boolean);
				if (existing) entry.result = existing;
				else if (first) {
					entry.result = { id: '', duplicate: true, status: 'raw', contact: null }; // filled below
					storedBy.set(entry, first);
				} else for (const key of keys) firstInBatch.set(key, entry);
			}

			const fresh = entries.filter((e) => !e.result);

			// Matching: one index lookup for the whole batch.
			const identities = fresh.map((e) => {
				if (this.options.matching === false) return [];
				// A meeting is matched on every external attendee, any other activity on its counterparty.
				if (e.draft.attendees) return attendeeIdentities(e.draft.attendees, this.options.region);
				return counterpartyIdentities(e.draft, this.options.region);
			});

			const contactsByIdentity = await lookupIdentities(trx, identities.flat());
			const rows: Record<string, unknown>[] = [];

			for (const [index, entry] of fresh.entries()) {
				const own = identities[index]!;

				let match: MatchResult = entry.draft.attendees
					? matchAttendees(contactsByIdentity, own)
					: matchFrom(contactsByIdentity, own);

				if (
					match.match_status === 'unmatched' &&
					this.options.createContacts !== false &&
					entry.job.channel.createUnknownContacts &&
					entry.draft.direction === 'inbound' &&
					!entry.draft.attendees &&
					own.length === 1
				) {
					const contact = await this.createContact(trx, entry.draft, own[0]!, now, createdContacts);
					contactsByIdentity.set(identityKey(own[0]!), [contact]);
					match = { contact, match_status: 'matched', match_candidates: null };
				}

				const row = this.row(trx, entry.job.channel, entry.draft, match, now);
				rows.push(row);

				entry.result = {
					id: row['id'] as string,
					duplicate: false,
					status: row['status'] as string,
					contact: match.contact,
				};
			}

			// One multi-row insert; the unique (channel, external_id) and message_id indexes settle races with other
			// instances (a conflict on either leaves the row out).
			const inserted = new Set<string>();

			for (let i = 0; i < rows.length; i += 100) {
				const ids = await trx('activities')
					.insert(rows.slice(i, i + 100))
					.onConflict()
					.ignore()
					.returning('id');

				for (const id of ids) inserted.add(typeof id === 'object' ? (id as { id: string }).id : String(id));
			}

			const lostRaces = fresh.filter((e) => !inserted.has(e.result!.id));

			if (lostRaces.length) {
				const winners = await this.storedEvents(
					trx,
					lostRaces.map((e) => ({ channel: e.job.channel.id, externalId: e.draft.external_id })),
				);

				const messageWinners = await this.storedMessages(
					trx,
					lostRaces.map((e) => messageIdOf(e.draft)),
				);

				for (const entry of lostRaces) {
					const messageId = messageIdOf(entry.draft);

					entry.result =
						winners.get(`${entry.job.channel.id}\u0000${entry.draft.external_id}`) ??
						(messageId ? messageWinners.get(messageId) : undefined) ??
						null;

					if (!entry.result) throw new Error('an activity was neither stored nor found stored');
				}
			}

			for (const entry of entries) {
				if (entry.result!.id === '') entry.result = { ...storedBy.get(entry)!.result!, duplicate: true };
			}

			const links = fresh
				.filter((e) => inserted.has(e.result!.id))
				.flatMap((e) => e.draft.fileIds.map((fileId) => ({ activities_id: e.result!.id, directus_files_id: fileId })));

			for (let i = 0; i < links.length; i += 200) await trx('activity_files').insert(links.slice(i, i + 200));
			for (const row of rows) if (inserted.has(row['id'] as string)) created.push(activityFromRow(row));

			const counters = new Map<string, { received: number; duplicates: number }>();

			for (const entry of entries) {
				if (entry.result!.duplicate) orphanFileIds.push(...entry.draft.fileIds);
				const counter = counters.get(entry.job.channel.id) ?? { received: 0, duplicates: 0 };
				counter[entry.result!.duplicate ? 'duplicates' : 'received']++;
				counters.set(entry.job.channel.id, counter);
			}

			for (const [id, counter] of counters) {
				await trx('ingestion_channels')
					.where({ id })
					.update({
						received_count: trx.raw('COALESCE(received_count, 0) + ?', [counter.received]),
						duplicate_count: trx.raw('COALESCE(duplicate_count, 0) + ?', [counter.duplicates]),
						last_received_at: dbTime(trx, now),
					});
			}

			return jobs.map((_, jobIndex) => entries.filter((e) => e.jobIndex === jobIndex).map((e) => e.result!));
		});

		jobs.forEach((job, index) => job.resolve(outcomes[index]!));
		const committed: Committed = { rows: created, contacts: createdContacts, orphanFileIds };
		for (const listener of this.listeners) listener(committed);
	}

	/** Stored activities for (channel, external_id) pairs, keyed "channel\0external_id". */
	private async storedEvents(trx: Knex.Transaction, events: Array<{ channel: string; externalId: string | null }>) {
		const byChannel = new Map<string, string[]>();
		for (const { channel, externalId } of events) if (externalId) appendTo(byChannel, channel, externalId);
		const found = new Map<string, WriteResult>();

		for (const [channel, externalIds] of byChannel) {
			for (let i = 0; i < externalIds.length; i += 500) {
				const rows = await trx('activities')
					.select('id', 'status', 'contact', 'external_id')
					.where({ channel })
					.whereIn('external_id', externalIds.slice(i, i + 500));

				for (const row of rows)
					found.set(`${channel}\u0000${row.external_id}`, {
						id: row.id,
						duplicate: true,
						status: row.status,
						contact: row.contact ?? null,
					});
			}
		}

		return found;
	}

	/** Stored e-mails by normalised Message-ID, from any channel. */
	private async storedMessages(trx: Knex.Transaction, messageIds: Array<string | null>) {
		const wanted = [...new Set(messageIds.filter((id): id is string => Boolean(id)))];
		const found = new Map<string, WriteResult>();

		for (let i = 0; i < wanted.length; i += 500) {
			const rows = await trx('activities')
				.select('id', 'status', 'contact', 'message_id')
				.whereIn('message_id', wanted.slice(i, i + 500));

			for (const row of rows)
				found.set(row.message_id, { id: row.id, duplicate: true, status: row.status, contact: row.contact ?? null });
		}

		return found;
	}

	/** An e-mail's thread as the provider read it; an SMS or WhatsApp message's conversation with its counterparty. */
	private threadKey(channel: Channel, draft: DraftWithFiles): string | null {
		if (draft.thread_key) return draft.thread_key;

		const counterparty =
			counterpartyIdentities(draft, this.options.region)[0]?.value ??
			(draft.direction === 'inbound' ? draft.sender : draft.recipient);

		return conversationKey(draft.type, channel.id, counterparty);
	}

	private row(
		trx: Knex.Transaction,
		channel: Channel,
		draft: DraftWithFiles,
		match: MatchResult,
		now: Date,
	): Record<string, unknown> {
		return {
			id: randomUUID(),
			type: draft.type,
			direction: draft.direction,
			status: draft.outOfQueue ? 'completed' : 'raw',
			completed_at: draft.outOfQueue ? dbTime(trx, now) : null,
			channel: channel.id,
			contact: match.contact,
			owner: channel.owner,
			external_id: draft.external_id,
			message_id: messageIdOf(draft),
			thread_key: this.threadKey(channel, draft),
			subject: draft.subject,
			content: draft.content,
			sender: draft.sender,
			recipient: draft.recipient,
			occurred_at: dbTime(trx, draft.occurred_at),
			payload: JSON.stringify({ ...draft.payload, ...(draft.media.length ? { media: draft.media } : {}) }),
			metadata: JSON.stringify(draft.metadata),
			attempts: 0,
			max_attempts: DEFAULT_MAX_ATTEMPTS,
			available_at: dbTime(trx, now),
			match_status: match.match_status,
			match_candidates: match.match_candidates ? JSON.stringify(match.match_candidates) : null,
			date_created: dbTime(trx, now),
			date_updated: dbTime(trx, now),
		};
	}

	/** A channel's "create unknown contacts" policy: the contact and its identity, in the ingest transaction. */
	private async createContact(
		trx: Knex.Transaction,
		draft: DraftWithFiles,
		identity: Identity,
		now: Date,
		createdContacts: Record<string, unknown>[],
	) {
		const fields = contactForUnknownSender(
			draft.sender,
			identity,
			(draft.metadata['profile_name'] as string | undefined) ?? null,
		);

		const [inserted] = await trx('contacts')
			.insert({
				...fields,
				emails: JSON.stringify(fields.emails),
				phones: JSON.stringify(fields.phones),
				date_created: dbTime(trx, now),
			})
			.returning('id');

		const id = (inserted as { id: number }).id ?? inserted;
		await trx('contact_identities').insert({ kind: identity.kind, value: identity.value, contact: id });
		createdContacts.push({ id, ...fields });
		return id as number;
	}
}

/** A draft's Message-ID as stored (normalised again: an adapter's value is never trusted to be). */
const messageIdOf = (draft: ActivityDraft): string | null => normaliseMessageId(draft.message_id ?? null);
