import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, readConfig } from './config.js';

describe('readConfig', () => {
	it('defaults every variable', () => {
		expect(readConfig({})).toEqual({
			autoInstall: true,
			defaultRegion: undefined,
			contacts: {
				collection: 'contacts',
				emailFields: null,
				phoneFields: null,
				settings:
					'ACTIVITY_HUB_CONTACTS_COLLECTION=\nACTIVITY_HUB_CONTACT_EMAIL_FIELDS=\nACTIVITY_HUB_CONTACT_PHONE_FIELDS=',
			},
			rateLimitPerMinute: 6000,
			reaperCron: '*/10 * * * * *',
			sweepCron: '0 * * * * *',
			matching: true,
			llm: { url: '', model: 'gpt-4o-mini', apiKey: null, timeoutMs: 60_000 },
			transcribe: { url: '', model: 'whisper-1', apiKey: null, timeoutMs: 300_000 },
			searchLanguage: 'simple',
			outbound: {
				twilioApiUrl: 'https://api.twilio.com',
				whatsappApiUrl: 'https://graph.facebook.com',
				timeoutMs: 15_000,
			},
			mediaGatewayUrl: null,
			directus: { publicUrl: null, secret: '', redis: null, storageLocation: 'local', metrics: false },
			problems: [],
		});
	});

	// What Directus's env hands over: its own casts (numbers, booleans, lists from commas or JSON) or plain text.
	it.each([
		['auto-install off', { ACTIVITY_HUB_AUTO_INSTALL: false }, (c) => c.autoInstall, false],
		['auto-install off as text', { ACTIVITY_HUB_AUTO_INSTALL: 'false' }, (c) => c.autoInstall, false],
		['auto-install on', { ACTIVITY_HUB_AUTO_INSTALL: 'true' }, (c) => c.autoInstall, true],
		['matching off', { ACTIVITY_HUB_MATCHING: false }, (c) => c.matching, false],
		['a region', { ACTIVITY_HUB_DEFAULT_REGION: 'DE' }, (c) => c.defaultRegion, 'DE'],
		['a contacts collection', { ACTIVITY_HUB_CONTACTS_COLLECTION: ' people ' }, (c) => c.contacts.collection, 'people'],
		[
			'fields as text',
			{ ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: 'email, email2' },
			(c) => c.contacts.emailFields,
			['email', 'email2'],
		],
		[
			'fields as Directus’s list',
			{ ACTIVITY_HUB_CONTACT_PHONE_FIELDS: ['mobile', 'office'] },
			(c) => c.contacts.phoneFields,
			['mobile', 'office'],
		],
		['blank fields', { ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: ' , ' }, (c) => c.contacts.emailFields, null],
		['a rate limit as number', { ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE: 120 }, (c) => c.rateLimitPerMinute, 120],
		['a rate limit as text', { ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE: '120' }, (c) => c.rateLimitPerMinute, 120],
		['a cron', { ACTIVITY_HUB_REAPER_CRON: '*/2 * * * * *' }, (c) => c.reaperCron, '*/2 * * * * *'],
		['a sweep cron', { ACTIVITY_HUB_SWEEP_CRON: '*/5 * * * * *' }, (c) => c.sweepCron, '*/5 * * * * *'],
		[
			'a cron Directus split at its comma',
			{ ACTIVITY_HUB_REAPER_CRON: [0, '30 * * * * *'] },
			(c) => c.reaperCron,
			'0,30 * * * * *',
		],
		['an LLM URL', { ACTIVITY_HUB_LLM_URL: 'http://127.0.0.1:9/v1/' }, (c) => c.llm.url, 'http://127.0.0.1:9/v1'],
		['an LLM model', { ACTIVITY_HUB_LLM_MODEL: 'local' }, (c) => c.llm.model, 'local'],
		['an LLM key', { ACTIVITY_HUB_LLM_API_KEY: 'sk-1' }, (c) => c.llm.apiKey, 'sk-1'],
		['an LLM timeout', { ACTIVITY_HUB_LLM_TIMEOUT_MS: 500 }, (c) => c.llm.timeoutMs, 500],
		[
			'a transcription URL',
			{ ACTIVITY_HUB_TRANSCRIBE_URL: 'http://127.0.0.1:9/v1/' },
			(c) => c.transcribe.url,
			'http://127.0.0.1:9/v1',
		],
		['a transcription model', { ACTIVITY_HUB_TRANSCRIBE_MODEL: 'large-v3' }, (c) => c.transcribe.model, 'large-v3'],
		['a transcription key', { ACTIVITY_HUB_TRANSCRIBE_API_KEY: 'sk-2' }, (c) => c.transcribe.apiKey, 'sk-2'],
		['no transcription URL', {}, (c) => c.transcribe.url, ''],
		['a search language', { ACTIVITY_HUB_SEARCH_LANGUAGE: 'German' }, (c) => c.searchLanguage, 'german'],
		[
			'a Twilio API URL',
			{ ACTIVITY_HUB_TWILIO_API_URL: 'http://127.0.0.1:9/' },
			(c) => c.outbound.twilioApiUrl,
			'http://127.0.0.1:9',
		],
		[
			'a WhatsApp API URL',
			{ ACTIVITY_HUB_WHATSAPP_API_URL: 'http://127.0.0.1:8' },
			(c) => c.outbound.whatsappApiUrl,
			'http://127.0.0.1:8',
		],
		['a send timeout', { ACTIVITY_HUB_SEND_TIMEOUT_MS: 2000 }, (c) => c.outbound.timeoutMs, 2000],
		[
			'a media gateway',
			{ ACTIVITY_HUB_MEDIA_GATEWAY_URL: 'http://egress.internal:3128/media/' },
			(c) => c.mediaGatewayUrl,
			'http://egress.internal:3128/media',
		],
		['a public URL', { PUBLIC_URL: 'https://crm.example' }, (c) => c.directus.publicUrl, 'https://crm.example'],
		['Redis', { REDIS: 'redis://127.0.0.1:6379' }, (c) => c.directus.redis, 'redis://127.0.0.1:6379'],
		['storage locations as text', { STORAGE_LOCATIONS: 's3, local' }, (c) => c.directus.storageLocation, 's3'],
		['storage locations as list', { STORAGE_LOCATIONS: ['s3', 'local'] }, (c) => c.directus.storageLocation, 's3'],
		['metrics on (as Directus casts it)', { METRICS_ENABLED: true }, (c) => c.directus.metrics, true],
		['metrics on (as text)', { METRICS_ENABLED: 'true' }, (c) => c.directus.metrics, true],
	] satisfies Array<[string, Record<string, unknown>, (c: ReturnType<typeof readConfig>) => unknown, unknown]>)(
		'reads %s',
		(_, env, pick, expected) => {
			const config = readConfig(env);
			expect(pick(config)).toEqual(expected);
			expect(config.problems).toEqual([]);
		},
	);

	it.each([
		['ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE', 'lots', (c) => c.rateLimitPerMinute, 6000],
		['ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE', 0, (c) => c.rateLimitPerMinute, 6000],
		['ACTIVITY_HUB_LLM_TIMEOUT_MS', -1, (c) => c.llm.timeoutMs, 60_000],
		['ACTIVITY_HUB_LLM_TIMEOUT_MS', 2.5, (c) => c.llm.timeoutMs, 60_000],
		['ACTIVITY_HUB_SEARCH_LANGUAGE', "english'; DROP TABLE x", (c) => c.searchLanguage, 'simple'],
		['ACTIVITY_HUB_TWILIO_API_URL', 'ftp://x', (c) => c.outbound.twilioApiUrl, 'https://api.twilio.com'],
		['ACTIVITY_HUB_MEDIA_GATEWAY_URL', 'egress:3128', (c) => c.mediaGatewayUrl, null],
		['ACTIVITY_HUB_AUTO_INSTALL', 'maybe', (c) => c.autoInstall, true],
		['ACTIVITY_HUB_MATCHING', 0, (c) => c.matching, true],
		['ACTIVITY_HUB_DEFAULT_REGION', 49, (c) => c.defaultRegion, undefined],
		['ACTIVITY_HUB_CONTACT_EMAIL_FIELDS', { a: 1 }, (c) => c.contacts.emailFields, null],
		['ACTIVITY_HUB_CONTACTS_COLLECTION', { a: 1 }, (c) => c.contacts.collection, 'contacts'],
	] satisfies Array<[string, unknown, (c: ReturnType<typeof readConfig>) => unknown, unknown]>)(
		'falls back to the default for %s=%s and says so',
		(name, value, pick, expected) => {
			const config = readConfig({ [name]: value });
			expect(pick(config)).toEqual(expected);
			expect(config.problems).toHaveLength(1);
			expect(config.problems[0]).toContain(name);
		},
	);

	it('keeps the contact settings as written, for the install fingerprint', () =>
		expect(
			readConfig({ ACTIVITY_HUB_CONTACTS_COLLECTION: 'people', ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: ['a', 'b'] }).contacts
				.settings,
		).toBe(
			'ACTIVITY_HUB_CONTACTS_COLLECTION=people\nACTIVITY_HUB_CONTACT_EMAIL_FIELDS=a,b\nACTIVITY_HUB_CONTACT_PHONE_FIELDS=',
		));

	it('reads an env object once', () => {
		const env = { ACTIVITY_HUB_LLM_MODEL: 'a' };
		expect(readConfig(env)).toBe(readConfig(env));
		expect(readConfig({ ...env })).not.toBe(readConfig(env));
	});

	it('names only ACTIVITY_HUB_ variables in its defaults', () =>
		expect(Object.keys(CONFIG_DEFAULTS).every((name) => name.startsWith('ACTIVITY_HUB_'))).toBe(true));
});
