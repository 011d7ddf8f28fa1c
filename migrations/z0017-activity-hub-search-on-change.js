// The search index is rebuilt for an updated activity only when what it indexes changed. z0015's triggers fired on
// every UPDATE naming one of the indexed columns, and every queue completion names processed_data: each completion
// re-parsed the activity's whole text and rewrote its document (a GIN entry on PostgreSQL, an FTS5 row on SQLite)
// even when it added no summary or transcript. Now the update trigger compares the indexed values, old and new.
import {
	ACTIVITY_COLUMNS,
	activityValues,
	field,
	FTS,
	isPostgres,
	keyOf,
	lockForTriggers,
	SEARCH_KEYS,
} from './z0015-activity-hub-search.js';

/** The values the document is built from; the update re-indexes when any of them differs. */
const INDEXED = ['id', 'subject', 'content', 'sender', 'recipient'];

async function postgres(knex) {
	await lockForTriggers(knex, ['activities']);
	const json = (row, key) => `(${row}.processed_data::json ->> '${key}')`;

	const changed = [
		...INDEXED.map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`),
		...['summary', 'transcript'].map((key) => `${json('OLD', key)} IS DISTINCT FROM ${json('NEW', key)}`),
	].join(' OR ');

	// A WHEN clause cannot name OLD on INSERT nor NEW on DELETE: inserts and deletes keep their own trigger.
	await knex.raw('DROP TRIGGER IF EXISTS activity_hub_index_activity ON activities');
	await knex.raw('DROP TRIGGER IF EXISTS activity_hub_index_activity_update ON activities');

	await knex.raw(`
		CREATE TRIGGER activity_hub_index_activity
		AFTER INSERT OR DELETE ON activities
		FOR EACH ROW EXECUTE FUNCTION activity_hub_index_activity()`);

	await knex.raw(`
		CREATE TRIGGER activity_hub_index_activity_update
		AFTER UPDATE OF id, subject, content, sender, recipient, processed_data ON activities
		FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION activity_hub_index_activity()`);
}

async function sqlite(knex) {
	const changed = [
		...INDEXED.map((column) => `old.${column} IS NOT new.${column}`),
		...['summary', 'transcript'].map((key) => `${field('old', key)} IS NOT ${field('new', key)}`),
	].join(' OR ');

	await knex.raw('DROP TRIGGER IF EXISTS activity_hub_index_activity_update');

	await knex.raw(`
		CREATE TRIGGER activity_hub_index_activity_update
		AFTER UPDATE OF id, subject, content, sender, recipient, processed_data ON activities
		FOR EACH ROW WHEN ${changed} BEGIN
			DELETE FROM ${FTS} WHERE rowid = ${keyOf('a', 'old.id')};
			UPDATE ${SEARCH_KEYS} SET item = new.id WHERE kind = 'a' AND item = old.id;
			INSERT OR IGNORE INTO ${SEARCH_KEYS} (kind, item) VALUES ('a', new.id);
			INSERT INTO ${FTS} (rowid, ${ACTIVITY_COLUMNS}) VALUES (${keyOf('a', 'new.id')}, ${activityValues('new')});
		END`);
}

export async function up(knex) {
	if (isPostgres(knex)) await postgres(knex);
	else await sqlite(knex);
}
