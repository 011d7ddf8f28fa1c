// Group commit: concurrent ingest requests are written together, one transaction per batch, so a burst costs one
// commit (one fsync on SQLite) instead of one per request. A request is answered only after its batch commits,
// so every 2xx is durable. Idempotency is the UNIQUE (channel, external_id) index, checked by the insert itself.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { ActivityDraft } from '../shared/providers/index.js';
import type { Identity } from '../shared/identity.js';
import { contactForUnknownSender, counterpartyIdentities, resolveMatch, type MatchResult } from '../shared/matching.js';
import { lookupContacts } from './identities.js';
import { activityFromRow, dbTime } from './context.js';
import type { Channel } from './channels.js';

export interface WriteResult {
	id: string;
	duplicate: boolean;
	status: string;
	contact: number | string | null;
}

export interface DraftWithFiles extends ActivityDraft {
	fileIds: string[];
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

export class ActivityWriter {
	private queue: Job[] = [];
	private flushing = false;

	constructor(
		private database: Knex,
		private options: { region?: string; maxBatch?: number; matching?: boolean },
		private onCommitted: (committed: Committed) => void,
	) {}

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
			const now = new Date();
			const counters = new Map<string, { received: number; duplicates: number }>();
			const perJob: WriteResult[][] = [];
			for (const job of jobs) {
				const results: WriteResult[] = [];
				for (const draft of job.drafts) {
					const result = await this.insert(trx, job.channel, draft, now, created, createdContacts);
					if (result.duplicate) orphanFileIds.push(...draft.fileIds);
					results.push(result);
					const counter = counters.get(job.channel.id) ?? { received: 0, duplicates: 0 };
					counter[result.duplicate ? 'duplicates' : 'received']++;
					counters.set(job.channel.id, counter);
				}
				perJob.push(results);
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
			return perJob;
		});
		jobs.forEach((job, index) => job.resolve(outcomes[index]!));
		this.onCommitted({ rows: created, contacts: createdContacts, orphanFileIds });
	}

	private async existing(trx: Knex.Transaction, channel: string, externalId: string): Promise<WriteResult | null> {
		const row = await trx('activities').select('id', 'status', 'contact').where({ channel, external_id: externalId }).first();
		return row ? { id: row.id, duplicate: true, status: row.status, contact: row.contact ?? null } : null;
	}

	/** A channel's "create unknown contacts" policy: the contact and its identity, in the ingest transaction. */
	private async createContact(trx: Knex.Transaction, draft: DraftWithFiles, identity: Identity, now: Date, createdContacts: Record<string, unknown>[]) {
		const fields = contactForUnknownSender(draft.sender, identity, (draft.metadata['profile_name'] as string | undefined) ?? null);
		const [inserted] = await trx('contacts')
			.insert({ ...fields, emails: JSON.stringify(fields.emails), phones: JSON.stringify(fields.phones), date_created: dbTime(trx, now) })
			.returning('id');
		const id = (inserted as { id: number }).id ?? inserted;
		await trx('contact_identities').insert({ kind: identity.kind, value: identity.value, contact: id });
		createdContacts.push({ id, ...fields });
		return id as number;
	}

	private async insert(trx: Knex.Transaction, channel: Channel, draft: DraftWithFiles, now: Date, created: Record<string, unknown>[], createdContacts: Record<string, unknown>[]): Promise<WriteResult> {
		if (draft.external_id) {
			const existing = await this.existing(trx, channel.id, draft.external_id);
			if (existing) return existing;
		}
		let match: MatchResult = { contact: null, match_status: 'unmatched', match_candidates: null };
		if (this.options.matching !== false) {
			const identities = counterpartyIdentities(draft, this.options.region);
			match = resolveMatch(await lookupContacts(trx, identities));
			if (match.match_status === 'unmatched' && channel.createUnknownContacts && draft.direction === 'inbound' && identities.length === 1) {
				match = { contact: await this.createContact(trx, draft, identities[0]!, now, createdContacts), match_status: 'matched', match_candidates: null };
			}
		}
		const row = {
			id: randomUUID(),
			type: draft.type,
			direction: draft.direction,
			status: 'raw',
			channel: channel.id,
			contact: match.contact,
			owner: channel.owner,
			external_id: draft.external_id,
			subject: draft.subject,
			content: draft.content,
			sender: draft.sender,
			recipient: draft.recipient,
			occurred_at: dbTime(trx, draft.occurred_at),
			payload: JSON.stringify({ ...draft.payload, ...(draft.media.length ? { media: draft.media } : {}) }),
			metadata: JSON.stringify(draft.metadata),
			attempts: 0,
			max_attempts: 5,
			available_at: dbTime(trx, now),
			match_status: match.match_status,
			match_candidates: match.match_candidates ? JSON.stringify(match.match_candidates) : null,
			date_created: dbTime(trx, now),
			date_updated: dbTime(trx, now),
		};
		const query = trx('activities').insert(row);
		const inserted = draft.external_id ? await query.onConflict(['channel', 'external_id']).ignore().returning('id') : await query.returning('id');
		// Lost a race with another instance's insert of the same event: the unique index kept one.
		if (inserted.length === 0) return (await this.existing(trx, channel.id, draft.external_id!))!;
		for (const fileId of draft.fileIds) await trx('activity_files').insert({ activities_id: row.id, directus_files_id: fileId });
		created.push(activityFromRow(row));
		return { id: row.id, duplicate: false, status: 'raw', contact: match.contact };
	}
}
