// Both databases measure first-response waits when activities are inserted (z0018), and the ingest writer inserts
// inbound messages as they arrive: the latest in their conversation. Such a row changes no wait — it has no reply yet,
// nothing follows it, and an inbound activity never changes an earlier wait — yet each paid the candidate and wait
// subqueries: about a tenth of SQLite's ingest, and on PostgreSQL (its statement trigger measured every inbound row
// as a candidate of itself) more than half. Now only a reply, or a row that something in its conversation follows (an
// import of older mail, a clock behind), is measured, checked with one seek on the conversation index: SQLite's row
// trigger in its WHEN clause, PostgreSQL's statement trigger in its function's row filter.
import { isPostgres } from './z0015-activity-hub-search.js';
import { conversationOf, postgresInsertedFunction, sqliteMeasure } from './z0018-activity-hub-first-responses.js';

const TRIGGER = 'activity_hub_first_responses_insert';

/** Whether inserted row `row` can change a wait: a reply, or a row an activity of its conversation follows. */
const changesWaits = (postgres, row) => `(${row}.direction = 'outbound' OR EXISTS (SELECT 1 FROM activities later
	WHERE ${conversationOf(postgres, 'later')} = ${conversationOf(postgres, row)}
		AND later.direction IN ('inbound', 'outbound') AND later.occurred_at > ${row}.occurred_at))`;

export async function up(knex) {
	if (isPostgres(knex)) {
		await knex.raw(postgresInsertedFunction(changesWaits(true, 'r')));
		return;
	}

	await knex.raw(`DROP TRIGGER IF EXISTS ${TRIGGER}`);

	await knex.raw(`CREATE TRIGGER ${TRIGGER} AFTER INSERT ON activities FOR EACH ROW
		WHEN ${changesWaits(false, 'new')}
		BEGIN ${sqliteMeasure('new')} END`);
}
