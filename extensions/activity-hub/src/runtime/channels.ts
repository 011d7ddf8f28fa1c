// Channels and their protected secrets. Secrets live encrypted in the admin-only `ingestion_channel_secrets`
// collection; the plaintext never leaves this module except to verify a signature.
import type { Knex } from 'knex';
import type { ChannelSecrets, ChannelSettings } from '../shared/node/providers/index.js';
import {
	ACTIVITY_DEFAULTS,
	type ActivityType,
	type Direction,
	isActivityType,
	isDirection,
	isProvider,
	type Provider,
} from '../shared/activity.js';
import { deriveKey, open, seal } from '../shared/node/secret-box.js';
import { UUID } from '../shared/ids.js';
import { DEFAULT_CHANNEL_LIMITS } from '../shared/limits.js';
import { dbTime, parseJson, toIso } from './context.js';

export const SECRET_NAMES = [
	'auth_token',
	'signing_key',
	'app_secret',
	'verify_token',
	'access_token',
	'webhook_secret',
	'secret_token',
	'signing_secret',
	'password',
	'account_sid',
] as const;

export interface Channel {
	id: string;
	name: string;
	provider: Provider;
	enabled: boolean;
	defaultType: ActivityType;
	defaultDirection: Direction;
	owner: string | null;
	maxRequestBytes: number;
	maxFileBytes: number;
	maxFiles: number;
	allowedMimeTypes: string[];
	createUnknownContacts: boolean;
	keyHash: string | null;
	secrets: ChannelSecrets;
	/** The channel's `settings` (a mailbox's IMAP and SMTP servers, a sender's from number, …); `{}` when none. */
	settings: Record<string, unknown>;
}

/** What a provider adapter is told about the channel it parses for. */
export const channelSettings = (channel: Channel): ChannelSettings => ({
	provider: channel.provider,
	defaultType: channel.defaultType,
	defaultDirection: channel.defaultDirection,
	secrets: channel.secrets,
});

/** Whether a secret is set, and when the channel's secrets last changed: what the setup may know, never a value. */
export interface SecretStatus {
	name: (typeof SECRET_NAMES)[number];
	configured: boolean;
	updated_at: string | null;
}

export class ChannelStore {
	private cache = new Map<string, { channel: Channel | null; expires: number }>();
	private key: Buffer;
	constructor(
		private database: Knex,
		instanceSecret: string,
		private ttlMs = 2000,
	) {
		this.key = deriveKey(instanceSecret);
	}

	invalidate(id?: string) {
		if (id) this.cache.delete(id);
		else this.cache.clear();
	}

	async get(id: string): Promise<Channel | null> {
		if (!UUID.test(id)) return null;
		const cached = this.cache.get(id);
		if (cached && cached.expires > Date.now()) return cached.channel;
		const row = await this.database('ingestion_channels').where({ id }).first();
		const secretsRow = row ? await this.database('ingestion_channel_secrets').where({ id }).first() : null;
		const channel = row ? this.toChannel(row, secretsRow) : null;
		this.cache.set(id, { channel, expires: Date.now() + this.ttlMs });
		return channel;
	}

	private toChannel(row: Record<string, any>, secretsRow: Record<string, any> | null): Channel {
		let secrets: ChannelSecrets = {};
		if (secretsRow?.secrets) secrets = JSON.parse(open(this.key, secretsRow.secrets));
		let allowed: unknown = row.allowed_mime_types;
		const settings = parseJson(row.settings);

		if (typeof allowed === 'string') {
			try {
				allowed = JSON.parse(allowed);
			} catch {
				allowed = [];
			}
		}

		return {
			id: row.id,
			name: row.name,
			provider: isProvider(row.provider) ? row.provider : 'generic',
			enabled: Boolean(row.enabled),
			defaultType: isActivityType(row.default_type) ? row.default_type : ACTIVITY_DEFAULTS.type,
			defaultDirection: isDirection(row.default_direction) ? row.default_direction : ACTIVITY_DEFAULTS.direction,
			owner: row.owner ?? null,
			maxRequestBytes: Number(row.max_request_bytes) || DEFAULT_CHANNEL_LIMITS.maxRequestBytes,
			maxFileBytes: Number(row.max_file_bytes) || DEFAULT_CHANNEL_LIMITS.maxFileBytes,
			maxFiles: Number(row.max_files) || DEFAULT_CHANNEL_LIMITS.maxFiles,
			allowedMimeTypes: Array.isArray(allowed) ? (allowed as string[]) : [],
			createUnknownContacts: Boolean(row.create_unknown_contacts),
			keyHash: secretsRow?.key_hash ?? null,
			secrets,
			settings: settings && typeof settings === 'object' ? (settings as Record<string, unknown>) : {},
		};
	}

	/** Merge new secret values (null or '' clears one) into the encrypted store, inside the caller's transaction. */
	async writeSecrets(trx: Knex, id: string, changes: Record<string, unknown>) {
		const existing = await trx('ingestion_channel_secrets').where({ id }).first();
		const current: Record<string, string> = existing?.secrets ? JSON.parse(open(this.key, existing.secrets)) : {};

		for (const name of SECRET_NAMES) {
			if (!(name in changes)) continue;
			const value = changes[name];
			if (value === null || value === '') delete current[name];
			else current[name] = String(value);
		}

		const sealed = seal(this.key, JSON.stringify(current));
		const date_updated = dbTime(trx, new Date());
		if (existing) await trx('ingestion_channel_secrets').where({ id }).update({ secrets: sealed, date_updated });
		else await trx('ingestion_channel_secrets').insert({ id, secrets: sealed, date_updated });
		this.invalidate(id);
	}

	/** Which secrets are set (names and booleans only: the values stay sealed in this module). */
	async secretStatus(id: string): Promise<SecretStatus[]> {
		const row = await this.database('ingestion_channel_secrets').where({ id }).first('secrets', 'date_updated');
		const current: Record<string, unknown> = row?.secrets ? JSON.parse(open(this.key, row.secrets)) : {};
		const updatedAt = toIso(row?.date_updated);

		return SECRET_NAMES.map((name) => {
			const configured = typeof current[name] === 'string' && current[name] !== '';
			return { name, configured, updated_at: configured ? updatedAt : null };
		});
	}

	async writeKeyHash(trx: Knex, id: string, keyHash: string) {
		const existing = await trx('ingestion_channel_secrets').where({ id }).first();
		if (existing) await trx('ingestion_channel_secrets').where({ id }).update({ key_hash: keyHash });
		else await trx('ingestion_channel_secrets').insert({ id, key_hash: keyHash, secrets: seal(this.key, '{}') });
		this.invalidate(id);
	}
}
