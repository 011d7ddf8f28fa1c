// The collections Activity Hub owns, as Directus REST payloads. `npm run snapshot` (through tsx) creates them on a
// scratch Directus and writes snapshots/activity-hub.json from it; the installer applies that snapshot. Choices and
// defaults come from the bundle's own vocabulary and limits, so the schema and the code cannot drift apart.
import {
	ACTIVITY_DEFAULTS,
	ACTIVITY_TYPES,
	DELIVERY_STATUSES,
	DIRECTIONS,
	MATCH_STATUSES,
	PROVIDERS,
	STATUSES,
} from '../extensions/activity-hub/src/shared/activity.js';
import {
	DEFAULT_CHANNEL_LIMITS,
	DEFAULT_MAX_ATTEMPTS,
	DEFAULT_STALE_MINUTES,
} from '../extensions/activity-hub/src/shared/limits.js';

export { ACTIVITY_TYPES };

type Meta = Record<string, unknown>;
type Schema = Record<string, unknown>;

export interface FieldPayload {
	field: string;
	type: string;
	meta: Meta;
	schema: Schema;
}

export interface CollectionPayload {
	collection: string;
	meta: Meta;
	schema: Schema;
	fields: FieldPayload[];
}

export interface RelationPayload {
	collection: string;
	field: string;
	related_collection: string;
	schema: { on_delete: string };
	meta: Meta;
}

const MB = 1024 * 1024;

const choices = (values: readonly string[]) => ({ choices: values.map((value) => ({ text: value, value })) });

/** Choices whose labels are custom translations (`$t:activity_hub_type_email`, rows added by install step z0009). */
const labelled = (kind: string, values: readonly string[]) => ({
	choices: values.map((value) => ({ text: `$t:activity_hub_${kind}_${value}`, value })),
});

/** A select whose list and form show the translated labels. */
const labelledSelect = (name: string, kind: string, values: readonly string[], meta: Meta = {}, schema: Schema = {}) =>
	select(name, values, { options: labelled(kind, values), display_options: labelled(kind, values), ...meta }, schema);

const translated = (en: string, de: string) => [
	{ language: 'en-US', translation: en },
	{ language: 'de-DE', translation: de },
];

/** A collapsible group of fields in the item form (an alias field; members name it as their `group`). */
const group = (name: string, meta: Meta) =>
	field(name, 'alias', {
		interface: 'group-detail',
		special: ['alias', 'no-data', 'group'],
		width: 'full',
		readonly: false,
		hidden: false,
		required: false,
		...meta,
	});

const NAMES = { template: '{{first_name}} {{last_name}}' };
const CONTACT_DETAILS = 'contact_details';
const ADVANCED = 'advanced';

const field = (name: string, type: string, meta: Meta = {}, schema: Schema = {}): FieldPayload => ({
	field: name,
	type,
	meta: { width: 'half', ...meta },
	schema,
});

const string = (name: string, meta: Meta = {}, schema: Schema = {}) =>
	field(name, 'string', { interface: 'input', ...meta }, { max_length: 255, ...schema });

const select = (name: string, values: readonly string[], meta: Meta = {}, schema: Schema = {}) =>
	string(name, { interface: 'select-dropdown', display: 'labels', options: choices(values), ...meta }, schema);

const text = (name: string, meta: Meta = {}) =>
	field(name, 'text', { interface: 'input-multiline', width: 'full', ...meta });

const json = (name: string, meta: Meta = {}) =>
	field(name, 'json', {
		interface: 'input-code',
		options: { language: 'json' },
		special: ['cast-json'],
		width: 'full',
		...meta,
	});

const timestamp = (name: string, meta: Meta = {}) =>
	field(name, 'timestamp', { interface: 'datetime', display: 'datetime', ...meta });

const integer = (name: string, meta: Meta = {}, schema: Schema = {}) =>
	field(name, 'integer', { interface: 'input', ...meta }, schema);

const boolean = (name: string, defaultValue: boolean, meta: Meta = {}) =>
	field(
		name,
		'boolean',
		{ interface: 'boolean', special: ['cast-boolean'], ...meta },
		{ default_value: defaultValue, is_nullable: false },
	);

const m2o = (name: string, type: string, meta: Meta = {}) =>
	field(name, type, { interface: 'select-dropdown-m2o', display: 'related-values', special: ['m2o'], ...meta });

const user = (name: string, meta: Meta = {}) =>
	m2o(name, 'uuid', {
		interface: 'select-dropdown-m2o',
		display: 'user',
		options: { template: '{{first_name}} {{last_name}}' },
		...meta,
	});

const created = (meta: Meta = {}) =>
	timestamp('date_created', { special: ['date-created'], readonly: true, hidden: false, ...meta });

const updated = (meta: Meta = {}) =>
	timestamp('date_updated', { special: ['date-updated'], readonly: true, hidden: true, ...meta });

const uuidKey = () =>
	field(
		'id',
		'uuid',
		{ hidden: true, readonly: true, special: ['uuid'] },
		{ is_primary_key: true, length: 36, has_auto_increment: false },
	);

const intKey = () =>
	field(
		'id',
		'integer',
		{ hidden: true, readonly: true, interface: 'input' },
		{ is_primary_key: true, has_auto_increment: true },
	);

/** A channel's byte limit in the Advanced group, shown as a file size and set in MB in the setup. */
const byteLimit = (name: string, sort: number, bytes: number) =>
	field(
		name,
		'bigInteger',
		{
			sort,
			group: ADVANCED,
			interface: 'input',
			display: 'filesize',
			note: `In bytes (${bytes / MB} MB = ${bytes}); set it in MB in the setup above`,
		},
		{ default_value: bytes },
	);

export const collections: CollectionPayload[] = [
	{
		collection: 'contacts',
		meta: {
			icon: 'contacts',
			note: 'People you talk to (Activity Hub)',
			display_template: '{{first_name}} {{last_name}}',
			sort: 1,
		},
		schema: {},
		// The contact page opens on the timeline, across the page, right under the contact's name and its other fields
		// in a collapsed group.
		fields: [
			intKey(),
			string('first_name', { sort: 2 }),
			string('last_name', { sort: 3 }),
			group(CONTACT_DETAILS, {
				sort: 4,
				options: { start: 'closed', headerIcon: 'badge' },
				translations: translated('Contact details', 'Kontaktdaten'),
			}),
			string('company', { sort: 4, group: CONTACT_DETAILS }),
			json('emails', {
				sort: 5,
				group: CONTACT_DETAILS,
				display: 'formatted-json-value',
				display_options: { format: '{{email}}' },
				interface: 'list',
				options: {
					template: '{{email}} ({{type}})',
					fields: [
						{ field: 'email', name: 'email', type: 'string', meta: { interface: 'input', width: 'half' } },
						{
							field: 'type',
							name: 'type',
							type: 'string',
							meta: { interface: 'select-dropdown', width: 'half', options: choices(['work', 'home', 'other']) },
						},
					],
				},
				note: 'List of {"email", "type"} (Atomic CRM shape)',
			}),
			json('phones', {
				sort: 6,
				group: CONTACT_DETAILS,
				display: 'formatted-json-value',
				display_options: { format: '{{number}}' },
				interface: 'list',
				options: {
					template: '{{number}} ({{type}})',
					fields: [
						{ field: 'number', name: 'number', type: 'string', meta: { interface: 'input', width: 'half' } },
						{
							field: 'type',
							name: 'type',
							type: 'string',
							meta: {
								interface: 'select-dropdown',
								width: 'half',
								options: choices(['work', 'home', 'mobile', 'other']),
							},
						},
					],
				},
				note: 'List of {"number", "type"}; numbers without a country code use ACTIVITY_HUB_DEFAULT_REGION',
			}),
			user('owner', { sort: 7, group: CONTACT_DETAILS }),
			field('timeline', 'alias', {
				sort: 8,
				interface: 'activity-hub-timeline',
				special: ['alias', 'no-data'],
				width: 'fill',
			}),
			created({ sort: 9 }),
			updated({ sort: 10 }),
		],
	},
	{
		collection: 'ingestion_channels',
		meta: {
			icon: 'input',
			note: 'Where activities come in: one webhook endpoint per channel',
			display_template: '{{name}} ({{provider}})',
			sort: 2,
		},
		schema: {},
		fields: [
			uuidKey(),
			// The setup first, then what a person decides; the raw fields in a collapsed "Advanced" group.
			field('secrets', 'alias', {
				sort: 2,
				interface: 'activity-hub-channel-setup',
				special: ['alias', 'no-data'],
				width: 'full',
				note: 'Write-only: provider secrets are moved to an admin-only encrypted store',
				translations: translated('Setup', 'Einrichtung'),
			}),
			string('name', { sort: 3, required: true }, { is_nullable: false }),
			select(
				'provider',
				PROVIDERS,
				{ sort: 4, required: true },
				{ is_nullable: false, default_value: ACTIVITY_DEFAULTS.provider },
			),
			boolean('enabled', true, { sort: 5 }),
			select(
				'default_type',
				ACTIVITY_TYPES,
				{ sort: 6 },
				{ default_value: ACTIVITY_DEFAULTS.type, is_nullable: false },
			),
			select(
				'default_direction',
				DIRECTIONS,
				{ sort: 7 },
				{ default_value: ACTIVITY_DEFAULTS.direction, is_nullable: false },
			),
			user('owner', { sort: 8, note: 'Activities from this channel belong to this user (empty = global)' }),
			json('allowed_mime_types', {
				sort: 9,
				interface: 'tags',
				special: ['cast-json'],
				width: 'half',
				note: 'Empty = any type; e.g. image/*, application/pdf',
			}),
			boolean('create_unknown_contacts', false, {
				sort: 10,
				note: 'Create a contact for an unknown sender (off by default)',
			}),
			integer('payload_retention_days', {
				sort: 11,
				note: 'Days to keep the raw provider payload of completed and failed activities (empty = keep); the activity, its content, processed data and notes stay',
				translations: translated('Payload retention (days)', 'Aufbewahrung der Rohdaten (Tage)'),
			}),
			created({ sort: 11 }),
			group(ADVANCED, {
				sort: 12,
				options: { start: 'closed', headerIcon: 'tune' },
				note: 'Key prefix, limits in bytes and raw counters; the setup above covers them',
				translations: translated('Advanced', 'Erweitert'),
			}),
			updated({ sort: 13 }),
			string('key_prefix', {
				sort: 1,
				group: ADVANCED,
				readonly: true,
				note: 'Start of the current ingestion key; the key itself is stored only hashed',
			}),
			byteLimit('max_request_bytes', 2, DEFAULT_CHANNEL_LIMITS.maxRequestBytes),
			byteLimit('max_file_bytes', 3, DEFAULT_CHANNEL_LIMITS.maxFileBytes),
			integer(
				'max_files',
				{ sort: 4, group: ADVANCED, note: `Default ${DEFAULT_CHANNEL_LIMITS.maxFiles}` },
				{ default_value: DEFAULT_CHANNEL_LIMITS.maxFiles },
			),
			// Hidden: the setup shows the counters, from the same columns.
			timestamp('last_received_at', { sort: 5, group: ADVANCED, readonly: true, hidden: true }),
			integer('received_count', { sort: 6, group: ADVANCED, readonly: true, hidden: true }, { default_value: 0 }),
			integer('duplicate_count', { sort: 7, group: ADVANCED, readonly: true, hidden: true }, { default_value: 0 }),
			integer('rejected_count', { sort: 8, group: ADVANCED, readonly: true, hidden: true }, { default_value: 0 }),
			// Mailbox channels (IMAP): what the setup edits, and the sync's state (written by the sync only).
			json('settings', {
				sort: 9,
				group: ADVANCED,
				note: 'Mailbox channels: {"host", "port", "secure", "username", "folders": {"inbox", "sent"}, "since", "poll_seconds"}; the password is a write-only secret',
			}),
			timestamp('last_synced_at', { sort: 10, group: ADVANCED, readonly: true, hidden: true }),
			text('sync_error', { sort: 11, group: ADVANCED, readonly: true, hidden: true }),
			json('sync_state', {
				sort: 12,
				group: ADVANCED,
				readonly: true,
				hidden: true,
				note: 'Per folder: UIDVALIDITY, last UID, HIGHESTMODSEQ',
			}),
		],
	},
	{
		collection: 'ingestion_channel_secrets',
		meta: { icon: 'lock', hidden: true, note: 'Admin-only: hashed ingestion keys and encrypted provider secrets' },
		schema: {},
		fields: [
			field(
				'id',
				'uuid',
				{ readonly: true, interface: 'input', note: 'The channel id' },
				{ is_primary_key: true, length: 36, has_auto_increment: false },
			),
			string('key_hash', { readonly: true }),
			text('secrets', { readonly: true, note: 'AES-256-GCM ciphertext' }),
			updated(),
		],
	},
	{
		collection: 'activities',
		meta: {
			icon: 'bolt',
			note: 'Every interaction, from ingestion to processing',
			display_template: '{{type}} · {{subject}}',
			sort: 3,
			sort_field: null,
		},
		schema: {},
		fields: [
			uuidKey(),
			labelledSelect(
				'type',
				'type',
				ACTIVITY_TYPES,
				{ required: true },
				{ is_nullable: false, default_value: ACTIVITY_DEFAULTS.type },
			),
			labelledSelect(
				'direction',
				'direction',
				DIRECTIONS,
				{},
				{ is_nullable: false, default_value: ACTIVITY_DEFAULTS.direction },
			),
			labelledSelect('status', 'status', STATUSES, {}, { is_nullable: false, default_value: ACTIVITY_DEFAULTS.status }),
			m2o('channel', 'uuid', { options: { template: '{{name}}' }, display_options: { template: '{{name}}' } }),
			m2o('contact', 'integer', { options: NAMES, display_options: NAMES }),
			user('owner', { note: 'Empty = global' }),
			string('external_id', { readonly: true, note: 'Provider event id; unique per channel' }),
			string('message_id', {
				readonly: true,
				note: 'E-mail: the normalised RFC 5322 Message-ID; one activity per message across channels',
			}),
			string('thread_key', {
				readonly: true,
				note: 'The conversation: an e-mail thread (References, In-Reply-To), an SMS/WhatsApp counterparty',
			}),
			string('subject', { width: 'full' }, { max_length: 1000 }),
			text('content'),
			string('sender', {}, { max_length: 320 }),
			text('recipient', { interface: 'input', width: 'half' }),
			timestamp('occurred_at'),
			json('payload', { note: 'Normalised provider data' }),
			json('metadata'),
			json('processed_data', { note: 'Agent output: summary, facts, transcript…' }),
			field('attachments', 'alias', { interface: 'files', special: ['files'], width: 'full' }),
			integer('attempts', { readonly: true }, { default_value: 0, is_nullable: false }),
			integer('max_attempts', {}, { default_value: DEFAULT_MAX_ATTEMPTS, is_nullable: false }),
			timestamp('available_at'),
			string('lease_owner', { readonly: true }),
			string('lease_token', { readonly: true, hidden: true }),
			timestamp('lease_expires_at', { readonly: true }),
			text('last_error', { readonly: true }),
			labelledSelect('match_status', 'match', MATCH_STATUSES, {}, { default_value: ACTIVITY_DEFAULTS.matchStatus }),
			json('match_candidates', { readonly: true }),
			created(),
			updated(),
			timestamp('completed_at', { readonly: true }),
			text('transcript_text', {
				hidden: true,
				readonly: true,
				note: 'The transcript in processed_data as plain text, kept by the bundle for search',
			}),
			select('delivery_status', DELIVERY_STATUSES, {
				readonly: true,
				note: 'Outbound messages: queued, sending, sent, delivered, read, failed or unknown',
			}),
			text('delivery_error', { readonly: true, interface: 'input', width: 'half' }),
			string('idempotency_key', { readonly: true, hidden: true, note: 'Hash of the sender and Idempotency-Key' }),
		],
	},
	{
		collection: 'activity_files',
		meta: { icon: 'attach_file', hidden: true },
		schema: {},
		fields: [
			intKey(),
			field('activities_id', 'uuid', { hidden: true }),
			field('directus_files_id', 'uuid', { hidden: true }),
		],
	},
	{
		collection: 'contact_notes',
		meta: {
			icon: 'sticky_note_2',
			note: 'The permanent record: what happened',
			display_template: '{{content}}',
			sort: 4,
		},
		schema: {},
		fields: [
			intKey(),
			m2o('contact', 'integer', { required: true, options: NAMES, display_options: NAMES }),
			text('content', { interface: 'input-rich-text-md', required: true }),
			user('author', { note: 'Empty for notes written by agents' }),
			labelledSelect('source', 'source', ['person', 'agent'], { readonly: true }, { default_value: 'person' }),
			m2o('activity', 'uuid', {
				options: { template: '{{type}} · {{subject}}' },
				display_options: { template: '{{type}} · {{subject}}' },
				note: 'The activity this note records (one note per activity)',
			}),
			created(),
		],
	},
	{
		collection: 'contact_identities',
		meta: {
			icon: 'fingerprint',
			hidden: true,
			note: 'Index of normalised emails and phones → contact (maintained by Activity Hub)',
		},
		schema: {},
		fields: [
			intKey(),
			select('kind', ['email', 'phone']),
			string('value', {}, { max_length: 320 }),
			m2o('contact', 'integer'),
		],
	},
	{
		collection: 'agent_preferences',
		meta: { icon: 'tune', note: 'Per-user work-stealing policy for the activity queue' },
		schema: {},
		fields: [
			intKey(),
			user('user', { required: true }),
			integer(
				'stale_threshold_minutes',
				{ note: 'Other agents may take your queued work after this many minutes' },
				{ default_value: DEFAULT_STALE_MINUTES },
			),
			boolean('allow_remote_processing', true, { note: 'Let other owners\u2019 agents process your activities' }),
		],
	},
];

const rel = (
	collection: string,
	field: string,
	related: string,
	onDelete: string,
	extra: Meta = {},
): RelationPayload => ({
	collection,
	field,
	related_collection: related,
	schema: { on_delete: onDelete },
	meta: { sort_field: null, ...extra },
});

export const relations: RelationPayload[] = [
	rel('contacts', 'owner', 'directus_users', 'SET NULL'),
	rel('ingestion_channels', 'owner', 'directus_users', 'SET NULL'),
	rel('activities', 'channel', 'ingestion_channels', 'SET NULL'),
	rel('activities', 'contact', 'contacts', 'SET NULL'),
	rel('activities', 'owner', 'directus_users', 'SET NULL'),
	rel('activity_files', 'activities_id', 'activities', 'CASCADE', {
		one_field: 'attachments',
		junction_field: 'directus_files_id',
		one_deselect_action: 'delete',
	}),
	rel('activity_files', 'directus_files_id', 'directus_files', 'CASCADE', { junction_field: 'activities_id' }),
	rel('contact_notes', 'contact', 'contacts', 'CASCADE'),
	rel('contact_notes', 'author', 'directus_users', 'SET NULL'),
	rel('contact_notes', 'activity', 'activities', 'SET NULL'),
	rel('contact_identities', 'contact', 'contacts', 'CASCADE'),
	rel('agent_preferences', 'user', 'directus_users', 'CASCADE'),
];
