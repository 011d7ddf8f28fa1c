import { describe, expect, it } from 'vitest';
import { claimFilters } from './claim-filters.js';
import { InvalidPayloadError } from './errors.js';

const channel = '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a91';

describe('claimFilters', () => {
	it('passes lists of types and channel ids through', () =>
		expect(claimFilters({ types: ['sms', 'call'], channels: [channel] })).toEqual({
			types: ['sms', 'call'],
			channels: [channel],
		}));

	it('treats missing and null filters as none', () => {
		expect(claimFilters({})).toEqual({});
		expect(claimFilters({ types: null, channels: undefined })).toEqual({});
	});

	it.each([
		[{ types: 'sms' }, /types must be a list/],
		[{ types: ['sms', 'fax'] }, /types must be a list of email, call/],
		[{ channels: channel }, /channels must be a list of channel ids/],
		[{ channels: ['not-a-uuid'] }, /channels must be a list of channel ids/],
		[{ channels: [42] }, /channels must be a list of channel ids/],
	])('refuses %j', (input, message) => {
		expect(() => claimFilters(input)).toThrow(InvalidPayloadError);
		expect(() => claimFilters(input)).toThrow(message);
	});
});
