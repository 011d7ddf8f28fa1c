// SQLite measures first-response waits row by row (z0018), and the ingest writer inserts inbound messages as they
// arrive: the latest in their conversation. Such a row changes no wait — it has no reply yet, nothing follows it, and
// an inbound activity never changes an earlier wait — yet each paid the trigger's candidate and wait subqueries, about
// a tenth of SQLite's ingest. The insert trigger now runs only for a reply, or for a row that something in its
// conversation follows (an import of older mail, a clock behind), checked with one seek on the conversation index.
// PostgreSQL's insert trigger runs once per statement (one plpgsql call per ingest batch) and stays as it is.
import { isPostgres } from './z0015-activity-hub-search.js';
import { conversationOf, sqliteMeasure } from './z0018-activity-hub-first-responses.js';

const TRIGGER = 'activity_hub_first_responses_insert';

/** Whether an activity of the same conversation follows row `new` (both directions: either can change its waits). */
const followed = `EXISTS (SELECT 1 FROM activities later
	WHERE ${conversationOf(false, 'later')} = ${conversationOf(false, 'new')}
		AND later.direction IN ('inbound', 'outbound') AND later.occurred_at > new.occurred_at)`;

export async function up(knex) {
	if (isPostgres(knex)) return;
	await knex.raw(`DROP TRIGGER IF EXISTS ${TRIGGER}`);

	await knex.raw(`CREATE TRIGGER ${TRIGGER} AFTER INSERT ON activities FOR EACH ROW
		WHEN new.direction = 'outbound' OR ${followed}
		BEGIN ${sqliteMeasure('new')} END`);
}
