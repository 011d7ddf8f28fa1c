// Bulk actions over activities (POST /activity-hub/activities/bulk): the request's validation and the Directus filter
// each action runs on. A filter is Directus's own filter syntax over a documented set of fields and operators (the
// Studio timeline's filters and time ranges, error text), so Directus's item permissions apply to what it selects;
// every action also leaves leased (`processing`) activities alone and narrows to the ones it can act on.
import { TEST_SENDER } from './activity.js';
import { InvalidPayloadError } from './errors.js';
import { UUID } from './ids.js';

export const BULK_ACTIONS = ['retry', 'requeue', 'convert_to_note', 'link'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Fields a bulk filter may test. */
export const BULK_FILTER_FIELDS = [
	'id',
	'channel',
	'type',
	'direction',
	'status',
	'contact',
	'owner',
	'match_status',
	'sender',
	'subject',
	'last_error',
	'occurred_at',
	'date_created',
	'date_updated',
	'completed_at',
] as const;

/** Directus filter operators a bulk filter may use. */
export const BULK_FILTER_OPERATORS = [
	'_eq',
	'_neq',
	'_in',
	'_nin',
	'_null',
	'_nnull',
	'_gt',
	'_gte',
	'_lt',
	'_lte',
	'_between',
	'_nbetween',
	'_contains',
	'_ncontains',
	'_icontains',
	'_starts_with',
	'_ends_with',
] as const;

type Filter = Record<string, unknown>;

export interface BulkRequest {
	action: BulkAction;
	filter: Filter;
	dryRun: boolean;
	/** link: the contact to link to. */
	contact: string | number | null;
	/** link: also add each activity's counterparty address to the contact. */
	addAddress: boolean;
	/** A client-chosen id that POST /activities/bulk/cancel names to stop the run between batches. */
	job: string | null;
}

const isPrimitive = (value: unknown) => value === null || ['string', 'number', 'boolean'].includes(typeof value);

const MAX_DEPTH = 5;
const MAX_LIST = 500;

/** The filter as given, or an InvalidPayloadError naming what is not allowed. */
export function validateBulkFilter(filter: unknown, depth = 0): Filter {
	if (!filter || typeof filter !== 'object' || Array.isArray(filter))
		throw new InvalidPayloadError('filter must be a Directus filter object');
	if (depth > MAX_DEPTH) throw new InvalidPayloadError(`filter may nest at most ${MAX_DEPTH} levels`);

	for (const [key, condition] of Object.entries(filter)) {
		if (key === '_and' || key === '_or') {
			if (!Array.isArray(condition) || condition.length === 0 || condition.length > 50)
				throw new InvalidPayloadError(`${key} takes a list of 1 to 50 filters`);
			for (const part of condition) validateBulkFilter(part, depth + 1);
			continue;
		}

		if (!(BULK_FILTER_FIELDS as readonly string[]).includes(key))
			throw new InvalidPayloadError(`filter field ${key} is not one of ${BULK_FILTER_FIELDS.join(', ')}`);
		if (!condition || typeof condition !== 'object' || Array.isArray(condition))
			throw new InvalidPayloadError(`filter.${key} must be an object of operators, e.g. { "_eq": … }`);

		for (const [operator, value] of Object.entries(condition)) {
			if (!(BULK_FILTER_OPERATORS as readonly string[]).includes(operator))
				throw new InvalidPayloadError(
					`filter.${key}: operator ${operator} is not one of ${BULK_FILTER_OPERATORS.join(', ')}`,
				);
			const list = ['_in', '_nin', '_between', '_nbetween'].includes(operator);

			if (list) {
				const size = operator.endsWith('between') ? 2 : null;
				if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST || !value.every(isPrimitive))
					throw new InvalidPayloadError(`filter.${key}.${operator} takes a list of values`);
				if (size && value.length !== size) throw new InvalidPayloadError(`filter.${key}.${operator} takes two values`);
			} else if (!isPrimitive(value)) throw new InvalidPayloadError(`filter.${key}.${operator} takes one value`);
		}
	}

	return filter as Filter;
}

export function parseBulkRequest(body: unknown): BulkRequest {
	const input = (body ?? {}) as Record<string, unknown>;
	const action = input['action'];
	if (typeof action !== 'string' || !(BULK_ACTIONS as readonly string[]).includes(action))
		throw new InvalidPayloadError(`action must be one of ${BULK_ACTIONS.join(', ')}`);
	const dryRun = input['dry_run'] ?? false;
	if (typeof dryRun !== 'boolean') throw new InvalidPayloadError('dry_run must be a boolean');
	const contact = input['contact'] ?? null;

	if (action === 'link') {
		if (contact === null || contact === '' || !['string', 'number'].includes(typeof contact))
			throw new InvalidPayloadError('link needs a contact');
	} else if (contact !== null) throw new InvalidPayloadError('contact is only for link');

	const addAddress = input['add_address'] ?? false;
	if (typeof addAddress !== 'boolean') throw new InvalidPayloadError('add_address must be a boolean');
	const job = input['job'] ?? null;
	if (job !== null && (typeof job !== 'string' || !UUID.test(job))) throw new InvalidPayloadError('job must be a UUID');

	return {
		action: action as BulkAction,
		filter: validateBulkFilter(input['filter'] ?? null),
		dryRun,
		contact: contact as string | number | null,
		addAddress,
		job: job as string | null,
	};
}

/** The activities each action can act on: never a leased one, and only those in a state the action changes. */
export function eligible(action: BulkAction): Filter {
	switch (action) {
		case 'retry':
			return { status: { _eq: 'failed' } };
		case 'requeue':
			// Test events (from the reserved test sender) stay out of the queue.
			return {
				status: { _in: ['completed', 'failed'] },
				_or: [{ sender: { _null: true } }, { sender: { _neq: TEST_SENDER } }],
			};
		case 'convert_to_note':
			return { status: { _neq: 'processing' }, contact: { _nnull: true } };
		case 'link':
			return { status: { _neq: 'processing' } };
	}
}

/** What a run selects: the caller's filter and the action's eligibility (and, to count a batch again, its ids). */
export function bulkFilter(action: BulkAction, filter: Filter, only: string[] | null = null): Filter {
	const parts: Filter[] = [filter, eligible(action)];
	if (only) parts.push({ id: { _in: only } });
	return { _and: parts };
}

/** The Studio's selection as a bulk filter: exactly the chosen activities (the server still narrows per action). */
export const selectionFilter = (ids: Array<string | number>): Filter => ({ id: { _in: ids.map(String) } });

/** Most activities a Studio selection sends at once (a filter's list bound). */
export const MAX_SELECTION = MAX_LIST;
