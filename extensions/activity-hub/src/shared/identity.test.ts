import { describe, expect, it } from 'vitest';
import {
	extractContactIdentities,
	identityOf,
	normaliseEmail,
	normalisePhone,
	normaliseWhatsAppId,
	splitAddressList,
} from './identity.js';

describe('normaliseEmail', () => {
	it.each([
		['  Ana.Ruiz@ACME.example ', 'ana.ruiz@acme.example'],
		['Ana Ruiz <ana@acme.example>', 'ana@acme.example'],
		['"Ruiz, Ana" <Ana@Acme.Example>', 'ana@acme.example'],
		['mailto:ana@acme.example', 'ana@acme.example'],
		['ana+quotes@gmail.com', 'ana+quotes@gmail.com'],
		['a.n.a@gmail.com', 'a.n.a@gmail.com'],
		['not an email', null],
		['@acme.example', null],
		['', null],
		[42, null],
	])('%j → %j', (input, expected) => expect(normaliseEmail(input)).toBe(expected));
});

describe('normalisePhone', () => {
	it.each([
		['+1 (415) 555-0101', undefined, '+14155550101'],
		['415-555-0101', 'US', '+14155550101'],
		['415-555-0101', undefined, null],
		['(020) 7946 0018', 'GB', '+442079460018'],
		['+44 20 4155 0101', 'US', '+442041550101'],
		['whatsapp:+14155550199', undefined, '+14155550199'],
		['tel:+1-415-555-0101', undefined, '+14155550101'],
		['client:alice', undefined, null],
		['sip:alice@example.com', undefined, null],
		['12', 'US', null],
		['call me maybe', 'US', null],
		[14155550101, 'US', '+14155550101'],
	])('%j (region %s) → %j', (input, region, expected) => expect(normalisePhone(input, region)).toBe(expected));

	it('never matches a +44 number to a US number sharing its last ten digits', () => {
		expect(normalisePhone('+44 20 4155 550101')).not.toBe(normalisePhone('+1 (415) 555-0101'));
	});

	it.each([
		['16505551234', '+16505551234'],
		['447700900123', '+447700900123'],
		['abc', null],
	])('WhatsApp id %s → %s', (id, expected) => expect(normaliseWhatsAppId(id)).toBe(expected));
});

describe('identityOf and splitAddressList', () => {
	it.each([
		['Ana <ANA@acme.example>', 'US', { kind: 'email', value: 'ana@acme.example' }],
		['+14155550101', undefined, { kind: 'phone', value: '+14155550101' }],
		['whatsapp:+14155550199', undefined, { kind: 'phone', value: '+14155550199' }],
		['nobody', 'US', null],
	])('%s → %j', (input, region, expected) => expect(identityOf(input, region)).toEqual(expected));

	it('splits recipients without breaking quoted names', () => {
		expect(splitAddressList('a@x.example, "Ruiz, Ana" <ana@y.example>,, b@z.example')).toEqual([
			'a@x.example',
			'"Ruiz, Ana" <ana@y.example>',
			'b@z.example',
		]);
	});
});

describe('extractContactIdentities', () => {
	const fields = { emailFields: ['emails'], phoneFields: ['phones'] };

	it.each([
		[
			'Atomic CRM lists',
			{
				emails: [{ email: 'Ana@Acme.example', type: 'work' }],
				phones: [{ number: '+1 (415) 555-0101', type: 'work' }],
			},
			['email:ana@acme.example', 'phone:+14155550101'],
			0,
		],
		[
			'JSON text',
			{ emails: '[{"email":"a@b.example"}]', phones: '["415-555-0101"]' },
			['email:a@b.example', 'phone:+14155550101'],
			0,
		],
		[
			'plain strings',
			{ emails: 'a@b.example', phones: '415 555 0101' },
			['email:a@b.example', 'phone:+14155550101'],
			0,
		],
		['an object where a list belongs', { emails: { email: 'a@b.example' }, phones: null }, [], 1],
		['garbage text', { emails: '[not json', phones: 'call me' }, [], 2],
		['duplicates', { emails: ['A@b.example', 'a@B.example'], phones: [] }, ['email:a@b.example'], 0],
	])('%s', (_label, contact, expected, warningCount) => {
		const { identities, warnings } = extractContactIdentities(contact, fields, 'US');
		expect(identities.map((i) => `${i.kind}:${i.value}`)).toEqual(expected);
		expect(warnings).toHaveLength(warningCount);
	});
});
