import { describe, expect, it } from 'vitest';
import {
	attendeeIdentities,
	contactForUnknownSender,
	contactSource,
	counterpartyIdentities,
	matchAttendees,
	matchFrom,
	resolveMatch,
	withIdentity,
} from './matching.js';

describe('counterpartyIdentities', () => {
	it.each([
		[
			'inbound email',
			{ direction: 'inbound', sender: 'Ana <ANA@acme.example>', recipient: 'support@us.example' },
			['email:ana@acme.example'],
		],
		[
			'outbound to several',
			{ direction: 'outbound', sender: 'me@us.example', recipient: 'a@x.example, "B" <b@y.example>' },
			['email:a@x.example', 'email:b@y.example'],
		],
		[
			'inbound SMS',
			{ direction: 'inbound', sender: '+14155550199', recipient: '+14155550100' },
			['phone:+14155550199'],
		],
		[
			'national number with region',
			{ direction: 'inbound', sender: '415-555-0101', recipient: null },
			['phone:+14155550101'],
		],
		['unreadable sender', { direction: 'inbound', sender: 'client:alice', recipient: null }, []],
	] as const)('%s', (_label, activity, expected) => {
		expect(counterpartyIdentities(activity, 'US').map((i) => `${i.kind}:${i.value}`)).toEqual(expected);
	});
});

describe('resolveMatch', () => {
	it.each([
		[[], { contact: null, match_status: 'unmatched', match_candidates: null }],
		[[7], { contact: 7, match_status: 'matched', match_candidates: null }],
		[[7, 7], { contact: 7, match_status: 'matched', match_candidates: null }],
		[[12, 7], { contact: null, match_status: 'ambiguous', match_candidates: [7, 12] }],
	])('%j', (contacts, expected) => expect(resolveMatch(contacts)).toEqual(expected));
});

describe('contactSource', () => {
	it('defaults to contacts.emails/phones and reads overrides', () => {
		expect(contactSource({})).toEqual({
			collection: 'contacts',
			primaryKey: 'id',
			emailFields: ['emails'],
			phoneFields: ['phones'],
		});

		expect(
			contactSource({
				ACTIVITY_HUB_CONTACTS_COLLECTION: 'people',
				ACTIVITY_HUB_CONTACT_EMAIL_FIELDS: 'email, email2',
				ACTIVITY_HUB_CONTACT_PHONE_FIELDS: 'mobile',
			}),
		).toEqual({ collection: 'people', primaryKey: 'id', emailFields: ['email', 'email2'], phoneFields: ['mobile'] });
	});
});

describe('contactForUnknownSender', () => {
	it.each([
		[
			'Ana Ruiz <ana@acme.example>',
			{ kind: 'email', value: 'ana@acme.example' },
			null,
			{ first_name: 'Ana', last_name: 'Ruiz', emails: [{ email: 'ana@acme.example', type: 'other' }], phones: [] },
		],
		[
			'"Ruiz, Ana" <ana@acme.example>',
			{ kind: 'email', value: 'ana@acme.example' },
			null,
			{ first_name: 'Ruiz,', last_name: 'Ana' },
		],
		['bob@x.example', { kind: 'email', value: 'bob@x.example' }, null, { first_name: 'bob', last_name: null }],
		[
			'+16505551234',
			{ kind: 'phone', value: '+16505551234' },
			'Sheena Nelson',
			{ first_name: 'Sheena', last_name: 'Nelson', emails: [], phones: [{ number: '+16505551234', type: 'other' }] },
		],
		['+16505551234', { kind: 'phone', value: '+16505551234' }, null, { first_name: '+16505551234', last_name: null }],
	] as const)('%s', (sender, identity, profile, expected) => {
		expect(contactForUnknownSender(sender, identity, profile)).toMatchObject(expected);
	});
});

describe('matchFrom', () => {
	const found = new Map<string, Array<number | string>>([
		['email:a@x.example', [1]],
		['phone:+14155550101', [1, 2]],
	]);

	it.each([
		[[{ kind: 'email', value: 'a@x.example' }], { contact: 1, match_status: 'matched' }],
		[
			[
				{ kind: 'email', value: 'a@x.example' },
				{ kind: 'phone', value: '+14155550101' },
			],
			{ contact: null, match_status: 'ambiguous', match_candidates: [1, 2] },
		],
		[[{ kind: 'email', value: 'nobody@x.example' }], { contact: null, match_status: 'unmatched' }],
	] as const)('%j', (identities, expected) => expect(matchFrom(found, [...identities])).toMatchObject(expected));
});

describe('withIdentity', () => {
	const phone = { kind: 'phone', value: '+12025550143' } as const;
	const email = { kind: 'email', value: 'ana@acme.example' } as const;

	it('adds in the shape the list has', () => {
		expect(withIdentity([{ number: '+1 202 555 0100', type: 'work' }], phone)).toEqual([
			{ number: '+1 202 555 0100', type: 'work' },
			{ number: '+12025550143', type: 'other' },
		]);

		expect(withIdentity(['a@b.example'], email)).toEqual(['a@b.example', 'ana@acme.example']);
		expect(withIdentity(null, email)).toEqual([{ email: 'ana@acme.example', type: 'other' }]);
	});

	it('adds nothing already there, however written, nor to a single-value field', () => {
		expect(withIdentity([{ number: '+1 (202) 555-0143' }], phone)).toBeNull();
		expect(withIdentity('["ANA@acme.example"]', email)).toBeNull();
		expect(withIdentity('someone@else.example', email)).toBeNull();
	});
});

describe('matchAttendees', () => {
	const identities = attendeeIdentities([
		'Ana <ana@x.example>',
		'ben@x.example',
		'ANA@x.example',
		'shared@x.example',
		'nobody',
	]);

	const found = (entries: Record<string, Array<number | string>>) =>
		new Map(Object.entries(entries).map(([email, contacts]) => [`email:${email}`, contacts]));

	it('takes every attendee once, in order', () =>
		expect(identities.map((identity) => identity.value)).toEqual([
			'ana@x.example',
			'ben@x.example',
			'shared@x.example',
		]));

	it.each([
		['no contact', {}, { contact: null, match_status: 'unmatched', match_candidates: null }],
		['one contact', { 'ben@x.example': [7] }, { contact: 7, match_status: 'matched', match_candidates: null }],
		[
			'several: linked to the first attendee, all listed',
			{ 'ben@x.example': [7], 'ana@x.example': [3] },
			{ contact: 3, match_status: 'matched', match_candidates: [3, 7] },
		],
		[
			'an address of two contacts links neither but lists them',
			{ 'ana@x.example': [3, 4], 'ben@x.example': [7] },
			{ contact: 7, match_status: 'matched', match_candidates: [3, 4, 7] },
		],
		[
			'only such an address: ambiguous',
			{ 'shared@x.example': [3, 4] },
			{ contact: null, match_status: 'ambiguous', match_candidates: [3, 4] },
		],
	])('%s', (_label, entries, expected) => expect(matchAttendees(found(entries), identities)).toEqual(expected));
});
