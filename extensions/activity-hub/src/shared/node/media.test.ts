import { describe, expect, it } from 'vitest';
import { hostAllowed, isPublicAddress, MEDIA_HOSTS, mediaUrlRefusal, whatsappMediaUrl } from './media.js';

describe('isPublicAddress', () => {
	it.each([
		['8.8.8.8', true],
		['34.203.250.1', true],
		['2606:4700::6810:84e5', true],
		['127.0.0.1', false],
		['127.1.2.3', false],
		['10.1.2.3', false],
		['172.16.0.1', false],
		['172.31.255.255', false],
		['172.32.0.1', true],
		['192.168.1.1', false],
		['169.254.169.254', false],
		['100.64.0.1', false],
		['0.0.0.0', false],
		['224.0.0.1', false],
		['255.255.255.255', false],
		['::1', false],
		['::', false],
		['fe80::1', false],
		['fd00::1', false],
		['::ffff:127.0.0.1', false],
		['::ffff:8.8.8.8', true],
		['not-an-ip', false],
	])('%s → %s', (address, expected) => expect(isPublicAddress(address)).toBe(expected));
});

describe('media URLs', () => {
	it.each([
		['api.twilio.com', true],
		['API.TWILIO.COM.', true],
		['mms.twiliocdn.com', true],
		['api.twilio.com.evil.example', false],
		['eviltwilio.com', false],
	])('host %s allowed: %s', (host, expected) => expect(hostAllowed(host, MEDIA_HOSTS['twilio']!)).toBe(expected));

	it.each([
		['https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1', null],
		['http://api.twilio.com/x', 'only https media is fetched'],
		['https://127.0.0.1/x', 'an IP address, not a provider host'],
		['https://[::1]/x', 'an IP address, not a provider host'],
		['https://169.254.169.254/latest/meta-data', 'an IP address, not a provider host'],
		['https://user:pw@api.twilio.com/x', 'credentials in the URL'],
		['https://127.0.0.1.nip.io/x', 'host 127.0.0.1.nip.io is not a media host of this provider'],
		['file:///etc/passwd', 'only https media is fetched'],
		['not a url', 'not a URL'],
	])('%s → %s', (url, refusal) => expect(mediaUrlRefusal(url, MEDIA_HOSTS['twilio']!)).toBe(refusal));
});

describe('whatsappMediaUrl', () => {
	it.each([
		[
			{ url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1', mime_type: 'image/jpeg' },
			'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1',
		],
		[{ error: { message: 'expired' } }, null],
		[null, null],
	])('%j → %s', (answer, expected) => expect(whatsappMediaUrl(answer)).toBe(expected));

	it('allows only Meta media hosts', () => {
		expect(
			mediaUrlRefusal('https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1', MEDIA_HOSTS['whatsapp']!),
		).toBeNull();

		expect(mediaUrlRefusal('https://evil.example/x', MEDIA_HOSTS['whatsapp']!)).toContain('not a media host');
	});
});
