import { describe, expect, it } from 'vitest';
import { PROVIDERS } from './activity.js';
import { setupGuide } from './provider-setup.js';

const WEBHOOK = 'https://crm.example.com/ingest/7d3c0e0a-1111-4222-8333-944444444444';

describe('setupGuide', () => {
	it.each([
		['generic', null, WEBHOOK],
		['twilio', 'ahk_abc', `${WEBHOOK}?key=ahk_abc`],
		['mailgun', null, `${WEBHOOK}?key=KEY`],
		['sendgrid', 'ahk_a+b', `${WEBHOOK}?key=ahk_a%2Bb`],
		['whatsapp', 'ahk_x', `${WEBHOOK}?key=ahk_x`],
		[
			'postmark',
			'ahk_secret',
			'https://postmark:ahk_secret@crm.example.com/ingest/7d3c0e0a-1111-4222-8333-944444444444',
		],
		['upload', null, WEBHOOK],
	] as const)('%s: the URL to paste', (provider, key, url) => expect(setupGuide(provider, WEBHOOK, key).url).toBe(url));

	it.each(PROVIDERS.map((p) => [p]))('%s has steps and names only secrets the channel setup offers', (provider) => {
		const guide = setupGuide(provider, WEBHOOK);
		expect(guide.steps.length).toBeGreaterThan(1);
		for (const secret of guide.secrets)
			expect([
				'auth_token',
				'signing_key',
				'app_secret',
				'verify_token',
				'access_token',
				'webhook_secret',
				'secret_token',
				'signing_secret',
				'password',
			]).toContain(secret);
	});

	it('names the console field for WhatsApp verification', () =>
		expect(setupGuide('whatsapp', WEBHOOK).steps.join(' ')).toMatch(/Verify token/));

	it('never shows a real key unless given one', () =>
		expect(JSON.stringify(setupGuide('twilio', WEBHOOK))).not.toMatch(/ahk_/));
});
