import { describe, expect, it } from 'vitest';
import { bulkFilter, eligible, parseBulkRequest, validateBulkFilter } from './bulk.js';

const JOB = '7d3f6a2e-1b4c-4d5e-8f90-a1b2c3d4e5f6';

describe.each([
	['a status', { status: { _eq: 'failed' } }],
	['a time range', { date_created: { _between: ['2026-01-01', '2026-02-01'] } }],
	['error text', { last_error: { _icontains: 'timeout' } }],
	['channels and types', { channel: { _in: [JOB] }, type: { _nin: ['sms'] } }],
	[
		'nested logic',
		{ _or: [{ status: { _eq: 'failed' } }, { _and: [{ type: { _eq: 'call' } }, { contact: { _null: true } }] }] },
	],
	['Directus’s dynamic values', { date_created: { _gte: '$NOW(-1 day)' } }],
])('a bulk filter with %s', (_, filter) => {
	it('is accepted as given', () => expect(validateBulkFilter(filter)).toBe(filter));
});

describe.each([
	['no filter', null, 'filter must be'],
	['a list', [], 'filter must be'],
	['an unknown field', { lease_token: { _eq: 'x' } }, 'filter field lease_token'],
	['a relation path', { contact: { first_name: { _eq: 'Eve' } } }, 'operator first_name'],
	['an unknown operator', { status: { _regex: '.*' } }, 'operator _regex'],
	['a bare value', { status: 'failed' }, 'must be an object of operators'],
	['an object value', { status: { _eq: { a: 1 } } }, 'takes one value'],
	['_in without a list', { status: { _in: 'failed' } }, 'takes a list'],
	['_between with three', { date_created: { _between: [1, 2, 3] } }, 'takes two values'],
	['an empty _and', { _and: [] }, 'takes a list of 1 to 50'],
	[
		'deep nesting',
		{ _and: [{ _and: [{ _and: [{ _and: [{ _and: [{ _and: [{ _and: [{}] }] }] }] }] }] }] },
		'nest at most',
	],
])('a bulk filter with %s', (_, filter, message) => {
	it('is refused with INVALID_PAYLOAD', () =>
		expect(() => validateBulkFilter(filter)).toThrow(
			expect.objectContaining({ code: 'INVALID_PAYLOAD', message: expect.stringContaining(message) }),
		));
});

describe('parseBulkRequest', () => {
	const filter = { status: { _eq: 'failed' } };

	it('reads a dry run', () =>
		expect(parseBulkRequest({ action: 'retry', filter, dry_run: true })).toEqual({
			action: 'retry',
			filter,
			dryRun: true,
			contact: null,
			addAddress: false,
			job: null,
		}));

	it('reads a link with its contact and job', () =>
		expect(parseBulkRequest({ action: 'link', filter, contact: 7, add_address: true, job: JOB })).toMatchObject({
			contact: 7,
			addAddress: true,
			job: JOB,
		}));

	it.each([
		['an unknown action', { action: 'delete', filter }, 'action must be'],
		['a link without contact', { action: 'link', filter }, 'link needs a contact'],
		['a contact for retry', { action: 'retry', filter, contact: 1 }, 'only for link'],
		['a dry run as text', { action: 'retry', filter, dry_run: 'yes' }, 'dry_run must be'],
		['a job that is not a UUID', { action: 'retry', filter, job: 'x' }, 'job must be a UUID'],
	])('refuses %s', (_, body, message) =>
		expect(() => parseBulkRequest(body)).toThrow(
			expect.objectContaining({ message: expect.stringContaining(message) }),
		),
	);
});

describe('what each action selects', () => {
	it.each([
		['retry', { status: { _eq: 'failed' } }],
		['convert_to_note', { status: { _neq: 'processing' }, contact: { _nnull: true } }],
		['link', { status: { _neq: 'processing' } }],
	] as const)('%s never a leased activity', (action, expected) => expect(eligible(action)).toEqual(expected));

	it('requeue takes completed and failed ones, never test events', () =>
		expect(eligible('requeue')).toEqual({
			status: { _in: ['completed', 'failed'] },
			_or: [{ sender: { _null: true } }, { sender: { _neq: 'test@activity-hub.invalid' } }],
		}));

	it('narrows to a batch’s ids to count what still matches', () =>
		expect(bulkFilter('retry', { type: { _eq: 'sms' } }, [JOB])).toEqual({
			_and: [{ type: { _eq: 'sms' } }, { status: { _eq: 'failed' } }, { id: { _in: [JOB] } }],
		}));
});
