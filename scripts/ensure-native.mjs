// Directus 12 runs on the Node 22 carried in node_modules (the `node-<platform>-<arch>` package). isolated-vm is V8-ABI
// specific: if npm compiled it against another Node's headers (e.g. a global `nodedir`), rebuild it
// against the carried Node 22 headers so `directus` does not crash with ERR_DLOPEN_FAILED.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node22Dir = join(root, 'node_modules', `node-${process.platform}-${process.arch}`);
const node22 = join(node22Dir, 'bin', 'node');

if (!existsSync(node22)) {
	console.log(
		`[activity-hub] no carried Node 22 for ${process.platform}-${process.arch}; Directus will use the Node on PATH (it needs ≥ 22)`,
	);

	process.exit(0);
}

const loads = () => spawnSync(node22, ['-e', "require('isolated-vm')"], { cwd: root, stdio: 'ignore' }).status === 0;

if (!existsSync(join(root, 'node_modules', 'isolated-vm')) || loads()) process.exit(0);

console.log('[activity-hub] rebuilding isolated-vm against the Node 22 headers (about a minute)…');

const rebuilt = spawnSync('npm', ['rebuild', 'isolated-vm', '--foreground-scripts'], {
	cwd: root,
	stdio: 'inherit',
	env: {
		...process.env,
		npm_config_nodedir: node22Dir,
		PATH: `${join(node22Dir, 'bin')}:${process.env.PATH}`,
	},
});

if (rebuilt.status !== 0 || !loads()) {
	console.error('[activity-hub] isolated-vm still does not load under Node 22');
	process.exit(1);
}
