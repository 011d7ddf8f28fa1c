// The README states figures and promises; this keeps them honest: the performance table is the last full
// benchmark run, every test the guarantees table cites exists, and docs/architecture.md names every source folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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
