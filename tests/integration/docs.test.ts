// The README states figures and promises; this keeps them honest: the performance table is the last full
// benchmark run, every test the guarantees table cites exists, the configuration table is readConfig's, and
// docs/architecture.md names every source folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, DIRECTUS_VARIABLES } from '../../extensions/activity-hub/src/shared/config.js';
import { mergeRuns, renderTable, type SectionRun } from '../../bench/report.js';

const ROOT = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Hostile corpus cases are cited by name: tests/hostile/NNN-<name>.json. */
const HOSTILE_CASES = readdirSync(join(ROOT, 'tests', 'hostile')).map((file) =>
	file.replace(/^\d+-/, '').replace(/\.json$/, ''),
);

const TEST_DIRS = [
	'tests/integration',
	'tests/browser',
	'extensions/activity-hub/src/runtime',
	'extensions/activity-hub/src/queue',
	'extensions/activity-hub/src/shared',
	'extensions/activity-hub/src/shared/node',
	'extensions/activity-hub/src/shared/node/providers',
];

describe('bench/report.ts', () => {
	const run = (sections: string[], run = '2026-12-01T00:00:00.000Z'): SectionRun => ({
		sections,
		run,
		machine: 'm',
		load: [1, 2],
		rows: [[sections.join('+'), 'g', 'f', 'r', 'd']],
	});

	it.each([
		['adds a new section in section order', [['ingest'], ['imap']], [['queue']], ['ingest', 'queue', 'imap']],
		['replaces a section measured again', [['ingest'], ['queue']], [['queue']], ['ingest', 'queue']],
		[
			'replaces a shared block when one of its sections is measured',
			[['search', 'analytics']],
			[['analytics']],
			['analytics'],
		],
		['keeps unknown sections last', [['later'], ['ingest']], [['imap']], ['ingest', 'imap', 'later']],
	])('%s', (_, stored, fresh, expected) => {
		const merged = mergeRuns(
			stored.map((s) => run(s)),
			fresh.map((s) => run(s, '2026-12-02T00:00:00.000Z')),
		);

		expect(merged.map((r) => r.sections.join(','))).toEqual(expected);
		for (const r of merged)
			if (fresh.some((f) => f.join() === r.sections.join())) expect(r.run).toContain('2026-12-02');
	});

	it('lists each run with its date, machine and load under the table', () => {
		const table = renderTable([run(['ingest']), { ...run(['queue']), load: null }]);
		expect(table).toContain('| ingest | ingest | g | f | r | d |');
		expect(table).toContain('- ingest: 2026-12-01 00:00 UTC, m, load 1.0 → 2.0');
		expect(table).toContain('- queue: 2026-12-01 00:00 UTC, m, load not recorded');
	});
});

describe('README', () => {
	it('shows the table of every section’s last full-size benchmark run', () => {
		const begin = readme.indexOf('<!-- bench:begin');
		const end = readme.indexOf('<!-- bench:end -->');
		expect(begin).toBeGreaterThan(0);
		const embedded = readme.slice(readme.indexOf('\n', begin) + 1, end).trim();
		const runs = JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8')) as SectionRun[];
		expect(embedded).toBe(renderTable(runs));
		expect(embedded).not.toMatch(/BENCH_QUICK/); // only full-size runs belong in the README
		for (const measure of [
			'ingest vs POST /items/activities',
			'claim + complete vs pg-boss',
			'realtime: webhook accepted',
			'timeline first page',
			'matching cost',
			'upload: server RSS',
		])
			expect(embedded).toContain(measure);
	});

	it('cites only tests that exist in its guarantees table', () => {
		const section = readme.slice(readme.indexOf('## Guarantees'), readme.indexOf('## Permissions'));
		const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| promise'));
		expect(rows.length).toBeGreaterThanOrEqual(10);

		for (const row of rows) {
			const cited = row.split(' | ').at(-1)!;
			const files = [...cited.matchAll(/`([\w.-]+\.test\.ts)`((?:[^`])*)/g)];
			expect(files.length, row).toBeGreaterThan(0);

			for (const [, file, titles] of files) {
				const path = TEST_DIRS.map((dir) => join(ROOT, dir, file!)).find((candidate) => existsSync(candidate));
				expect(path, `${file} cited in: ${row}`).toBeDefined();
				const source = readFileSync(path!, 'utf8');

				for (const [, title] of titles!.matchAll(/"([^"]+)"/g)) {
					const found = source.includes(title!) || (file === 'hostile.test.ts' && HOSTILE_CASES.includes(title!));
					expect(found, `"${title}" in ${file}`).toBe(true);
				}
			}
		}
	});

	it('documents exactly the variables readConfig knows, with its defaults', () => {
		const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Tests'));
		const rows = section.split('\n').filter((line) => line.startsWith('| `'));
		const cells = (row: string) => row.split(' | ').map((cell) => cell.replace(/^\| /, '').trim());
		// `ACTIVITY_HUB_A`, `…_B` with `x`, 6000: names and defaults pair up in order; — is "unset".
		const documented = new Map<string, string>();

		for (const row of rows) {
			const [names, defaults] = cells(row);
			const variables = [...names!.matchAll(/`([^`]+)`/g)].map(([, name]) => name!.replace(/^…_/, 'ACTIVITY_HUB_'));
			if (!variables.some((name) => name.startsWith('ACTIVITY_HUB_'))) continue;
			const values = defaults!.split(', ');
			expect(values, row).toHaveLength(variables.length);
			variables.forEach((name, i) => documented.set(name, values[i]!));
		}

		const shown = (value: unknown) => {
			if (value === undefined) return '—';
			if (typeof value === 'number') return String(value);
			return `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
		};

		expect([...documented.keys()].sort()).toEqual(Object.keys(CONFIG_DEFAULTS).sort());
		for (const [name, value] of Object.entries(CONFIG_DEFAULTS)) expect(documented.get(name), name).toBe(shown(value));

		const directus = rows.flatMap((row) => [...cells(row)[0]!.matchAll(/`([A-Z_]+)[`=]/g)].map(([, name]) => name));
		for (const name of DIRECTUS_VARIABLES) expect(directus, `${name} in the configuration table`).toContain(name);

		const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
		for (const name of [...Object.keys(CONFIG_DEFAULTS), ...DIRECTUS_VARIABLES])
			expect(example, `${name} in .env.example`).toMatch(new RegExp(`^# ${name}=`, 'm'));
	});
});

describe('docs/architecture.md', () => {
	it('names every folder of the package source, and only folders that exist', () => {
		const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
		const src = join(ROOT, 'extensions', 'activity-hub', 'src');
		const folders = readdirSync(src, { withFileTypes: true }).filter((entry) => entry.isDirectory());

		for (const { name } of folders) expect(doc, `src/${name}`).toContain(`\`${name}\``);

		for (const [, path] of doc.matchAll(/`(src\/[\w/.-]+)`/g))
			expect(existsSync(join(ROOT, 'extensions', 'activity-hub', path!)), path).toBe(true);
	});
});
