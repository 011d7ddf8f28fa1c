// Another Directus release of the host range, installed once per lockfile under node_modules/.activity-hub-hosts from
// the pinned manifest in tests/hosts/directus-<version>. Its native modules are the same versions as this
// repository's (isolated-vm, and sqlite3 through an override), so their builds are copied instead of compiled.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeBinary, ROOT } from '../../scripts/lib/directus.mjs';

const NATIVE_BUILDS: Array<[string, string]> = [
	['isolated-vm', 'out'],
	['sqlite3', 'build'],
];

const versionOf = (modules: string, name: string) =>
	JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')).version as string;

/** The folder holding that release's node_modules (installing it when missing or stale). */
export function hostRelease(version: string): string {
	const manifest = join(ROOT, 'tests', 'hosts', `directus-${version}`);
	const target = join(ROOT, 'node_modules', '.activity-hub-hosts', `directus-${version}`);
	const lock = readFileSync(join(manifest, 'package-lock.json'));
	const stamp = createHash('sha256').update(lock).digest('hex');
	if (existsSync(join(target, '.stamp')) && readFileSync(join(target, '.stamp'), 'utf8') === stamp) return target;

	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(manifest, file), join(target, file));

	execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: target,
		stdio: 'inherit',
	});

	const ours = join(ROOT, 'node_modules');
	const theirs = join(target, 'node_modules');

	for (const [name, folder] of NATIVE_BUILDS) {
		if (versionOf(ours, name) !== versionOf(theirs, name))
			throw new Error(
				`${name}: Directus ${version} locks ${versionOf(theirs, name)}, this repository ${versionOf(ours, name)}`,
			);
		cpSync(join(ours, name, folder), join(theirs, name, folder), { recursive: true });
	}

	execFileSync(nodeBinary(), ['-e', "require('isolated-vm'); require('sqlite3')"], { cwd: target });
	writeFileSync(join(target, '.stamp'), stamp);
	return target;
}
