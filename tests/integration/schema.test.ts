// The activity vocabulary lives in the bundle (shared/activity.ts); the schema definition (plain JS, run by node)
// and the committed snapshot must offer exactly the same choices.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	ACTIVITY_TYPES,
	DIRECTIONS,
	MATCH_STATUSES,
	PROVIDERS,
	STATUSES,
} from '../../extensions/activity-hub/src/shared/activity.js';
import { ACTIVITY_TYPES as DEFINED_TYPES } from '../../scripts/schema-definition.mjs';

const snapshot = JSON.parse(readFileSync(new URL('../../snapshots/activity-hub.json', import.meta.url), 'utf8'));

const choices = (collection: string, field: string) =>
	snapshot.fields
		.find((f: { collection: string; field: string }) => f.collection === collection && f.field === field)
		.meta.options.choices.map((c: { value: string }) => c.value);

describe('schema vocabulary', () => {
	it.each([
		['activities', 'type', ACTIVITY_TYPES],
		['activities', 'direction', DIRECTIONS],
		['activities', 'status', STATUSES],
		['activities', 'match_status', MATCH_STATUSES],
		['ingestion_channels', 'provider', PROVIDERS],
		['ingestion_channels', 'default_type', ACTIVITY_TYPES],
	])('%s.%s offers the bundle\u2019s values', (collection, field, values) => {
		expect(choices(collection, field)).toEqual([...values]);
	});

	it('the schema definition uses the same activity types', () => expect(DEFINED_TYPES).toEqual([...ACTIVITY_TYPES]));
});
