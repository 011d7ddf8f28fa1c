// The bundle's configuration: every ACTIVITY_HUB_* variable, and the Directus variables the bundle reads, parsed
// once from Directus's env into a typed object with its defaults. Directus has already cast the values it read
// (`6000` is a number, `false` a boolean, `a,b` and JSON lists arrays); strings are accepted too. A value that
// cannot be used falls back to its default and is listed in `problems`, which the setup hook logs at start. The
// README's configuration table lists exactly these variables with these defaults (docs.test.ts checks it).

/** Every ACTIVITY_HUB_* variable and its default (undefined: unset, the feature is off or derived). */
export const CONFIG_DEFAULTS = {
	ACTIVITY_HUB_AUTO_INSTALL: true,
	ACTIVITY_HUB_DEFAULT_REGION: undefined,
	ACTIVITY_HUB_CONTACTS_COLLECTION: 'contacts',
	ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: ['emails'],
	ACTIVITY_HUB_CONTACT_PHONE_FIELDS: ['phones'],
	ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE: 6000,
	ACTIVITY_HUB_REAPER_CRON: '*/10 * * * * *',
	ACTIVITY_HUB_SWEEP_CRON: '0 * * * * *',
	ACTIVITY_HUB_MATCHING: true,
	ACTIVITY_HUB_LLM_URL: undefined,
	ACTIVITY_HUB_LLM_MODEL: 'gpt-4o-mini',
	ACTIVITY_HUB_LLM_API_KEY: undefined,
	ACTIVITY_HUB_LLM_TIMEOUT_MS: 60_000,
	ACTIVITY_HUB_TRANSCRIBE_URL: undefined,
	ACTIVITY_HUB_TRANSCRIBE_MODEL: 'whisper-1',
	ACTIVITY_HUB_TRANSCRIBE_API_KEY: undefined,
	ACTIVITY_HUB_TRANSCRIBE_TIMEOUT_MS: 300_000,
	ACTIVITY_HUB_SEARCH_LANGUAGE: 'simple',
	ACTIVITY_HUB_TWILIO_API_URL: 'https://api.twilio.com',
	ACTIVITY_HUB_WHATSAPP_API_URL: 'https://graph.facebook.com',
	ACTIVITY_HUB_SEND_TIMEOUT_MS: 15_000,
	ACTIVITY_HUB_MEDIA_GATEWAY_URL: undefined,
} as const;

export type ConfigVariable = keyof typeof CONFIG_DEFAULTS;

/** Directus's own variables the bundle reads (their defaults are Directus's). */
export const DIRECTUS_VARIABLES = ['PUBLIC_URL', 'SECRET', 'REDIS', 'STORAGE_LOCATIONS', 'METRICS_ENABLED'] as const;

/** The contact settings that decide the install (ACTIVITY_HUB_CONTACTS_COLLECTION and its fields). */
export const CONTACT_SETTINGS = [
	'ACTIVITY_HUB_CONTACTS_COLLECTION',
	'ACTIVITY_HUB_CONTACT_EMAIL_FIELDS',
	'ACTIVITY_HUB_CONTACT_PHONE_FIELDS',
] as const satisfies readonly ConfigVariable[];

export interface HubConfig {
	/** Install or upgrade at start (otherwise `directus activity-hub install` does it). */
	autoInstall: boolean;
	/** Phone region for numbers without a country code. */
	defaultRegion: string | undefined;
	contacts: {
		collection: string;
		/** The fields named in the variables; null when unset (the bundle's own contacts use the defaults). */
		emailFields: string[] | null;
		phoneFields: string[] | null;
		/** The three settings as written, one `NAME=value` a line: part of the install's fingerprint. */
		settings: string;
	};
	rateLimitPerMinute: number;
	reaperCron: string;
	/** The once-per-cluster maintenance sweep: orphans the identity index resolves, payload retention. */
	sweepCron: string;
	matching: boolean;
	llm: {
		/** Without a trailing slash; empty when unset. */
		url: string;
		model: string;
		apiKey: string | null;
		timeoutMs: number;
	};
	/** An OpenAI-compatible speech-to-text API (POST {url}/audio/transcriptions), for the Transcribe recording step. */
	transcribe: {
		/** Without a trailing slash; empty when unset. */
		url: string;
		model: string;
		apiKey: string | null;
		timeoutMs: number;
	};
	/** Outbound messages: the providers' API base URLs (without a trailing slash) and how long a send may take. */
	outbound: {
		twilioApiUrl: string;
		whatsappApiUrl: string;
		timeoutMs: number;
	};
	/**
	 * Where provider media are fetched through when Directus reaches the internet only by an egress gateway:
	 * `{gateway}/{host}{path}?{query}` (null: straight from the provider). The provider's URL is still checked
	 * against its media hosts; the gateway itself is trusted, as the operator chose it.
	 */
	mediaGatewayUrl: string | null;
	directus: {
		publicUrl: string | null;
		secret: string;
		redis: string | null;
		/** The first of STORAGE_LOCATIONS, where the bundle stores every file. */
		storageLocation: string;
		/** METRICS_ENABLED: Directus serves /metrics, and the bundle's metrics are registered into it. */
		metrics: boolean;
	};
	/** PostgreSQL's text search configuration for the search index (`simple`, `english`, `german`, …). */
	searchLanguage: string;
	/** Values that could not be used (their defaults apply instead), as messages for the log. */
	problems: string[];
}

const memo = new WeakMap<object, HubConfig>();

/** The configuration from Directus's env (memoised per env object: Directus hands every extension the same one). */
export function readConfig(env: Record<string, unknown>): HubConfig {
	let config = memo.get(env);

	if (!config) {
		config = parseConfig(env);
		memo.set(env, config);
	}

	return config;
}

const isBlank = (value: unknown) => value === undefined || value === null || value === '';

function parseConfig(env: Record<string, unknown>): HubConfig {
	const problems: string[] = [];
	const refuse = (name: string, expected: string) => problems.push(`${name}=${String(env[name])} is not ${expected}`);

	const flag = (name: 'ACTIVITY_HUB_AUTO_INSTALL' | 'ACTIVITY_HUB_MATCHING') => {
		const value = env[name];
		if (value === false || value === 'false') return false;
		if (!isBlank(value) && value !== true && value !== 'true') refuse(name, 'true or false; true applies');
		return CONFIG_DEFAULTS[name];
	};

	const count = (
		name:
			| 'ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE'
			| 'ACTIVITY_HUB_LLM_TIMEOUT_MS'
			| 'ACTIVITY_HUB_TRANSCRIBE_TIMEOUT_MS'
			| 'ACTIVITY_HUB_SEND_TIMEOUT_MS',
	) => {
		const value = env[name];
		if (isBlank(value)) return CONFIG_DEFAULTS[name];
		const number = Number(value);
		if (Number.isInteger(number) && number > 0) return number;
		refuse(name, `a positive integer; ${CONFIG_DEFAULTS[name]} applies`);
		return CONFIG_DEFAULTS[name];
	};

	const text = (name: ConfigVariable): string | undefined => {
		// Directus splits a text with commas into a list (a cron's `0,30 * * * * *`): join it back.
		const value = Array.isArray(env[name]) ? (env[name] as unknown[]).join(',') : env[name];
		if (isBlank(value)) return undefined;
		if (typeof value === 'string' || typeof value === 'number') return String(value).trim() || undefined;
		refuse(name, 'a text');
		return undefined;
	};

	/** A comma-separated text, or the list Directus made of it. */
	const list = (name: 'ACTIVITY_HUB_CONTACT_EMAIL_FIELDS' | 'ACTIVITY_HUB_CONTACT_PHONE_FIELDS') => {
		const value = env[name];
		if (isBlank(value)) return null;
		let items: string[] = [];
		if (Array.isArray(value)) items = value.map(String);
		else if (typeof value === 'string') items = value.split(',');
		else refuse(name, 'a comma-separated list of fields');
		const fields = items.map((item) => item.trim()).filter(Boolean);
		return fields.length ? fields : null;
	};

	const language = text('ACTIVITY_HUB_SEARCH_LANGUAGE');
	const searchLanguage = language && /^[a-z_][a-z0-9_]*$/i.test(language) ? language.toLowerCase() : undefined;
	if (language && !searchLanguage)
		refuse(
			'ACTIVITY_HUB_SEARCH_LANGUAGE',
			`a text search configuration name; ${CONFIG_DEFAULTS.ACTIVITY_HUB_SEARCH_LANGUAGE} applies`,
		);

	/** An http(s) base URL without its trailing slash; the default when it is not one. */
	const baseUrl = (name: 'ACTIVITY_HUB_TWILIO_API_URL' | 'ACTIVITY_HUB_WHATSAPP_API_URL') => {
		const value = text(name);
		if (value === undefined) return CONFIG_DEFAULTS[name];
		if (/^https?:\/\/[^/\s]+/.test(value)) return value.replace(/\/+$/, '');
		refuse(name, `an http(s) URL; ${CONFIG_DEFAULTS[name]} applies`);
		return CONFIG_DEFAULTS[name];
	};

	const gateway = text('ACTIVITY_HUB_MEDIA_GATEWAY_URL');
	const mediaGatewayUrl = gateway && /^https?:\/\/[^/\s]+/.test(gateway) ? gateway.replace(/\/+$/, '') : null;
	if (gateway && !mediaGatewayUrl)
		refuse('ACTIVITY_HUB_MEDIA_GATEWAY_URL', 'an http(s) URL; media are fetched from the providers directly');

	const region = env['ACTIVITY_HUB_DEFAULT_REGION'];
	if (!isBlank(region) && typeof region !== 'string') refuse('ACTIVITY_HUB_DEFAULT_REGION', 'a region code');
	const directusText = (name: (typeof DIRECTUS_VARIABLES)[number]) => (isBlank(env[name]) ? null : String(env[name]));
	const storage = env['STORAGE_LOCATIONS'];

	return {
		autoInstall: flag('ACTIVITY_HUB_AUTO_INSTALL'),
		defaultRegion: typeof region === 'string' && region ? region : CONFIG_DEFAULTS.ACTIVITY_HUB_DEFAULT_REGION,
		contacts: {
			collection: text('ACTIVITY_HUB_CONTACTS_COLLECTION') ?? CONFIG_DEFAULTS.ACTIVITY_HUB_CONTACTS_COLLECTION,
			emailFields: list('ACTIVITY_HUB_CONTACT_EMAIL_FIELDS'),
			phoneFields: list('ACTIVITY_HUB_CONTACT_PHONE_FIELDS'),
			settings: CONTACT_SETTINGS.map((name) => `${name}=${env[name] ?? ''}`).join('\n'),
		},
		rateLimitPerMinute: count('ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE'),
		reaperCron: text('ACTIVITY_HUB_REAPER_CRON') ?? CONFIG_DEFAULTS.ACTIVITY_HUB_REAPER_CRON,
		sweepCron: text('ACTIVITY_HUB_SWEEP_CRON') ?? CONFIG_DEFAULTS.ACTIVITY_HUB_SWEEP_CRON,
		matching: flag('ACTIVITY_HUB_MATCHING'),
		llm: {
			url: (text('ACTIVITY_HUB_LLM_URL') ?? '').replace(/\/$/, ''),
			model: text('ACTIVITY_HUB_LLM_MODEL') ?? CONFIG_DEFAULTS.ACTIVITY_HUB_LLM_MODEL,
			apiKey: text('ACTIVITY_HUB_LLM_API_KEY') ?? null,
			timeoutMs: count('ACTIVITY_HUB_LLM_TIMEOUT_MS'),
		},
		transcribe: {
			url: (text('ACTIVITY_HUB_TRANSCRIBE_URL') ?? '').replace(/\/$/, ''),
			model: text('ACTIVITY_HUB_TRANSCRIBE_MODEL') ?? CONFIG_DEFAULTS.ACTIVITY_HUB_TRANSCRIBE_MODEL,
			apiKey: text('ACTIVITY_HUB_TRANSCRIBE_API_KEY') ?? null,
			timeoutMs: count('ACTIVITY_HUB_TRANSCRIBE_TIMEOUT_MS'),
		},
		searchLanguage: searchLanguage ?? CONFIG_DEFAULTS.ACTIVITY_HUB_SEARCH_LANGUAGE,
		outbound: {
			twilioApiUrl: baseUrl('ACTIVITY_HUB_TWILIO_API_URL'),
			whatsappApiUrl: baseUrl('ACTIVITY_HUB_WHATSAPP_API_URL'),
			timeoutMs: count('ACTIVITY_HUB_SEND_TIMEOUT_MS'),
		},
		mediaGatewayUrl,
		directus: {
			publicUrl: directusText('PUBLIC_URL'),
			secret: directusText('SECRET') ?? '',
			redis: typeof env['REDIS'] === 'string' && env['REDIS'] ? env['REDIS'] : null,
			storageLocation: (Array.isArray(storage)
				? storage.map(String)
				: String(storage ?? 'local').split(','))[0]!.trim(),
			metrics: env['METRICS_ENABLED'] === true || env['METRICS_ENABLED'] === 'true',
		},
		problems,
	};
}
