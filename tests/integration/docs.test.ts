// The README states figures and promises; this keeps them honest: the performance table is the last full
// benchmark run, every test the guarantees table cites exists, the configuration table is readConfig's, and
// docs/architecture.md names every source folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, DIRECTUS_VARIABLES } from '../../extensions/activity-hub/src/shared/config.js';

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

describe('README', () => {
	it('shows the table of the last full benchmark run', () => {
		const begin = readme.indexOf('<!-- bench:begin');
		const end = readme.indexOf('<!-- bench:end -->');
		expect(begin).toBeGreaterThan(0);
		const embedded = readme.slice(readme.indexOf('\n', begin) + 1, end).trim();
		const lastRun = readFileSync(join(ROOT, 'bench', 'last-run.md'), 'utf8').trim();
		expect(lastRun).not.toMatch(/BENCH_QUICK/); // only a full run belongs in the README
		expect(embedded).toBe(lastRun);
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
