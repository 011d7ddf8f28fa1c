// Keeps derived state right whatever writes the data (Studio, REST, imports): channel secrets into the protected
// store, mailbox settings checked, the identity index, re-matching of orphans, defaults and authorship, the lease
// reaper, and the mailbox sync (started once Directus serves; each mailbox channel synced by one instance).
import { randomUUID } from 'node:crypto';
import { defineHook } from '@directus/extensions-sdk';
import { ACTIVITY_DEFAULTS } from '../shared/activity.js';
import { contactSource } from '../shared/matching.js';
import { SECRET_NAMES } from '../runtime/channels.js';
import { cachedSchema } from '../runtime/context.js';
import { readConfig } from '../shared/config.js';
import { InvalidPayloadError, InvalidSecretsError } from '../shared/errors.js';
import { readMailboxSettings } from '../shared/mailbox.js';
import { mailboxes } from '../mailbox/index.js';
import { matchActivity } from '../runtime/identities.js';
import { contactIndex } from '../contacts/matching.js';
import { applyRetention } from '../contacts/retention.js';
import { isAgentUser } from '../runtime/agents.js';
import { activityQueue, QUEUE_STATES } from '../queue/index.js';
import { ingestPipeline } from '../ingest-pipeline/index.js';
import { isInstalled } from '../install/status.js';
import { registerNoteOwnership } from './note-ownership.js';
import { pruneRefusals } from '../runtime/refusals.js';
import { REFUSAL_LOG_PRUNE_CRON } from '../shared/limits.js';
import { outboundSender } from '../outbound/sender.js';

type Payload = Record<string, any>;
type Keys = Array<string | number>;
/** What Directus passes item actions: the created item's key, or the keys of an update or delete. */
type ItemMeta = { key?: string | number; keys?: Keys };

export default defineHook(({ filter, action, init, schedule }, context) => {
	const ctx = context;
	const config = readConfig(ctx.env);
	const region = config.defaultRegion;
	const source = contactSource(ctx.env);
	const schema = cachedSchema(() => ctx.getSchema());
	// The ingest pipeline's channel store: a secret written here invalidates the cache the webhook path reads.
	const channelStore = () => ingestPipeline(context).channels;

	function takeSecrets(payload: Record<string, unknown>): Record<string, unknown> | null {
		if (!('secrets' in payload)) return null;
		const secrets = payload['secrets'];
		delete payload['secrets'];
		if (secrets === null) return null;
		if (typeof secrets !== 'object' || Array.isArray(secrets))
			throw new InvalidSecretsError('secrets must be an object');

		for (const [name, value] of Object.entries(secrets as object)) {
			if (!(SECRET_NAMES as readonly string[]).includes(name))
				throw new InvalidSecretsError(`unknown secret ${name}; expected ${SECRET_NAMES.join(', ')}`);
			if (value !== null && typeof value !== 'string')
				throw new InvalidSecretsError(`${name} must be a string or null`);
			if (name === 'webhook_secret' && typeof value === 'string' && value && !value.startsWith('whsec_'))
				throw new InvalidSecretsError('webhook_secret must be a whsec_ secret');
		}

		return secrets as Record<string, unknown>;
	}

	/** A mailbox channel's settings must be usable by the sync (written through Studio, REST or an import). */
	async function checkMailboxSettings(payload: Payload, keys: Keys, database: typeof ctx.database) {
		if (!('settings' in payload) && !('provider' in payload)) return;

		const current = keys.length
			? await database('ingestion_channels').whereIn('id', keys).select('provider', 'settings')
			: [{ provider: undefined, settings: undefined }];

		for (const row of current) {
			const provider = payload.provider ?? row.provider;
			const settings = 'settings' in payload ? payload.settings : row.settings;
			// Not yet set is allowed (the setup fills it in; the sync says what is missing).
			if (provider !== 'imap' || settings == null) continue;
			const read = readMailboxSettings(settings);
			if ('problem' in read) throw new InvalidPayloadError(`Invalid mailbox settings: ${read.problem}`);
		}
	}

	filter<Payload>('ingestion_channels.items.create', async (payload, _meta, { database }) => {
		payload.id ??= randomUUID();
		await checkMailboxSettings(payload, [], database);
		const secrets = takeSecrets(payload);
		if (secrets) await channelStore().writeSecrets(database, payload.id, secrets);
		return payload;
	});

	filter<Payload>('ingestion_channels.items.update', async (payload, meta: ItemMeta, { database }) => {
		await checkMailboxSettings(payload, meta.keys ?? [], database);
		const secrets = takeSecrets(payload);
		if (secrets) for (const key of meta.keys ?? []) await channelStore().writeSecrets(database, String(key), secrets);
		return payload;
	});

	filter<Keys>('ingestion_channels.items.delete', async (keys, _meta, { database }) => {
		await database('ingestion_channel_secrets').whereIn('id', keys).delete();
		return keys;
	});

	// A new, changed or deleted mailbox channel starts, restarts or stops its sync now rather than at the next look.
	action('ingestion_channels.items.create', () => mailboxes(context).changed());

	action('ingestion_channels.items.update', ({ keys }: ItemMeta) => {
		keys?.forEach((key) => channelStore().invalidate(String(key)));
		mailboxes(context).changed();
	});

	action('ingestion_channels.items.delete', ({ keys }: ItemMeta) => {
		keys?.forEach((key) => channelStore().invalidate(String(key)));
		mailboxes(context).changed();
	});

	// Identity index and re-matching, after the contact is committed (bounded batches; src/contacts/matching.ts).
	const index = contactIndex(context);
	action(`${source.collection}.items.create`, ({ key }: ItemMeta) => index.changed(key == null ? [] : [key]));
	action(`${source.collection}.items.update`, ({ keys }: ItemMeta) => index.changed(keys ?? []));

	// Activities created through REST or Studio get the same defaults and matching as ingested ones.
	filter<Payload>('activities.items.create', async (payload, _meta, { database }) => {
		payload.status ??= QUEUE_STATES.queued;
		payload.available_at ??= new Date().toISOString();
		if (payload.contact == null && payload.direction !== undefined) {
			// Read-your-writes, as on the webhook path (not inside a caller's transaction: the index has its own).
			if (!(database as { isTransaction?: boolean }).isTransaction) await index.idleIndex();

			const match = await matchActivity(
				database,
				{
					direction: payload.direction ?? ACTIVITY_DEFAULTS.direction,
					sender: payload.sender ?? null,
					recipient: payload.recipient ?? null,
				},
				region,
			);

			Object.assign(payload, match);
		} else if (payload.contact != null) payload.match_status ??= 'matched';
		return payload;
	});

	// Notes by agents carry no author and are marked as such; people's notes are theirs.
	filter<Payload>('contact_notes.items.create', async (payload, _meta, { accountability: who, database }) => {
		if (who?.user && (await isAgentUser(database, who))) Object.assign(payload, { author: null, source: 'agent' });
		else if (who?.user) Object.assign(payload, { author: payload.author ?? who.user, source: 'person' });
		return payload;
	});

	registerNoteOwnership(filter);

	// Mailbox channels: once Directus serves (not in CLI commands), this process takes the ones nobody syncs.
	init('app.after', () => mailboxes(context).start());

	// Outbound messages (replies): this instance's background sender, once the server runs.
	init('app.after', () => outboundSender(ctx).start());

	// Expired leases: once per tick across the cluster (SYNCHRONIZATION_STORE=redis makes it cluster-wide).
	schedule(config.reaperCron, async () => {
		if (!isInstalled()) return;
		ctx.logger.debug(`Activity Hub: reaper tick ${Math.floor(Date.now() / 1000)}`);
		const reaped = await activityQueue({ database: ctx.database, schema, accountability: null }).reap();
		if (reaped.length === 0) return;
		ctx.logger.info(`Activity Hub: returned ${reaped.length} expired lease(s)`);
	});

	// The once-per-cluster sweep: every orphan the identity index resolves is linked, whatever was missed on the way.
	schedule(config.sweepCron, async () => {
		if (!isInstalled()) return;
		ctx.logger.debug(`Activity Hub: sweep tick ${Math.floor(Date.now() / 1000)}`);
		const linked = await index.sweep();
		if (linked.length) ctx.logger.info(`Activity Hub: the sweep re-matched ${linked.length} activit(y/ies)`);
		const cleared = await applyRetention(ctx.database);
		if (cleared) ctx.logger.info(`Activity Hub: cleared the payload of ${cleared} activit(y/ies) past retention`);
	});

	// The refusal log to its per-channel cap and age: once per tick across the cluster, as the reaper.
	schedule(REFUSAL_LOG_PRUNE_CRON, async () => {
		if (!isInstalled()) return;
		const removed = await pruneRefusals(ctx.database);
		if (removed) ctx.logger.debug(`Activity Hub: pruned ${removed} refusal-log entries`);
	});
});
