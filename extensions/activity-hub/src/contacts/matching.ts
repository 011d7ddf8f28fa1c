// Read-your-writes matching. Contact writes reach the identity index in bounded batches (INDEX_MAX_WAIT_MS from a
// batch's first write, never postponed by later ones); an ingest on this instance first has whatever waits indexed
// (`settle()`), so a webhook that follows a contact create or update matches it. Each index change re-matches the
// orphans it resolves, again REMATCH_FOLLOW_UP_MS later for activities other instances committed while the index
// was being rewritten, and the once-per-cluster sweep re-matches every orphan the index resolves, whatever happened.
import type { Identity } from '../shared/identity.js';
import { identityKey } from '../shared/identity.js';
import { readConfig } from '../shared/config.js';
import { type ContactSource, contactSource, type MatchResult } from '../shared/matching.js';
import { KeyBatcher } from '../shared/batcher.js';
import { INDEX_MAX_BATCH, INDEX_MAX_WAIT_MS, REMATCH_FOLLOW_UP_MS } from '../shared/limits.js';
import { cachedSchema, type HubContext } from '../runtime/context.js';
import { emitUpdated } from '../runtime/events.js';
import { reindexContacts, rematchOrphans } from '../runtime/identities.js';

type Key = string | number;
export type Rematched = Array<{ id: string } & MatchResult>;

export interface ContactIndex {
	/** Contacts were created or updated (after their commit): index them within INDEX_MAX_WAIT_MS. */
	changed(keys: Key[]): void;
	/** Null when the index holds every contact write this process has seen; else resolves once it does. */
	settle(): Promise<void> | null;
	/** Resolves once the index holds every contact write this process has seen (settles until nothing is pending). */
	idleIndex(): Promise<void>;
	/** Everything waiting indexed and re-matched (tests, shutdown). */
	idle(): Promise<void>;
	/** Re-match every unmatched or ambiguous activity the index resolves (the once-per-cluster sweep). */
	sweep(): Promise<Rematched>;
	/** Re-index the given contacts now and re-match what their identities resolve (merge, link). */
	reindexNow(keys: Key[]): Promise<Rematched>;
	/** The contact source with its primary key as the schema says. */
	source(): Promise<ContactSource>;
	/** Figures for the bench and the log: batches flushed, contacts indexed, the longest wait of a write. */
	stats: { batches: number; contacts: number; maxWaitMs: number };
}

let shared: ContactIndex | null = null;

/** The process's one index writer: the lifecycle hook feeds it, the ingest pipeline settles it before matching. */
export function contactIndex(context: Pick<HubContext, 'database' | 'env' | 'logger' | 'getSchema'>): ContactIndex {
	shared ??= createContactIndex(context);
	return shared;
}

function createContactIndex({
	database,
	env,
	logger,
	getSchema,
}: Pick<HubContext, 'database' | 'env' | 'logger' | 'getSchema'>): ContactIndex {
	const region = readConfig(env).defaultRegion;
	const base = contactSource(env);
	const schema = cachedSchema(() => getSchema());
	const warn = (message: string) => logger.warn(message);
	const stats = { batches: 0, contacts: 0, maxWaitMs: 0 };
	const firstSeen = new Map<Key, number>();

	const source = async () => {
		const collection = (await schema()).collections[base.collection];
		base.primaryKey = collection?.primary ?? base.primaryKey;
		return base;
	};

	const announce = async (changed: Rematched) => {
		if (changed.length === 0) return;
		const current = await schema();

		for (const change of changed)
			emitUpdated(
				'activities',
				[change.id],
				{ contact: change.contact, match_status: change.match_status, match_candidates: change.match_candidates },
				{ database, schema: current, accountability: null },
			);
	};

	// Re-matching runs after the index commit, off the ingest path, one pass at a time: identities that arrive while a
	// pass runs are taken together by the next one.
	let rematchQueue: Promise<void> = Promise.resolve();
	let waiting = new Map<string, Identity>();
	let rematchScheduled = false;
	let followUps = 0;

	const rematchPass = async (identities: Identity[]) => {
		await announce(await rematchOrphans(database, region, identities));
	};

	const queueRematch = (identities: Identity[]) => {
		for (const identity of identities) waiting.set(identityKey(identity), identity);
		if (rematchScheduled) return;
		rematchScheduled = true;

		rematchQueue = rematchQueue.then(async () => {
			rematchScheduled = false;
			const batch = [...waiting.values()];
			waiting = new Map();
			if (batch.length) await rematchPass(batch);
		});

		rematchQueue = rematchQueue.catch((error) => logger.error(error, 'Activity Hub: re-matching failed'));
	};

	const reindex = async (keys: Key[]) => {
		const now = Date.now();

		for (const key of keys) {
			stats.maxWaitMs = Math.max(stats.maxWaitMs, now - (firstSeen.get(key) ?? now));
			firstSeen.delete(key);
		}

		const identities = await reindexContacts(database, await source(), keys, region, warn);
		stats.batches++;
		stats.contacts += keys.length;
		if (identities.length === 0) return identities;
		queueRematch(identities);
		followUps++;

		setTimeout(() => {
			followUps--;
			queueRematch(identities);
		}, REMATCH_FOLLOW_UP_MS).unref?.();

		return identities;
	};

	const batcher = new KeyBatcher<Key>(
		(keys) =>
			reindex(keys).then(
				() => undefined,
				(error) => logger.error(error, 'Activity Hub: identity index update failed'),
			),
		INDEX_MAX_WAIT_MS,
		INDEX_MAX_BATCH,
	);

	return {
		stats,
		source,
		changed(keys) {
			const now = Date.now();
			for (const key of keys) if (!firstSeen.has(key)) firstSeen.set(key, now);
			batcher.add(keys);
		},
		settle: () => batcher.settle(),
		idleIndex: () => batcher.idle(),
		async idle() {
			await batcher.idle();

			while (followUps > 0 || rematchScheduled) {
				await rematchQueue;
				await new Promise((resolve) => setTimeout(resolve, 50));
			}

			await rematchQueue;
		},
		async sweep() {
			await batcher.idle();
			const changed = await rematchOrphans(database, region);
			await announce(changed);
			return changed;
		},
		async reindexNow(keys) {
			await batcher.idle();
			const identities = await reindexContacts(database, await source(), keys, region, warn);
			if (identities.length === 0) return [];
			const changed = await rematchOrphans(database, region, identities);
			await announce(changed);
			return changed;
		},
	};
}
