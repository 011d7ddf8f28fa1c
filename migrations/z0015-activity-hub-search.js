// Search across everything and the analytics' index. A full-text index over activities (subject, content, sender,
// recipient and processed_data's summary and transcript) and notes (content), kept current by database triggers, so
// every write path — the ingest writer, the queue's completions, Directus's own REST and GraphQL, flows, a merge or an
// erasure, raw SQL — updates it in the same transaction as the row it indexes; rows already there are indexed here.
//
// PostgreSQL: one side table per collection holding a weighted tsvector (subject A, summary B, content and transcript
// C, sender and recipient D; a note's content B) behind a GIN index. The text-search configuration
// (ACTIVITY_HUB_SEARCH_LANGUAGE, default `simple`) lives in the functions that build the documents; setLanguage()
// replaces them and rebuilds every document when the setting changes.
// SQLite: one FTS5 table (unicode61, diacritics folded) for both, its rowid mapped to (kind, id) by
// activity_hub_search_keys: an activity's own rowid is not stable (VACUUM may renumber it), a key row's is.
// The side tables are database-only (no Directus collection: they count towards no licence limit).
//
// The analytics read a day's activities by channel, type, direction, match and contact from one covering index, and
// the seeded Activity Hub dashboard gets the Analytics panel below its other panels.
import { DASHBOARD_ID } from './z0006-activity-hub-dashboard.js';

export const ACTIVITY_SEARCH = 'activity_hub_activity_search';
export const NOTE_SEARCH = 'activity_hub_note_search';
export const SEARCH_KEYS = 'activity_hub_search_keys';
export const FTS = 'activity_hub_search';
export const LANGUAGE_KEY = 'search:language';

export const isPostgres = (knex) => !String(knex.client.config.client).startsWith('sqlite');

/**
 * PostgreSQL: the lock DROP TRIGGER needs on each table, taken before anything else in the step. A step that first
 * indexed its own table and then asked for this lock, while a writer of the table waited on the step's table to run
 * its trigger, deadlocked (once on CI); now such a writer finishes first and the step waits for it.
 */
export const lockForTriggers = (knex, tables) => knex.raw(`LOCK TABLE ${tables.join(', ')} IN ACCESS EXCLUSIVE MODE`);

const validLanguage = (language) => (/^[a-z_][a-z0-9_]*$/i.test(language ?? '') ? language : 'simple');

async function postgresDocuments(knex, language) {
	const found = await knex.raw('SELECT 1 FROM pg_ts_config WHERE cfgname = ?', [language]);
	if (!found.rows.length)
		throw new Error(`ACTIVITY_HUB_SEARCH_LANGUAGE=${language} is no PostgreSQL text search configuration`);
	const cfg = `'${language}'::regconfig`;

	// IMMUTABLE with the configuration as a constant: the same text always gives the same document.
	await knex.raw(`
		CREATE OR REPLACE FUNCTION activity_hub_activity_document(subject text, content text, sender text, recipient text, processed json)
		RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT setweight(to_tsvector(${cfg}, coalesce(subject, '')), 'A')
				|| setweight(to_tsvector(${cfg}, coalesce(processed ->> 'summary', '')), 'B')
				|| setweight(to_tsvector(${cfg}, coalesce(content, '')), 'C')
				|| setweight(to_tsvector(${cfg}, coalesce(processed ->> 'transcript', '')), 'C')
				|| setweight(to_tsvector(${cfg}, coalesce(sender, '') || ' ' || coalesce(recipient, '')), 'D')
		$$`);

	await knex.raw(`
		CREATE OR REPLACE FUNCTION activity_hub_note_document(content text)
		RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT setweight(to_tsvector(${cfg}, coalesce(content, '')), 'B')
		$$`);

	// What the search parses queries with: always the documents' own configuration.
	await knex.raw(`
		CREATE OR REPLACE FUNCTION activity_hub_search_config() RETURNS regconfig LANGUAGE sql IMMUTABLE AS $$
			SELECT ${cfg}
		$$`);
}

export const ACTIVITY_DOCUMENT = (row) =>
	`activity_hub_activity_document(${row}.subject, ${row}.content, ${row}.sender, ${row}.recipient, ${row}.processed_data::json)`;

async function postgres(knex, language) {
	await lockForTriggers(knex, ['activities', 'contact_notes']);
	await knex.raw(`CREATE TABLE IF NOT EXISTS ${ACTIVITY_SEARCH} (id uuid PRIMARY KEY, document tsvector NOT NULL)`);
	await knex.raw(`CREATE TABLE IF NOT EXISTS ${NOTE_SEARCH} (id integer PRIMARY KEY, document tsvector NOT NULL)`);
	await knex.raw(`CREATE INDEX IF NOT EXISTS ${ACTIVITY_SEARCH}_idx ON ${ACTIVITY_SEARCH} USING gin (document)`);
	await knex.raw(`CREATE INDEX IF NOT EXISTS ${NOTE_SEARCH}_idx ON ${NOTE_SEARCH} USING gin (document)`);
	await postgresDocuments(knex, language);

	await knex.raw(`
		CREATE OR REPLACE FUNCTION activity_hub_index_activity() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF TG_OP = 'DELETE' THEN
				DELETE FROM ${ACTIVITY_SEARCH} WHERE id = OLD.id;
				RETURN OLD;
			END IF;
			IF TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id THEN
				DELETE FROM ${ACTIVITY_SEARCH} WHERE id = OLD.id;
			END IF;
			INSERT INTO ${ACTIVITY_SEARCH} (id, document) VALUES (NEW.id, ${ACTIVITY_DOCUMENT('NEW')})
				ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document;
			RETURN NEW;
		END $$`);

	await knex.raw(`
		CREATE OR REPLACE FUNCTION activity_hub_index_note() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF TG_OP = 'DELETE' THEN
				DELETE FROM ${NOTE_SEARCH} WHERE id = OLD.id;
				RETURN OLD;
			END IF;
			IF TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id THEN
				DELETE FROM ${NOTE_SEARCH} WHERE id = OLD.id;
			END IF;
			INSERT INTO ${NOTE_SEARCH} (id, document) VALUES (NEW.id, activity_hub_note_document(NEW.content))
				ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document;
			RETURN NEW;
		END $$`);

	await knex.raw('DROP TRIGGER IF EXISTS activity_hub_index_activity ON activities');

	await knex.raw(`
		CREATE TRIGGER activity_hub_index_activity
		AFTER INSERT OR DELETE OR UPDATE OF id, subject, content, sender, recipient, processed_data ON activities
		FOR EACH ROW EXECUTE FUNCTION activity_hub_index_activity()`);

	await knex.raw('DROP TRIGGER IF EXISTS activity_hub_index_note ON contact_notes');

	await knex.raw(`
		CREATE TRIGGER activity_hub_index_note
		AFTER INSERT OR DELETE OR UPDATE OF id, content ON contact_notes
		FOR EACH ROW EXECUTE FUNCTION activity_hub_index_note()`);

	// Rows written before the triggers existed.
	await knex.raw(`
		INSERT INTO ${ACTIVITY_SEARCH} (id, document)
		SELECT a.id, ${ACTIVITY_DOCUMENT('a')} FROM activities a
		ON CONFLICT (id) DO NOTHING`);

	await knex.raw(`
		INSERT INTO ${NOTE_SEARCH} (id, document)
		SELECT n.id, activity_hub_note_document(n.content) FROM contact_notes n
		ON CONFLICT (id) DO NOTHING`);

	await knex.raw(
		'CREATE INDEX IF NOT EXISTS activities_analytics_idx ON activities (occurred_at) INCLUDE (channel, type, direction, match_status, contact, owner)',
	);
}

// processed_data is JSON text on SQLite; anything that is not valid JSON indexes as nothing rather than failing a write.
export const field = (row, path) =>
	`CASE WHEN json_valid(${row}.processed_data) THEN json_extract(${row}.processed_data, '$.${path}') END`;

export const ACTIVITY_COLUMNS = 'subject, content, sender, recipient, summary, transcript';

export const activityValues = (row) =>
	`${row}.subject, ${row}.content, ${row}.sender, ${row}.recipient, ${field(row, 'summary')}, ${field(row, 'transcript')}`;

const noteValues = (row) => `NULL, ${row}.content, NULL, NULL, NULL, NULL`;

export const keyOf = (kind, id) => `(SELECT rid FROM ${SEARCH_KEYS} WHERE kind = '${kind}' AND item = ${id})`;

async function sqlite(knex) {
	await knex.raw(`
		CREATE TABLE IF NOT EXISTS ${SEARCH_KEYS} (
			rid INTEGER PRIMARY KEY, kind TEXT NOT NULL, item TEXT NOT NULL, UNIQUE (kind, item))`);

	await knex.raw(
		`CREATE VIRTUAL TABLE IF NOT EXISTS ${FTS} USING fts5(${ACTIVITY_COLUMNS}, tokenize = 'unicode61 remove_diacritics 2')`,
	);

	// The same three triggers keep each indexed table's rows in the FTS table: kind 'a' activities, 'n' notes.
	const triggersOf = (name, table, columns, kind, values) => [
		[
			`activity_hub_index_${name}_insert`,
			`AFTER INSERT ON ${table}`,
			`INSERT OR IGNORE INTO ${SEARCH_KEYS} (kind, item) VALUES ('${kind}', new.id);
			 DELETE FROM ${FTS} WHERE rowid = ${keyOf(kind, 'new.id')};
			 INSERT INTO ${FTS} (rowid, ${ACTIVITY_COLUMNS}) VALUES (${keyOf(kind, 'new.id')}, ${values('new')});`,
		],
		[
			`activity_hub_index_${name}_update`,
			`AFTER UPDATE OF ${columns} ON ${table}`,
			`DELETE FROM ${FTS} WHERE rowid = ${keyOf(kind, 'old.id')};
			 UPDATE ${SEARCH_KEYS} SET item = new.id WHERE kind = '${kind}' AND item = old.id;
			 INSERT OR IGNORE INTO ${SEARCH_KEYS} (kind, item) VALUES ('${kind}', new.id);
			 INSERT INTO ${FTS} (rowid, ${ACTIVITY_COLUMNS}) VALUES (${keyOf(kind, 'new.id')}, ${values('new')});`,
		],
		[
			`activity_hub_index_${name}_delete`,
			`AFTER DELETE ON ${table}`,
			`DELETE FROM ${FTS} WHERE rowid = ${keyOf(kind, 'old.id')};
			 DELETE FROM ${SEARCH_KEYS} WHERE kind = '${kind}' AND item = old.id;`,
		],
	];

	const triggers = [
		...triggersOf(
			'activity',
			'activities',
			'id, subject, content, sender, recipient, processed_data',
			'a',
			activityValues,
		),
		...triggersOf('note', 'contact_notes', 'id, content', 'n', noteValues),
	];

	for (const [name, when, body] of triggers) {
		await knex.raw(`DROP TRIGGER IF EXISTS ${name}`);
		await knex.raw(`CREATE TRIGGER ${name} ${when} FOR EACH ROW BEGIN ${body} END`);
	}

	// Rows written before the triggers existed (a key row without its document is indexed again).
	await knex.raw(`
		INSERT OR IGNORE INTO ${SEARCH_KEYS} (kind, item) SELECT 'a', id FROM activities
		UNION ALL SELECT 'n', id FROM contact_notes`);

	await knex.raw(`
		INSERT INTO ${FTS} (rowid, ${ACTIVITY_COLUMNS})
		SELECT k.rid, ${activityValues('a')} FROM ${SEARCH_KEYS} k JOIN activities a ON k.kind = 'a' AND a.id = k.item
		WHERE k.rid NOT IN (SELECT rowid FROM ${FTS})`);

	await knex.raw(`
		INSERT INTO ${FTS} (rowid, ${ACTIVITY_COLUMNS})
		SELECT k.rid, ${noteValues('n')} FROM ${SEARCH_KEYS} k JOIN contact_notes n ON k.kind = 'n' AND n.id = k.item
		WHERE k.rid NOT IN (SELECT rowid FROM ${FTS})`);

	await knex.raw(
		'CREATE INDEX IF NOT EXISTS activities_analytics_idx ON activities (occurred_at, channel, type, direction, match_status, contact, owner)',
	);
}

const RECORD_TABLE = 'activity_hub_install';

export const ANALYTICS_PANEL_ID = '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a94';

/** The Analytics panel on the seeded Activity Hub dashboard (if it is still there), below what it holds now. */
async function analyticsPanel(knex) {
	if (!(await knex('directus_dashboards').where({ id: DASHBOARD_ID }).first())) return;
	if (await knex('directus_panels').where({ id: ANALYTICS_PANEL_ID }).first()) return;

	const panels = await knex('directus_panels').where({ dashboard: DASHBOARD_ID }).select('position_y', 'height');
	const below = Math.max(0, ...panels.map((p) => Number(p.position_y) + Number(p.height) - 1));

	await knex('directus_panels').insert({
		id: ANALYTICS_PANEL_ID,
		dashboard: DASHBOARD_ID,
		name: 'Activity analytics',
		icon: 'insights',
		type: 'activity-hub-analytics',
		position_x: 1,
		position_y: below + 1,
		width: 34,
		height: 30,
		show_header: true,
		options: JSON.stringify({ days: 30, refresh: 300 }),
	});
}

/** The language the documents were built with (PostgreSQL), recorded beside the install record. */
async function recordLanguage(knex, language) {
	await knex(RECORD_TABLE).where({ key: LANGUAGE_KEY }).delete();
	await knex(RECORD_TABLE).insert({ key: LANGUAGE_KEY, value: language, updated_at: new Date().toISOString() });
}

export async function up(knex, env = {}) {
	const language = validLanguage(env.ACTIVITY_HUB_SEARCH_LANGUAGE ?? 'simple');

	if (isPostgres(knex)) await postgres(knex, language);
	else await sqlite(knex);

	await recordLanguage(knex, isPostgres(knex) ? language : 'simple');
	await analyticsPanel(knex);
}

/**
 * After ACTIVITY_HUB_SEARCH_LANGUAGE changed (PostgreSQL; SQLite's tokenizer has no languages): the document
 * functions take the new configuration and every document is rebuilt with it. Returns whether anything changed.
 */
export async function setLanguage(knex, requested) {
	if (!isPostgres(knex)) return false;
	const language = validLanguage(requested);
	const recorded = await knex(RECORD_TABLE).where({ key: LANGUAGE_KEY }).first();
	if (!recorded || recorded.value === language) return false;

	await postgresDocuments(knex, language);

	await knex.raw(
		`UPDATE ${ACTIVITY_SEARCH} s SET document = ${ACTIVITY_DOCUMENT('a')} FROM activities a WHERE a.id = s.id`,
	);

	await knex.raw(
		`UPDATE ${NOTE_SEARCH} s SET document = activity_hub_note_document(n.content) FROM contact_notes n WHERE n.id = s.id`,
	);

	await recordLanguage(knex, language);
	return true;
}
