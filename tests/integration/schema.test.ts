// The activity vocabulary and the limits live in the bundle (shared/activity.ts, shared/limits.ts); the schema
// definition (TypeScript, run by tsx) imports them, and the committed snapshot must offer exactly the same choices
// and defaults, i.e. be regenerated (npm run snapshot) whenever they change.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	ACTIVITY_TYPES,
	DIRECTIONS,
	MATCH_STATUSES,
	PROVIDERS,
	STATUSES,
} from '../../extensions/activity-hub/src/shared/activity.js';
import {
	DEFAULT_CHANNEL_LIMITS,
	DEFAULT_MAX_ATTEMPTS,
	DEFAULT_STALE_MINUTES,
} from '../../extensions/activity-hub/src/shared/limits.js';
import { ACTIVITY_TYPES as DEFINED_TYPES } from '../../scripts/schema-definition.js';

const snapshot = JSON.parse(readFileSync(new URL('../../snapshots/activity-hub.json', import.meta.url), 'utf8'));

const fieldOf = (collection: string, field: string) =>
	snapshot.fields.find((f: { collection: string; field: string }) => f.collection === collection && f.field === field);

const choices = (collection: string, field: string) =>
	fieldOf(collection, field).meta.options.choices.map((c: { value: string }) => c.value);

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

	it.each([
		['ingestion_channels', 'max_request_bytes', DEFAULT_CHANNEL_LIMITS.maxRequestBytes],
		['ingestion_channels', 'max_file_bytes', DEFAULT_CHANNEL_LIMITS.maxFileBytes],
		['ingestion_channels', 'max_files', DEFAULT_CHANNEL_LIMITS.maxFiles],
		['activities', 'max_attempts', DEFAULT_MAX_ATTEMPTS],
		['agent_preferences', 'stale_threshold_minutes', DEFAULT_STALE_MINUTES],
	])('%s.%s defaults to the bundle\u2019s limit', (collection, field, value) => {
		expect(Number(fieldOf(collection, field).schema.default_value)).toBe(value);
	});

	it('the schema definition uses the same activity types', () => expect(DEFINED_TYPES).toEqual([...ACTIVITY_TYPES]));
});
