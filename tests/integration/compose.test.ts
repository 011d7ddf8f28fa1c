// No Docker engine runs here: the Dockerfile, .dockerignore and docker-compose.yml are parsed and the properties a
// working image and deployment depend on are asserted against the repository as it is.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(posix.join(root, path), 'utf8');
const readJson = (path: string) => JSON.parse(read(path));

const EXTENSION_DIR = 'extensions/activity-hub';
const rootPackage = readJson('package.json');
const extensionPackage = readJson(`${EXTENSION_DIR}/package.json`);

// ---- Dockerfile: a small line-based parser (continuations, comments, global ARGs, stages, COPY flags) ----------
interface Instruction {
	keyword: string;
	args: string;
}
interface Copy {
	/** Index of this COPY in its stage's instructions. */
	at: number;
	flags: Record<string, string>;
	sources: string[];
	dest: string;
}
interface Stage {
	image: string;
	name: string | undefined;
	instructions: Instruction[];
	copies: Copy[];
	runs: string[];
}

function parseDockerfile(text: string): { stages: Stage[]; globalArgs: Record<string, string> } {
	const instructions: Instruction[] = [];
	let pending = '';

	for (const rawLine of text.split(/\r?\n/)) {
		const line = rawLine.trim();
		if (line.startsWith('#') || (line === '' && pending === '')) continue; // comments vanish, even inside a continuation
		const continued = line.endsWith('\\');
		pending += `${continued ? line.slice(0, -1) : line} `;
		if (continued) continue;
		const match = /^(\S+)\s*(.*)$/s.exec(pending.trim());
		if (match) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim() });
		pending = '';
	}

	const globalArgs: Record<string, string> = {};
	const stages: Stage[] = [];

	const substitute = (value: string) =>
		value.replace(
			/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g,
			(_, braced: string, fallback: string | undefined, bare: string) => globalArgs[braced ?? bare] ?? fallback ?? '',
		);

	for (const instruction of instructions) {
		if (instruction.keyword === 'FROM') {
			const [image = '', as, name] = substitute(instruction.args)
				.split(/\s+/)
				.filter((part) => !part.startsWith('--'));

			stages.push({
				image,
				name: as?.toUpperCase() === 'AS' ? name : undefined,
				instructions: [],
				copies: [],
				runs: [],
			});

			continue;
		}

		const stage = stages.at(-1);

		if (!stage) {
			if (instruction.keyword === 'ARG') {
				const [name = '', value = ''] = instruction.args.split('=');
				globalArgs[name.trim()] = value.trim().replace(/^"(.*)"$/, '$1');
			}

			continue;
		}

		stage.instructions.push(instruction);
		if (instruction.keyword === 'RUN') stage.runs.push(instruction.args);

		if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
			const words = instruction.args.split(/\s+/);
			const flags: Record<string, string> = {};

			while (words[0]?.startsWith('--')) {
				const [flag = '', value = ''] = words.shift()!.slice(2).split('=');
				flags[flag] = value;
			}

			const rest = words.join(' ');
			const parts = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : words;

			stage.copies.push({
				at: stage.instructions.length - 1,
				flags,
				sources: parts.slice(0, -1),
				dest: parts.at(-1) ?? '',
			});
		}
	}

	return { stages, globalArgs };
}

// ---- .dockerignore: Docker's matching (`*`, `?`, `**`, `!` exceptions; a matched folder hides what is in it) ----
function parseDockerignore(text: string) {
	const rules = text
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter((line) => line !== '' && !line.startsWith('#'))
		.map((line) => {
			const negate = line.startsWith('!');
			const pattern = posix.normalize((negate ? line.slice(1) : line).trim()).replace(/^\/+|\/+$/g, '');
			let source = '';

			for (let i = 0; i < pattern.length; i++) {
				const char = pattern[i]!;
				if (char === '*' && pattern[i + 1] === '*') {
					i++;
					if (pattern[i + 1] === '/') {
						i++;
						source += '(?:.*/)?';
					} else source += '.*';
				} else if (char === '*') source += '[^/]*';
				else if (char === '?') source += '[^/]';
				else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
			}

			return { negate, regex: new RegExp(`^${source}$`) };
		});

	return (path: string) => {
		const parts = normalise(path).split('/');
		let ignored = false;
		for (const { negate, regex } of rules)
			if (parts.some((_, i) => regex.test(parts.slice(0, i + 1).join('/')))) ignored = !negate;
		return ignored;
	};
}

/** A build-context or in-image path without './', trailing slashes or duplicate separators ('' is the root). */
const normalise = (path: string) => {
	const normal = posix.normalize(path).replace(/(.)\/+$/, '$1');
	return normal === '.' ? '' : normal;
};

const isDirectory = (path: string) =>
	existsSync(posix.join(root, path)) && statSync(posix.join(root, path)).isDirectory();

/** Where a context COPY puts a source, relative to the stage's WORKDIR (Docker copies a folder's contents). */
function copyTarget(copy: Copy, source: string) {
	if (isDirectory(source)) return normalise(copy.dest);
	return copy.sources.length > 1 || copy.dest.endsWith('/')
		? normalise(posix.join(copy.dest, posix.basename(source)))
		: normalise(copy.dest);
}

/** Relative imports in the bundle's sources (what the build bundles) that reach outside the extension folder. */
function importsOutsideExtension() {
	const files: string[] = [`${EXTENSION_DIR}/extension.config.js`];

	const walk = (dir: string) => {
		for (const entry of readdirSync(posix.join(root, dir), { withFileTypes: true })) {
			const path = `${dir}/${entry.name}`;
			if (entry.isDirectory()) walk(path);
			else if (/\.(ts|js|mjs|vue)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) files.push(path);
		}
	};

	walk(`${EXTENSION_DIR}/src`);
	const specifiers: Array<{ file: string; target: string }> = [];
	let relativeImports = 0;

	for (const file of files) {
		const text = read(file);

		const found = [
			...[...text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'";()]*?\bfrom\s*['"]([^'"]+)['"]/gm)]
				.filter((m) => !m[1])
				.map((m) => m[2]!),
			...[...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
			...[...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
		].filter((specifier) => specifier.startsWith('.'));

		relativeImports += found.length;

		for (const specifier of found) {
			const target = normalise(posix.join(posix.dirname(file), specifier));
			if (!target.startsWith(`${EXTENSION_DIR}/`)) specifiers.push({ file, target });
		}
	}

	return { specifiers, relativeImports };
}

const { stages, globalArgs } = parseDockerfile(read('Dockerfile'));
const finalStage = stages.at(-1)!;
const buildStages = stages.slice(0, -1);
const isIgnored = parseDockerignore(read('.dockerignore'));
const contextCopies = buildStages.flatMap((stage) => stage.copies.filter((copy) => !copy.flags.from));

const contextSources = contextCopies.flatMap((copy) =>
	copy.sources.map((source) => ({ copy, source: normalise(source) })),
);

const bundleCopy = finalStage.copies.find((copy) => copy.dest.startsWith('/directus/extensions/'));

describe('Dockerfile', () => {
	it('is a multi-stage build: a Node 22+ build stage, then the pinned Directus 12 release the project tests against', () => {
		expect(stages.length).toBeGreaterThanOrEqual(2);

		for (const stage of buildStages) {
			const node = /^node:(\d+)/.exec(stage.image);
			expect(node, `build stage ${stage.image}`).not.toBeNull();
			expect(Number(node![1])).toBeGreaterThanOrEqual(22);
			expect(stage.name).toBeTruthy();
		}

		const [image, tag] = finalStage.image.split(':');
		expect(image).toBe('directus/directus');
		expect(tag).toMatch(/^12\.\d+\.\d+$/);
		expect(tag).toBe(rootPackage.dependencies.directus);
		expect(globalArgs.DIRECTUS_VERSION).toBe(tag);
	});

	it('copies only the unpacked npm release into /directus/extensions/<package name>, owned by node, with no RUN', () => {
		// The hardened Directus image has no shell and no npm: everything is prepared in the build stage.
		expect(finalStage.runs).toEqual([]);
		expect(finalStage.copies.length).toBeGreaterThan(0);
		for (const copy of finalStage.copies)
			expect(copy.flags.from, 'the final stage copies nothing from the build context').toBeTruthy();
		expect(bundleCopy).toBeDefined();
		expect(bundleCopy!.dest.replace(/\/+$/, '')).toBe(`/directus/extensions/${extensionPackage.name}`);
		expect(bundleCopy!.flags.chown).toBe('node:node');
		expect(bundleCopy!.sources).toHaveLength(1);
		const from = buildStages.find((stage) => stage.name === bundleCopy!.flags.from);
		expect(from, `stage ${bundleCopy!.flags.from}`).toBeDefined();
		// The source is what `npm pack` produced, unpacked: npm tarballs hold one folder named package/.
		const source = bundleCopy!.sources[0]!.replace(/\/+$/, '');
		expect(posix.basename(source)).toBe('package');
		const packing = from!.runs.find((run) => /\bnpm pack\b/.test(run));
		expect(packing).toBeDefined();
		expect(packing).toMatch(/\btar\b[^&;]*-x/);
		expect(packing).toContain(posix.dirname(source));
		expect(packing!.indexOf('npm run build')).toBeGreaterThanOrEqual(0);
		expect(packing!.indexOf('npm run build')).toBeLessThan(packing!.indexOf('npm pack'));
	});

	it('installs the locked dependencies of the extension workspace only, without the root lifecycle scripts', () => {
		const build = buildStages.at(-1)!;
		const install = build.runs.find((run) => /\bnpm (ci|install|i)\b/.test(run));
		expect(install).toMatch(/\bnpm ci\b/);
		expect(install).toMatch(new RegExp(`(--workspace[ =]|-w )${EXTENSION_DIR}\\b`));
		expect(install).toContain('--include-workspace-root=false');

		const rootScripts = ['preinstall', 'install', 'postinstall', 'prepare'].filter(
			(name) => rootPackage.scripts?.[name],
		);

		if (rootScripts.length > 0)
			expect(
				install,
				`root scripts (${rootScripts.join(', ')}) would run in the build stage without the files they use`,
			).toContain('--ignore-scripts');
		// npm ci checks the lock against every workspace manifest, so both have to be in the stage before it runs.
		const installAt = build.instructions.findIndex((i) => i.keyword === 'RUN' && i.args === install);

		const copiedBefore = build.copies
			.filter((copy) => copy.at < installAt)
			.flatMap((copy) => copy.sources.map(normalise));

		expect(copiedBefore).toEqual(
			expect.arrayContaining(['package.json', 'package-lock.json', `${EXTENSION_DIR}/package.json`]),
		);

		expect(rootPackage.workspaces).toContain(EXTENSION_DIR);
		expect(extensionPackage.scripts.build).toContain('directus-extension build');
	});

	it('has a package-lock.json in step with the manifests (npm ci refuses a stale lock, so the image would not build)', () => {
		const lock = readJson('package-lock.json');

		expect(lock.packages[`node_modules/${extensionPackage.name}`]).toMatchObject({
			resolved: EXTENSION_DIR,
			link: true,
		});

		const entry = lock.packages[EXTENSION_DIR];
		expect(entry.version).toBe(extensionPackage.version);

		for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
			expect(entry[field] ?? {}, `${EXTENSION_DIR} ${field}`).toEqual(extensionPackage[field] ?? {});
			expect(lock.packages[''][field] ?? {}, `root ${field}`).toEqual(rootPackage[field] ?? {});
		}
	});

	it('copies from the build context only paths that exist, are not dockerignored and keep the repository layout', () => {
		expect(contextSources.length).toBeGreaterThan(0);

		for (const { copy, source } of contextSources) {
			expect(existsSync(posix.join(root, source)), `${source} exists`).toBe(true);
			expect(source !== '' && isIgnored(source), `${source} is dockerignored`).toBe(false);
			// Relative imports such as ../../../../migrations/… only resolve if the stage mirrors the repository.
			expect(copyTarget(copy, source), `COPY ${source} ${copy.dest}`).toBe(source);
		}

		const build = buildStages.at(-1)!;
		expect(build.instructions.some((i) => i.keyword === 'WORKDIR')).toBe(true);
	});

	it('has every file the bundle imports from outside its folder (schema snapshot, install steps) in the build stage', () => {
		const { specifiers, relativeImports } = importsOutsideExtension();
		expect(relativeImports).toBeGreaterThan(0); // the scan sees the sources at all

		for (const { file, target } of specifiers) {
			const onDisk = target.includes('*') ? posix.dirname(target) : target;
			expect(existsSync(posix.join(root, onDisk)), `${file} imports ${target}`).toBe(true);

			const covered = contextSources.some(
				({ source }) => source === '' || target === source || target.startsWith(`${source}/`),
			);

			expect(covered, `${file} imports ${target}, which no COPY brings into the build stage`).toBe(true);
			expect(isIgnored(target), `${target} is dockerignored`).toBe(false);
		}

		const extensionCopied = contextSources.some(
			({ source }) => source === EXTENSION_DIR || EXTENSION_DIR.startsWith(`${source}/`) || source === '',
		);

		expect(extensionCopied).toBe(true);
	});

	it("packs what the package's `files` names: dist/ is built, everything else is in the extension folder", () => {
		const files: string[] = extensionPackage.files;
		expect(files).toContain('dist');
		for (const path of extensionPackage['directus:extension'].path
			? Object.values<string>(extensionPackage['directus:extension'].path)
			: [])
			expect(
				files.some((entry) => path === entry || path.startsWith(`${normalise(entry)}/`)),
				`${path} is packed`,
			).toBe(true);

		for (const entry of files.filter((entry) => normalise(entry) !== 'dist')) {
			const path = `${EXTENSION_DIR}/${normalise(entry)}`;
			expect(existsSync(posix.join(root, path)), `${path} exists (npm pack silently skips a missing one)`).toBe(true);
			expect(isIgnored(path), `${path} is dockerignored`).toBe(false);
		}
	});
});

describe('.dockerignore', () => {
	it.each([
		'node_modules',
		`${EXTENSION_DIR}/node_modules`,
		`${EXTENSION_DIR}/node_modules/vue/package.json`,
		`${EXTENSION_DIR}/dist`,
		`${EXTENSION_DIR}/dist/api.js`,
		'.git',
		'data',
		'test-artifacts',
		'.env',
	])('keeps %s out of the build context', (path) => {
		expect(isIgnored(path)).toBe(true);
	});

	it('keeps the sources the image is built from', () => {
		for (const path of [
			'package.json',
			'package-lock.json',
			`${EXTENSION_DIR}/package.json`,
			`${EXTENSION_DIR}/src`,
			'snapshots/activity-hub.json',
			'migrations',
		])
			expect(isIgnored(path), path).toBe(false);
	});
});

const compose = parse(read('docker-compose.yml'), { merge: true });
const services = compose.services as Record<string, any>;
const replicas = Object.entries(services).filter(([name]) => name.startsWith('directus-'));

describe('docker-compose.yml', () => {
	it('runs PostgreSQL, Redis and at least two Directus replicas, with no separate install service', () => {
		expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'redis']));
		expect(Object.keys(services)).not.toContain('install');
		expect(replicas.length).toBeGreaterThanOrEqual(2);
	});

	it.each(replicas.map(([name]) => name))('%s runs the image built from ./Dockerfile, clustered on Redis', (name) => {
		const service = services[name];
		const build = typeof service.build === 'string' ? { context: service.build } : service.build;
		expect(build, 'builds the image rather than pulling plain Directus').toBeDefined();
		expect(normalise(build.context)).toBe('');
		expect(normalise(build.dockerfile ?? 'Dockerfile')).toBe('Dockerfile');
		expect(service.image ?? '').not.toMatch(/^directus\/directus\b/);

		expect(service.environment).toMatchObject({
			DB_CLIENT: 'pg',
			REDIS: 'redis://redis:6379',
			SYNCHRONIZATION_STORE: 'redis',
			CACHE_STORE: 'redis',
			WEBSOCKETS_ENABLED: 'true',
			EXTENSIONS_MUST_LOAD: 'true',
		});

		expect(service.environment.SECRET).toContain('${SECRET');

		expect(String(service.environment.ACTIVITY_HUB_AUTO_INSTALL)).toMatch(
			/^(true|\$\{ACTIVITY_HUB_AUTO_INSTALL:-true\})$/,
		);

		// The bundle is found where the Dockerfile put it.
		expect(posix.join(service.environment.EXTENSIONS_PATH, posix.basename(bundleCopy!.dest))).toBe(
			bundleCopy!.dest.replace(/\/+$/, ''),
		);

		expect(service.depends_on.postgres.condition).toBe('service_healthy');
		expect(service.depends_on.redis.condition).toBe('service_healthy');
	});

	it.each(replicas.map(([name]) => name))(
		'%s installs nothing by hand: no migrations mount, no MIGRATIONS_PATH, no bundle mount',
		(name) => {
			const service = services[name];
			expect(service.environment).not.toHaveProperty('MIGRATIONS_PATH');
			expect(service.command).toBeUndefined();

			const volumes: string[] = (service.volumes ?? []).map((volume: string | { source?: string; target: string }) =>
				typeof volume === 'string' ? volume : `${volume.source ?? ''}:${volume.target}`,
			);

			for (const volume of volumes) {
				const [source = '', target = ''] = volume.split(':');
				expect(normalise(source), volume).not.toMatch(/^migrations\b/);

				// A mount over the extensions folder would hide the bundle baked into the image.
				expect(`${target}/`.startsWith('/directus/extensions/') || target === '/directus/extensions', volume).toBe(
					false,
				);
			}
		},
	);

	it('shares one image, one SECRET and one database between replicas', () => {
		expect(new Set(replicas.map(([, s]) => s.image)).size).toBe(1);
		expect(new Set(replicas.map(([, s]) => s.environment.SECRET)).size).toBe(1);
		expect(new Set(replicas.map(([, s]) => `${s.environment.DB_HOST}/${s.environment.DB_DATABASE}`)).size).toBe(1);
	});

	it('starts the replicas after the first one is healthy (Directus bootstrap is not safe to run concurrently)', () => {
		const [[first, firstService], ...others] = replicas as [[string, any], ...Array<[string, any]>];
		// Exec form: there is no shell in the Directus image.
		expect(firstService.healthcheck.test[0]).toBe('CMD');
		expect(firstService.healthcheck.test.join(' ')).toContain('/server/');
		for (const [name, service] of others) expect(service.depends_on[first]?.condition, name).toBe('service_healthy');
	});
});
