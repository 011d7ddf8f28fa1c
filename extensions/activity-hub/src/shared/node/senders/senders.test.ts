import { describe, expect, it } from 'vitest';
import { twilioAnswer, twilioDeliveryStatus, twilioSend } from './twilio.js';
import { whatsappAnswer, whatsappDeliveryStatus, whatsappSend } from './whatsapp.js';

describe('twilio sender', () => {
	it('posts the form with Basic auth and the status callback', () => {
		const send = twilioSend({
			apiUrl: 'http://127.0.0.1:9',
			accountSid: 'AC1',
			authToken: 'tok',
			from: '+15005550006',
			messagingServiceSid: null,
			to: '+12025550143',
			body: 'Hi there',
			statusCallback: 'https://hub.example/ingest/c1',
		});

		expect(send.url).toBe('http://127.0.0.1:9/2010-04-01/Accounts/AC1/Messages.json');
		expect(send.headers['authorization']).toBe(`Basic ${Buffer.from('AC1:tok').toString('base64')}`);

		expect(Object.fromEntries(new URLSearchParams(send.body))).toEqual({
			To: '+12025550143',
			Body: 'Hi there',
			From: '+15005550006',
			StatusCallback: 'https://hub.example/ingest/c1',
		});
	});

	it('prefers a messaging service over From', () => {
		const send = twilioSend({
			apiUrl: 'x',
			accountSid: 'AC1',
			authToken: 't',
			from: '+1',
			messagingServiceSid: 'MG1',
			to: '+2',
			body: 'b',
			statusCallback: null,
		});

		expect(new URLSearchParams(send.body).get('MessagingServiceSid')).toBe('MG1');
		expect(new URLSearchParams(send.body).has('From')).toBe(false);
	});

	it.each([
		[201, { sid: 'SM1' }, { status: 201, providerId: 'SM1', message: 'HTTP 201' }],
		[
			400,
			{ code: 21211, message: "The 'To' number is not valid" },
			{ status: 400, providerId: null, message: "The 'To' number is not valid (Twilio 21211)" },
		],
		[500, 'oops', { status: 500, providerId: null, message: 'HTTP 500' }],
	])('answer %i', (status, body, expected) => expect(twilioAnswer(status, body)).toEqual(expected));

	it.each([
		['queued', null],
		['sent', 'sent'],
		['delivered', 'delivered'],
		['undelivered', 'failed'],
		['failed', 'failed'],
		['read', 'read'],
	])('MessageStatus %s → %s', (value, status) => expect(twilioDeliveryStatus(value)).toBe(status));
});

describe('whatsapp sender', () => {
	it('sends a text with the bearer token to digits only', () => {
		const send = whatsappSend({
			apiUrl: 'http://127.0.0.1:9',
			version: 'v21.0',
			phoneNumberId: '1065',
			accessToken: 'EAAG',
			to: '+49 151 2345',
			text: 'Hallo',
			template: null,
		});

		expect(send.url).toBe('http://127.0.0.1:9/v21.0/1065/messages');
		expect(send.headers['authorization']).toBe('Bearer EAAG');

		expect(JSON.parse(send.body)).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '491512345',
			type: 'text',
			text: { preview_url: false, body: 'Hallo' },
		});
	});

	it('sends a template with body parameters', () => {
		const send = whatsappSend({
			apiUrl: 'x',
			version: 'v21.0',
			phoneNumberId: '1',
			accessToken: 't',
			to: '4915',
			text: null,
			template: { name: 'follow_up', language: 'de', parameters: ['Ada'] },
		});

		expect(JSON.parse(send.body).template).toEqual({
			name: 'follow_up',
			language: { code: 'de' },
			components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ada' }] }],
		});
	});

	it.each([
		[200, { messages: [{ id: 'wamid.1' }] }, { status: 200, providerId: 'wamid.1', message: 'HTTP 200' }],
		[
			400,
			{ error: { message: 'Invalid parameter', code: 100, error_data: { details: 'to is invalid' } } },
			{ status: 400, providerId: null, message: 'Invalid parameter to is invalid (WhatsApp 100)' },
		],
	])('answer %i', (status, body, expected) => expect(whatsappAnswer(status, body)).toEqual(expected));

	it.each([
		['sent', 'sent'],
		['delivered', 'delivered'],
		['read', 'read'],
		['failed', 'failed'],
		['deleted', null],
	])('status %s → %s', (value, status) => expect(whatsappDeliveryStatus(value)).toBe(status));
});
