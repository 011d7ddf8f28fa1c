// The README's performance table, assembled per section: every row comes from the last full-size run of its
// section (kept in bench/results.json), so one section can be measured again — `BENCH_ONLY=imap npm run bench` —
// without repeating the whole hour-long run. Each run names its date, machine and load beside its rows.

/** The sections in the order `npm run bench` runs them and the table lists them. */
export const SECTION_ORDER = [
	'ingest',
	'matching',
	'contact-stream',
	'queue',
	'upload',
	'realtime',
	'timeline',
	'mcp',
	'search',
	'analytics',
	'imap',
	'replies',
] as const;

/** The rows one block of a run produced (a block may serve two sections, as search and analytics share data). */
export interface SectionRun {
	sections: string[];
	/** ISO time the block started. */
	run: string;
	machine: string;
	/** The 1-minute load average when the block started and ended (other work on the machine skews figures). */
	load: [number, number] | null;
	rows: string[][];
}

const rank = (run: SectionRun) =>
	Math.min(
		...run.sections.map((section) => {
			const at = (SECTION_ORDER as readonly string[]).indexOf(section);
			return at < 0 ? SECTION_ORDER.length : at;
		}),
	);

/** The stored runs with `fresh` in place of every stored run that shares a section with it, in section order. */
export function mergeRuns(stored: SectionRun[], fresh: SectionRun[]): SectionRun[] {
	const measured = new Set(fresh.flatMap((run) => run.sections));
	const kept = stored.filter((run) => !run.sections.some((section) => measured.has(section)));
	return [...kept, ...fresh].sort((a, b) => rank(a) - rank(b));
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The markdown the README embeds between its bench markers. */
export function renderTable(runs: SectionRun[]): string {
	const lines = [
		'| section | measure | goal | figure | result | details |',
		'|---|---|---|---|---|---|',
		...runs.flatMap((run) => run.rows.map((cells) => `| ${run.sections.join(', ')} | ${cells.join(' | ')} |`)),
	];

	const runsList = runs.map(
		(run) =>
			`- ${run.sections.join(', ')}: ${run.run.slice(0, 16).replace('T', ' ')} UTC, ${cell(run.machine)}, ` +
			(run.load ? `load ${run.load[0].toFixed(1)} → ${run.load[1].toFixed(1)}` : 'load not recorded'),
	);

	return `${lines.join('\n')}\n\nRuns (each section's last full-size run):\n\n${runsList.join('\n')}`;
}
