// First-response times as an indexed aggregate. The Analytics panel took its medians and p90s from a window over every
// activity in the range, sorted by conversation on each request (about 80,000 rows for 30 days of 1,000,000); now each
// wait is a row of activity_hub_first_responses, kept by triggers on activities, so every write path (the ingest
// writer, replies, mailbox sync, Directus's REST and GraphQL, a re-match, a merge, an erasure, raw SQL) keeps it
// current in the same transaction, and the analytics read the range's waits from one index.
//
// A conversation is an activity's thread_key, contact and channel together (conversationOf); activities with neither a
// thread nor a contact are in none. In a conversation, an inbound activity that follows an outbound one (or opens the
// conversation) starts a wait and the next outbound activity ends it; later inbound activities before that reply wait
// with the first. A wait's row holds the inbound activity's id, channel and owner, the reply's time (a wait counts in
// the range its reply is in: a range is never short of the waits still open at its end) and the seconds between. A
// write in a conversation can change two waits at most (candidatesOf); the triggers measure those again, each from a
// few seeks on activity_hub_conversation_idx (an update measures both the old place and the new).
// The table is database-only (no Directus collection, so no licence limit counts it).
//
// The per-day counts read activities_daily_idx, narrower than z0015's activities_analytics_idx, which served the window
// and goes: on SQLite it leads with the UTC day, so the grouping follows the index instead of sorting the range.
import { isPostgres, lockForTriggers } from './z0015-activity-hub-search.js';

export const FIRST_RESPONSES = 'activity_hub_first_responses';

/** An activity's UTC day on SQLite (occurred_at is milliseconds there): the expression activities_daily_idx is on. */
export const SQLITE_DAY = 'CAST(occurred_at / 86400000 AS INTEGER)';

const CONVERSATION_INDEX = 'activity_hub_conversation_idx';

/** The conversation key of row `row` (or of the indexed row when `row` is empty); the index is on this expression. */
export function conversationOf(postgres, row = '') {
	const column = (name) => (row ? `${row}.${name}` : name);
	const text = (name) => (postgres ? `coalesce(${column(name)}::text, '')` : `ifnull(${column(name)}, '')`);
	return `(${text('thread_key')} || '|' || ${text('contact')} || '|' || ${text('channel')})`;
}

const inConversation = (row) => `(${row}.thread_key IS NOT NULL OR ${row}.contact IS NOT NULL)`;

const EARLIEST = (postgres) => (postgres ? `'-infinity'::timestamptz` : '-9e18');

/** The last outbound activity's time in conversation `key` before `at`. */
const lastReplyBefore = (postgres, key, at) => `(SELECT MAX(o.occurred_at) FROM activities o
	WHERE ${conversationOf(postgres, 'o')} = ${key} AND o.direction = 'outbound' AND o.occurred_at < ${at})`;

/**
 * SELECT of the waits that activities `candidates` (an SQL list of ids) start: an inbound candidate with no inbound
 * activity between it and the last outbound one before it, and an outbound activity after it, in its conversation —
 * `key` when given (an SQL expression; a candidate moved elsewhere is left out), else its own.
 */
function waitsOf(postgres, key, candidates) {
	const conv = (row) => conversationOf(postgres, row);
	const seconds = postgres ? 'EXTRACT(EPOCH FROM c.reply_at - c.occurred_at)' : '(c.reply_at - c.occurred_at) / 1000.0';
	const own = key ?? conv('i');

	return `SELECT c.id, c.reply_at, c.channel, c.owner, ${seconds} FROM (
			SELECT i.id, i.occurred_at, i.channel, i.owner, ${own} AS conversation,
				(SELECT MIN(o.occurred_at) FROM activities o
					WHERE ${conv('o')} = ${own} AND o.direction = 'outbound' AND o.occurred_at > i.occurred_at) AS reply_at,
				${lastReplyBefore(postgres, own, 'i.occurred_at')} AS previous_reply
			FROM activities i WHERE i.id IN (${candidates}) AND i.direction = 'inbound'
				AND ${key ? `${conv('i')} = ${key}` : inConversation('i')}
		) c
		WHERE c.reply_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM activities j
			WHERE ${conv('j')} = c.conversation AND j.direction = 'inbound' AND j.occurred_at < c.occurred_at
				AND j.occurred_at > coalesce(c.previous_reply, ${EARLIEST(postgres)}))`;
}

/**
 * The two activities whose waits a write of activity `self` (direction `direction`, at `at`, in conversation `key`)
 * can change, as SQL expressions: the first inbound activity after it (what precedes that one changed) and, for an
 * inbound activity, itself, for an outbound one the first inbound activity after the last outbound one before it
 * (the reply of that wait may have moved). An inbound activity changes no earlier wait: a reply ends a wait, not
 * another inbound message.
 */
function candidatesOf(postgres, { key, at, direction, self }) {
	const conv = (row) => conversationOf(postgres, row);

	const next = `(SELECT n.id FROM activities n
		WHERE ${conv('n')} = ${key} AND n.direction = 'inbound' AND n.occurred_at > ${at}
		ORDER BY n.occurred_at LIMIT 1)`;

	const answered = `(SELECT s.id FROM activities s
		WHERE ${conv('s')} = ${key} AND s.direction = 'inbound' AND s.occurred_at <= ${at}
			AND s.occurred_at > coalesce(${lastReplyBefore(postgres, key, at)}, ${EARLIEST(postgres)})
		ORDER BY s.occurred_at LIMIT 1)`;

	return [`CASE WHEN ${direction} = 'inbound' THEN ${self} ELSE ${answered} END`, next];
}

const COLUMNS = 'id, replied_at, channel, owner, seconds';
const WATCHED = ['direction', 'occurred_at', 'thread_key', 'contact', 'channel', 'owner'];

/**
 * PostgreSQL's function for inserts, the busiest write (the ingest writer's batches): once per statement over its
 * rows, a wait an inserted row changes is a candidate of that row in the conversation as the statement left it.
 * `measured`, when given, is an SQL condition on inserted row r: rows that fail it are not measured (z0019).
 */
export function postgresInsertedFunction(measured) {
	const inserted = candidatesOf(true, {
		key: conversationOf(true, 'r'),
		at: 'r.occurred_at',
		direction: 'r.direction',
		self: 'r.id',
	});

	return `
		CREATE OR REPLACE FUNCTION activity_hub_first_responses_inserted() RETURNS trigger
		LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
		DECLARE
			candidates uuid[];
		BEGIN
			SELECT array_agg(DISTINCT v.id) INTO candidates
				FROM inserted r CROSS JOIN LATERAL (VALUES (${inserted.join('), (')})) v(id)
				WHERE ${inConversation('r')}${measured ? ` AND ${measured}` : ''} AND v.id IS NOT NULL;
			IF candidates IS NULL THEN
				RETURN NULL;
			END IF;
			DELETE FROM ${FIRST_RESPONSES} WHERE id IN (SELECT unnest(candidates));
			INSERT INTO ${FIRST_RESPONSES} (${COLUMNS}) ${waitsOf(true, null, 'SELECT unnest(candidates)')};
			RETURN NULL;
		END $$`;
}

async function installPostgres(knex) {
	await lockForTriggers(knex, ['activities']);

	await knex.raw(`
		CREATE TABLE IF NOT EXISTS ${FIRST_RESPONSES} (
			id uuid PRIMARY KEY, replied_at timestamptz NOT NULL, channel uuid, owner uuid, seconds double precision NOT NULL)`);

	await knex.raw(
		`CREATE INDEX IF NOT EXISTS ${FIRST_RESPONSES}_idx ON ${FIRST_RESPONSES} (replied_at) INCLUDE (channel, owner, seconds)`,
	);

	await knex.raw(
		`CREATE INDEX IF NOT EXISTS ${CONVERSATION_INDEX} ON activities (${conversationOf(true)}, direction, occurred_at)`,
	);

	await knex.raw(
		'CREATE INDEX IF NOT EXISTS activities_daily_idx ON activities (occurred_at) INCLUDE (channel, type, match_status)',
	);

	const candidates = candidatesOf(true, { key: 'k', at: 't', direction: 'd', self: 'self' });

	// Measures again the waits a write at t in conversation k can change (self: the written row). Generic plans: the
	// statements' shape never changes, and planning them for each write's values cost several times their running.
	await knex.raw(`
		CREATE OR REPLACE FUNCTION activity_hub_measure_waits(k text, t timestamptz, d text, self uuid) RETURNS void
		LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
		DECLARE
			candidates uuid[];
		BEGIN
			candidates := array_remove(ARRAY[${candidates.join(', ')}], NULL);
			DELETE FROM ${FIRST_RESPONSES} WHERE id = ANY (candidates);
			INSERT INTO ${FIRST_RESPONSES} (${COLUMNS})
				${waitsOf(true, 'k', 'SELECT unnest(candidates)')};
		END $$`);

	await knex.raw(postgresInsertedFunction());

	await knex.raw(`
		CREATE OR REPLACE FUNCTION activity_hub_first_responses() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF ${inConversation('OLD')} THEN
				PERFORM activity_hub_measure_waits(${conversationOf(true, 'OLD')}, OLD.occurred_at, OLD.direction, OLD.id);
			ELSE
				DELETE FROM ${FIRST_RESPONSES} WHERE id = OLD.id;
			END IF;
			IF TG_OP = 'UPDATE' AND ${inConversation('NEW')} THEN
				PERFORM activity_hub_measure_waits(${conversationOf(true, 'NEW')}, NEW.occurred_at, NEW.direction, NEW.id);
			END IF;
			RETURN NULL;
		END $$`);

	const changed = WATCHED.map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`).join(' OR ');
	for (const name of ['inserted', 'deleted', 'update'])
		await knex.raw(`DROP TRIGGER IF EXISTS activity_hub_first_responses_${name} ON activities`);

	await knex.raw(`
		CREATE TRIGGER activity_hub_first_responses_inserted AFTER INSERT ON activities
		REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION activity_hub_first_responses_inserted()`);

	await knex.raw(`
		CREATE TRIGGER activity_hub_first_responses_deleted AFTER DELETE ON activities
		FOR EACH ROW EXECUTE FUNCTION activity_hub_first_responses()`);

	await knex.raw(`
		CREATE TRIGGER activity_hub_first_responses_update AFTER UPDATE OF ${WATCHED.join(', ')} ON activities
		FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION activity_hub_first_responses()`);
}

/**
 * SQLite's trigger body that measures again the waits a write of row `row` (new or old) can change. No variables in a
 * trigger: its statements name the row in place.
 */
export function sqliteMeasure(row) {
	const key = conversationOf(false, row);

	const candidates = candidatesOf(false, {
		key,
		at: `${row}.occurred_at`,
		direction: `${row}.direction`,
		self: `${row}.id`,
	}).join(', ');

	return `DELETE FROM ${FIRST_RESPONSES} WHERE id IN (${candidates});
		INSERT INTO ${FIRST_RESPONSES} (${COLUMNS}) SELECT * FROM (${waitsOf(false, key, candidates)}) WHERE ${inConversation(row)};`;
}

async function installSqlite(knex) {
	await knex.raw(`
		CREATE TABLE IF NOT EXISTS ${FIRST_RESPONSES} (
			id TEXT PRIMARY KEY, replied_at NUMERIC NOT NULL, channel TEXT, owner TEXT, seconds REAL NOT NULL)`);

	await knex.raw(
		`CREATE INDEX IF NOT EXISTS ${FIRST_RESPONSES}_idx ON ${FIRST_RESPONSES} (replied_at, channel, owner, seconds)`,
	);

	await knex.raw(
		`CREATE INDEX IF NOT EXISTS ${CONVERSATION_INDEX} ON activities (${conversationOf(false)}, direction, occurred_at)`,
	);

	await knex.raw(
		`CREATE INDEX IF NOT EXISTS activities_daily_idx ON activities (${SQLITE_DAY}, channel, type, match_status, occurred_at)`,
	);

	const changed = WATCHED.map((column) => `old.${column} IS NOT new.${column}`).join(' OR ');

	const triggers = [
		['activity_hub_first_responses_insert', 'AFTER INSERT ON activities FOR EACH ROW', sqliteMeasure('new')],
		['activity_hub_first_responses_delete', 'AFTER DELETE ON activities FOR EACH ROW', sqliteMeasure('old')],
		[
			'activity_hub_first_responses_update',
			`AFTER UPDATE OF ${WATCHED.join(', ')} ON activities FOR EACH ROW WHEN ${changed}`,
			`${sqliteMeasure('old')} ${sqliteMeasure('new')}`,
		],
	];

	for (const [name, when, body] of triggers) {
		await knex.raw(`DROP TRIGGER IF EXISTS ${name}`);
		await knex.raw(`CREATE TRIGGER ${name} ${when} BEGIN ${body} END`);
	}
}

/** The waits of the activities written before the triggers existed, with one window over all of them. */
async function measureExisting(knex, postgres) {
	const seconds = postgres ? 'EXTRACT(EPOCH FROM reply_at - occurred_at)' : '(reply_at - occurred_at) / 1000.0';

	await knex.raw(`DELETE FROM ${FIRST_RESPONSES}`);

	await knex.raw(`
		INSERT INTO ${FIRST_RESPONSES} (${COLUMNS})
		SELECT id, reply_at, channel, owner, ${seconds} FROM (
			SELECT id, occurred_at, channel, owner, direction,
				LAG(direction) OVER conversation AS previous_direction,
				MIN(CASE WHEN direction = 'outbound' THEN occurred_at END)
					OVER (conversation ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS reply_at
			FROM activities
			WHERE ${inConversation('activities')} AND occurred_at IS NOT NULL
			WINDOW conversation AS (PARTITION BY ${conversationOf(postgres)} ORDER BY occurred_at)
		) w
		WHERE direction = 'inbound' AND (previous_direction IS NULL OR previous_direction <> 'inbound')
			AND reply_at IS NOT NULL`);
}

export async function up(knex) {
	const postgres = isPostgres(knex);
	if (postgres) await installPostgres(knex);
	else await installSqlite(knex);
	await knex.raw('DROP INDEX IF EXISTS activities_analytics_idx');
	await measureExisting(knex, postgres);
}
