// How Studio's own pages show Activity Hub's data (issue #18): the contact page opens on the dual timeline, full
// width, right under the other contact fields gathered in a "Contact details" group, collapsed (one line, so an endless
// timeline never hides them); lists and relational fields show names and labels, not JSON or ids; and the labels (the
// timeline's vocabulary, shared/messages.ts) are custom translations in English and German.
// That layout is the bundle's Studio metadata, so the schema snapshot carries it (scripts/schema-definition.ts): the
// snapshot merge that precedes the install steps sets it on a fresh install and on an upgrade alike, and keeps it on
// every later merge. This step adds what a snapshot cannot: the translation rows the labels name (once each), and the
// agents' right to edit and delete notes (their own only, as the note-ownership hook decides; the Core tier grants
// whole collections). Its `contacts` part stays for a project whose own `contacts` the bundle adopted, which the
// snapshot leaves out: each meta value there changes only while it still holds what the bundle gave it, and the group
// is added once; where the snapshot already set the layout, every guard finds the new value and nothing changes.
import { AGENT_POLICY_ID } from './z0002-activity-hub-agent-access.js';

/** Translation keys, `$t:activity_hub_status_raw` in a choice; checked against the Studio catalogue by a unit test. */
export const TRANSLATIONS = {
	'en-US': {
		activity_hub_type_email: 'E-mail',
		activity_hub_type_call: 'Call',
		activity_hub_type_sms: 'SMS',
		activity_hub_type_whatsapp: 'WhatsApp',
		activity_hub_type_meeting: 'Meeting',
		activity_hub_type_file: 'File',
		activity_hub_type_note: 'Note',
		activity_hub_type_other: 'Other',
		activity_hub_direction_inbound: 'Inbound',
		activity_hub_direction_outbound: 'Outbound',
		activity_hub_status_raw: 'Queued',
		activity_hub_status_processing: 'Processing',
		activity_hub_status_completed: 'Completed',
		activity_hub_status_failed: 'Failed',
		activity_hub_match_matched: 'Matched',
		activity_hub_match_unmatched: 'Unmatched',
		activity_hub_match_ambiguous: 'Ambiguous',
		activity_hub_source_person: 'Person',
		activity_hub_source_agent: 'Agent',
		activity_hub_contact_details: 'Contact details',
	},
	'de-DE': {
		activity_hub_type_email: 'E-Mail',
		activity_hub_type_call: 'Anruf',
		activity_hub_type_sms: 'SMS',
		activity_hub_type_whatsapp: 'WhatsApp',
		activity_hub_type_meeting: 'Termin',
		activity_hub_type_file: 'Datei',
		activity_hub_type_note: 'Notiz',
		activity_hub_type_other: 'Sonstiges',
		activity_hub_direction_inbound: 'Eingehend',
		activity_hub_direction_outbound: 'Ausgehend',
		activity_hub_status_raw: 'In Warteschlange',
		activity_hub_status_processing: 'In Bearbeitung',
		activity_hub_status_completed: 'Erledigt',
		activity_hub_status_failed: 'Fehlgeschlagen',
		activity_hub_match_matched: 'Zugeordnet',
		activity_hub_match_unmatched: 'Nicht zugeordnet',
		activity_hub_match_ambiguous: 'Mehrdeutig',
		activity_hub_source_person: 'Person',
		activity_hub_source_agent: 'Agent',
		activity_hub_contact_details: 'Kontaktdaten',
	},
};

/** [collection, field, column, the bundle's value before, the new value], as the snapshot now has it */
export const META_CHANGES = [
	['contacts', 'emails', 'display', null, 'formatted-json-value'],
	['contacts', 'emails', 'display_options', null, { format: '{{email}}' }],
	['contacts', 'phones', 'display', null, 'formatted-json-value'],
	['contacts', 'phones', 'display_options', null, { format: '{{number}}' }],
	['contacts', 'timeline', 'sort', 8, 2],
];

/** The contact fields the bundle created, moved into the collapsed group while still where it put them. */
export const DETAIL_FIELDS = { first_name: 2, last_name: 3, company: 4, emails: 5, phones: 6, owner: 7 };
export const DETAILS_GROUP = 'contact_details';

const JSON_COLUMNS = new Set(['options', 'display_options', 'translations']);

/** Key-order-independent JSON, for comparing what is stored with what the bundle wrote. */
const canonical = (value) =>
	JSON.stringify(value, (_key, v) =>
		v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v,
	);

const read = (column, value) => {
	if (!JSON_COLUMNS.has(column) || typeof value !== 'string') return value ?? null;

	try {
		return JSON.parse(value);
	} catch {
		return value;
	}
};

const write = (column, value) => (JSON_COLUMNS.has(column) && value !== null ? JSON.stringify(value) : value);
const same = (a, b) => canonical(a) === canonical(b) || (typeof a === 'number' && String(a) === String(b));

export async function up(knex) {
	const row = (collection, field) => knex('directus_fields').where({ collection, field }).first();

	for (const [collection, field, column, before, after] of META_CHANGES) {
		const current = await row(collection, field);
		if (current && same(read(column, current[column]), before))
			await knex('directus_fields')
				.where({ id: current.id })
				.update({ [column]: write(column, after) });
	}

	const movable = [];

	for (const [field, sort] of Object.entries(DETAIL_FIELDS)) {
		const current = await row('contacts', field);
		if (current && current.group == null && Number(current.sort) === sort) movable.push(current.id);
	}

	if (movable.length && !(await row('contacts', DETAILS_GROUP)))
		await knex('directus_fields').insert({
			collection: 'contacts',
			field: DETAILS_GROUP,
			special: 'alias,no-data,group',
			interface: 'group-detail',
			options: JSON.stringify({ start: 'closed', headerIcon: 'badge' }),
			readonly: false,
			hidden: false,
			sort: 1,
			width: 'full',
			translations: JSON.stringify([
				{ language: 'en-US', translation: TRANSLATIONS['en-US'].activity_hub_contact_details },
				{ language: 'de-DE', translation: TRANSLATIONS['de-DE'].activity_hub_contact_details },
			]),
			required: false,
			searchable: true,
		});

	if (movable.length) await knex('directus_fields').whereIn('id', movable).update({ group: DETAILS_GROUP });

	for (const [language, entries] of Object.entries(TRANSLATIONS))
		for (const [key, value] of Object.entries(entries))
			if (!(await knex('directus_translations').where({ key, language }).first()))
				await knex('directus_translations').insert({ id: globalThis.crypto.randomUUID(), key, language, value });

	if (await knex('directus_policies').where({ id: AGENT_POLICY_ID }).first())
		for (const action of ['update', 'delete'])
			if (
				!(await knex('directus_permissions')
					.where({ policy: AGENT_POLICY_ID, collection: 'contact_notes', action })
					.first())
			)
				await knex('directus_permissions').insert({
					policy: AGENT_POLICY_ID,
					collection: 'contact_notes',
					action,
					fields: '*',
					permissions: null,
					validation: null,
					presets: null,
				});
}
