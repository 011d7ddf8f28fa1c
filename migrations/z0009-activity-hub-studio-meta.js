// How Studio's own pages show Activity Hub's data (issue #18): the contact page opens on the dual timeline, full
// width, right under the other contact fields gathered in a "Contact details" group, collapsed (one line, so an endless
// timeline never hides them); lists and relational fields show names and labels, not JSON or ids; and the labels (the
// timeline's vocabulary, shared/messages.ts) are custom translations in English and German.
// That layout is the bundle's Studio metadata, so the schema snapshot carries it (scripts/schema-definition.ts): the
// snapshot merge that precedes the install steps sets it on a fresh install and on an upgrade alike, and keeps it on
// every later merge. This step adds what a snapshot cannot: the translation rows the labels name (once each), and the
// agents' right to edit and delete notes (their own only, as the note-ownership hook decides; the Core tier grants
// whole collections). It never touches a `contacts` collection: the bundle's own gets its layout from the snapshot,
// and a team's own (adopted) contacts is the team's to lay out.
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

/**
 * The columns of Studio's lists when nobody chose any (a global default preset, added only where none exists): with
 * the contact fields in a group, Studio would otherwise list none of them.
 */
export const LIST_COLUMNS = {
	contacts: ['first_name', 'last_name', 'company', 'emails', 'phones', 'owner'],
	activities: ['type', 'direction', 'status', 'channel', 'contact', 'subject', 'occurred_at'],
	contact_notes: ['contact', 'content', 'author', 'source', 'date_created'],
};

/** The collections the install record says the bundle owns (an adopted `contacts` is the team's, not in it). */
async function ownedCollections(knex) {
	const row = await knex('activity_hub_install').where({ key: 'schema' }).first();

	try {
		return new Set(JSON.parse(row?.value ?? '{}').owned ?? []);
	} catch {
		return new Set();
	}
}

export async function up(knex) {
	for (const [language, entries] of Object.entries(TRANSLATIONS))
		for (const [key, value] of Object.entries(entries))
			if (!(await knex('directus_translations').where({ key, language }).first()))
				await knex('directus_translations').insert({ id: globalThis.crypto.randomUUID(), key, language, value });

	const owned = await ownedCollections(knex);

	for (const [collection, fields] of Object.entries(LIST_COLUMNS)) {
		if (!owned.has(collection)) continue;

		const preset = await knex('directus_presets')
			.where({ collection })
			.whereNull('user')
			.whereNull('role')
			.whereNull('bookmark')
			.first();

		if (!preset)
			await knex('directus_presets').insert({
				collection,
				layout: 'tabular',
				layout_query: JSON.stringify({ tabular: { fields, page: 1 } }),
			});
	}

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
