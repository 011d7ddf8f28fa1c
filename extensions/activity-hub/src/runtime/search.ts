// Search across everything: one ranked read of the full-text index install step z0015 keeps with triggers
// (PostgreSQL: weighted tsvectors behind GIN indexes, ts_rank; SQLite: FTS5, bm25), then the page's rows and their
// highlights (ts_headline / snippet) for those rows only. Keyset-paged on (score, kind, id): `after` is the last
// result shown. The caller's right to read activities and notes is checked before (api/actions.ts): `kinds` says
// which of the two it may see.
import type { Knex } from 'knex';
import { dialectOf, toIso } from './context.js';
import {
	encodeSearchCursor,
	ftsExpression,
	type Highlight,
	highlights,
	MARK_END,
	MARK_START,
	type SearchCursor,
	type SearchKind,
	type SearchParams,
} from '../shared/search.js';

export interface SearchResult {
	kind: SearchKind;
	id: string;
	/** Higher is better; only comparable within one search. */
	score: number;
	occurred_at: string | null;
	contact: string | number | null;
	highlights: Highlight[];
	[field: string]: unknown;
}

export interface SearchPage {
	results: SearchResult[];
	/** Pass as `after` for the next page; null on the last one. */
	next: string | null;
}

interface Hit {
	kind: SearchKind;
	id: string;
	score: number;
	rid?: number;
}

export interface SearchScope {
	kinds: SearchKind[];
}

const HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "`;

/** Column weights of bm25 in the FTS5 table's order: subject, content, sender, recipient, summary, transcript. */
const BM25 = 'bm25(activity_hub_search, 8.0, 2.0, 1.0, 1.0, 4.0, 2.0)';

const ACTIVITY_FIELDS = [
	'a.id',
	'a.type',
	'a.direction',
	'a.status',
	'a.channel',
	'c.name as channel_name',
	'a.contact',
	'a.subject',
	'a.sender',
	'a.recipient',
	'a.occurred_at',
	'a.match_status',
];

const NOTE_FIELDS = ['id', 'contact', 'activity', 'author', 'source', 'date_created'];

/** Notes have no type or channel: a search narrowed by either finds activities only. */
const kindsFor = (params: SearchParams, scope: SearchScope) =>
	scope.kinds.filter((kind) => kind === 'activity' || (params.type === null && params.channel === null));

const afterClause = (after: SearchCursor | null) =>
	after
		? {
				sql: 'WHERE (score < ? OR (score = ? AND (kind > ? OR (kind = ? AND id > ?))))',
				bindings: [after.score, after.score, after.kind, after.kind, after.id],
			}
		: { sql: '', bindings: [] };

/** The query as a constant the planner folds (both functions are immutable), so the GIN index serves the match. */
const TSQUERY = 'websearch_to_tsquery(activity_hub_search_config(), ?::text)';

async function postgresHits(db: Knex, params: SearchParams, kinds: SearchKind[]): Promise<Hit[]> {
	const parts: string[] = [];
	const bindings: unknown[] = [];

	if (kinds.includes('activity')) {
		const where = [`s.document @@ ${TSQUERY}`];
		const values: unknown[] = [params.q];

		for (const [column, value] of [
			['a.contact', params.contact],
			['a.type', params.type],
			['a.channel', params.channel],
		] as const)
			if (value !== null) {
				where.push(`${column} = ?`);
				values.push(value);
			}

		parts.push(`SELECT 'activity' AS kind, a.id::text AS id, ts_rank(s.document, ${TSQUERY})::float8 AS score
			FROM activity_hub_activity_search s JOIN activities a ON a.id = s.id
			WHERE ${where.join(' AND ')}`);

		bindings.push(params.q, ...values);
	}

	if (kinds.includes('note')) {
		const where = [`s.document @@ ${TSQUERY}`];
		const values: unknown[] = [params.q];

		if (params.contact !== null) {
			where.push('n.contact = ?');
			values.push(params.contact);
		}

		parts.push(`SELECT 'note' AS kind, n.id::text AS id, ts_rank(s.document, ${TSQUERY})::float8 AS score
			FROM activity_hub_note_search s JOIN contact_notes n ON n.id = s.id
			WHERE ${where.join(' AND ')}`);

		bindings.push(params.q, ...values);
	}

	const after = afterClause(params.after);

	const { rows } = await db.raw(
		`WITH hits AS (${parts.join(' UNION ALL ')})
		SELECT kind, id, score FROM hits ${after.sql}
		ORDER BY score DESC, kind, id LIMIT ?`,
		[...bindings, ...after.bindings, params.limit + 1],
	);

	return rows.map((row: Hit) => ({ kind: row.kind, id: String(row.id), score: Number(row.score) }));
}

async function sqliteHits(db: Knex, params: SearchParams, kinds: SearchKind[], expression: string): Promise<Hit[]> {
	const where = ['activity_hub_search MATCH ?'];
	const bindings: unknown[] = [expression];
	const allowed = kinds.map((kind) => (kind === 'activity' ? "'a'" : "'n'")).join(', ');
	where.push(`k.kind IN (${allowed})`);

	if (params.contact !== null) {
		where.push(`((k.kind = 'a' AND a.contact = ?) OR (k.kind = 'n' AND n.contact = ?))`);
		bindings.push(params.contact, params.contact);
	}

	if (params.type !== null) {
		where.push('a.type = ?');
		bindings.push(params.type);
	}

	if (params.channel !== null) {
		where.push('a.channel = ?');
		bindings.push(params.channel);
	}

	const after = afterClause(params.after);
	const joinActivities = params.contact !== null || params.type !== null || params.channel !== null;

	// MATERIALIZED: bm25() is computed in the FTS5 query itself; the keyset condition applies to its result.
	const rows: Array<Hit & { rid: number }> = await db.raw(
		`WITH hits AS MATERIALIZED (
			SELECT CASE k.kind WHEN 'a' THEN 'activity' ELSE 'note' END AS kind, k.item AS id, -${BM25} AS score, f.rowid AS rid
			FROM activity_hub_search f JOIN activity_hub_search_keys k ON k.rid = f.rowid
			${joinActivities ? "LEFT JOIN activities a ON k.kind = 'a' AND a.id = k.item" : ''}
			${params.contact !== null ? "LEFT JOIN contact_notes n ON k.kind = 'n' AND n.id = k.item" : ''}
			WHERE ${where.join(' AND ')}
		)
		SELECT kind, id, score, rid FROM hits ${after.sql}
		ORDER BY score DESC, kind, id LIMIT ?`,
		[...bindings, ...after.bindings, params.limit + 1],
	);

	return rows.map((row) => ({ kind: row.kind, id: String(row.id), score: Number(row.score), rid: Number(row.rid) }));
}

type Marked = Record<string, string | null>;

async function postgresMarks(db: Knex, q: string, hits: Hit[]) {
	const marks = new Map<string, Marked>();
	const activityIds = hits.filter((hit) => hit.kind === 'activity').map((hit) => hit.id);
	const noteIds = hits.filter((hit) => hit.kind === 'note').map((hit) => Number(hit.id));

	const headline = (expression: string) =>
		`ts_headline(activity_hub_search_config(), coalesce(${expression}, ''), query.q, '${HEADLINE}')`;

	const query = `(SELECT websearch_to_tsquery(activity_hub_search_config(), ?) AS q) query`;

	if (activityIds.length) {
		const { rows } = await db.raw(
			`SELECT a.id::text AS id, ${headline('a.subject')} AS subject, ${headline('a.content')} AS content,
				${headline("a.processed_data::json ->> 'summary'")} AS summary,
				${headline("a.processed_data::json ->> 'transcript'")} AS transcript,
				${headline('a.sender')} AS sender, ${headline('a.recipient')} AS recipient
			FROM activities a, ${query} WHERE a.id = ANY(?::uuid[])`,
			[q, activityIds],
		);

		for (const row of rows) marks.set(`activity:${row.id}`, row);
	}

	if (noteIds.length) {
		const { rows } = await db.raw(
			`SELECT n.id::text AS id, ${headline('n.content')} AS content FROM contact_notes n, ${query} WHERE n.id = ANY(?::int[])`,
			[q, noteIds],
		);

		for (const row of rows) marks.set(`note:${row.id}`, row);
	}

	return marks;
}

async function sqliteMarks(db: Knex, expression: string, hits: Hit[]) {
	const marks = new Map<string, Marked>();
	if (!hits.length) return marks;
	const snippet = (column: number) => `snippet(activity_hub_search, ${column}, ?, ?, '…', 24)`;
	const columns = ['subject', 'content', 'sender', 'recipient', 'summary', 'transcript'];
	const marksBindings = columns.flatMap(() => [MARK_START, MARK_END]);

	const rows: Array<Marked & { rid: number }> = await db.raw(
		`SELECT f.rowid AS rid, ${columns.map((name, i) => `${snippet(i)} AS ${name}`).join(', ')}
		FROM activity_hub_search f WHERE activity_hub_search MATCH ? AND f.rowid IN (${hits.map(() => '?').join(', ')})`,
		[...marksBindings, expression, ...hits.map((hit) => hit.rid)],
	);

	const byRid = new Map(hits.map((hit) => [hit.rid, hit]));

	for (const row of rows) {
		const hit = byRid.get(Number(row.rid));
		if (hit) marks.set(`${hit.kind}:${hit.id}`, row);
	}

	return marks;
}

/** The page of results for `params`, best first, with the rows' fields and highlights. */
export async function search(db: Knex, params: SearchParams, scope: SearchScope): Promise<SearchPage> {
	const kinds = kindsFor(params, scope);
	const dialect = dialectOf(db);
	const expression = dialect === 'sqlite' ? ftsExpression(params.q) : null;
	if (!kinds.length || (dialect === 'sqlite' && !expression)) return { results: [], next: null };

	const found =
		dialect === 'postgres' ? await postgresHits(db, params, kinds) : await sqliteHits(db, params, kinds, expression!);

	const hits = found.slice(0, params.limit);
	const activityIds = hits.filter((hit) => hit.kind === 'activity').map((hit) => hit.id);
	const noteIds = hits.filter((hit) => hit.kind === 'note').map((hit) => Number(hit.id));

	const [activities, notes, marks] = await Promise.all([
		activityIds.length
			? db('activities as a')
					.leftJoin('ingestion_channels as c', 'c.id', 'a.channel')
					.whereIn('a.id', activityIds)
					.select(ACTIVITY_FIELDS)
			: [],
		noteIds.length ? db('contact_notes').whereIn('id', noteIds).select(NOTE_FIELDS) : [],
		dialect === 'postgres' ? postgresMarks(db, params.q, hits) : sqliteMarks(db, expression!, hits),
	]);

	const rows = new Map<string, Record<string, unknown>>();
	for (const row of activities) rows.set(`activity:${row.id}`, row);
	for (const row of notes) rows.set(`note:${row.id}`, row);

	const results = hits.flatMap((hit): SearchResult[] => {
		const row = rows.get(`${hit.kind}:${hit.id}`);
		if (!row) return []; // deleted between the two reads
		const marked = marks.get(`${hit.kind}:${hit.id}`) ?? {};

		const fields =
			hit.kind === 'activity'
				? { ...row, occurred_at: toIso(row['occurred_at']) }
				: { ...row, date_created: toIso(row['date_created']), occurred_at: toIso(row['date_created']) };

		return [
			{
				...fields,
				kind: hit.kind,
				id: String(row['id']),
				score: hit.score,
				contact: (row['contact'] as string | number | null) ?? null,
				occurred_at: fields.occurred_at,
				highlights: highlights(marked),
			},
		];
	});

	const last = hits[hits.length - 1];

	const next =
		found.length > params.limit && last
			? encodeSearchCursor({ score: last.score, kind: last.kind, id: last.id })
			: null;

	return { results, next };
}
