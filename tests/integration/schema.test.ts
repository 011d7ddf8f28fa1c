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
import { ADVANCED_MEMBERS, DETAIL_MEMBERS } from '../harness/studio-layout.js';

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

// The Studio layout is the bundle's metadata, so the snapshot carries it: a later snapshot merge re-applies it
// instead of undoing what install steps z0009/z0010 once set.
describe('Studio layout in the snapshot', () => {
	const group = { interface: 'group-detail', special: ['alias', 'no-data', 'group'], width: 'full', group: null };

	const members = (collection: string, name: string) =>
		snapshot.fields
			.filter(
				(f: { collection: string; meta: { group: string | null } }) =>
					f.collection === collection && f.meta.group === name,
			)
			.sort((a: { meta: { sort: number } }, b: { meta: { sort: number } }) => a.meta.sort - b.meta.sort)
			.map((f: { field: string }) => f.field);

	it('has the channel form\u2019s closed Advanced group with the raw fields, the counters hidden', () => {
		expect(fieldOf('ingestion_channels', 'advanced')).toMatchObject({
			type: 'alias',
			meta: { ...group, sort: 12, options: { start: 'closed', headerIcon: 'tune' } },
		});

		// The mailbox fields (#13) follow the counters.
		expect(members('ingestion_channels', 'advanced')).toEqual([
			...ADVANCED_MEMBERS,
			'settings',
			'last_synced_at',
			'sync_error',
			'sync_state',
		]);

		expect(fieldOf('ingestion_channels', 'received_count').meta.hidden).toBe(true);
		expect(fieldOf('ingestion_channels', 'secrets').meta).toMatchObject({ sort: 2, group: null });
	});

	it('has the contact page\u2019s closed Contact details group, the name above it and the timeline right under it', () => {
		expect(fieldOf('contacts', 'contact_details')).toMatchObject({
			type: 'alias',
			meta: { ...group, sort: 4, options: { start: 'closed', headerIcon: 'badge' } },
		});

		expect(members('contacts', 'contact_details')).toEqual(DETAIL_MEMBERS);

		expect(fieldOf('contacts', 'timeline').meta).toMatchObject({ sort: 8, group: null, width: 'fill' });
		for (const name of ['first_name', 'last_name'])
			expect(fieldOf('contacts', name).meta).toMatchObject({ group: null });
	});

	it('labels activity values with the custom translations', () => {
		expect(fieldOf('activities', 'status').meta.display_options.choices[0]).toEqual({
			text: '$t:activity_hub_status_raw',
			value: 'raw',
		});
	});
});
