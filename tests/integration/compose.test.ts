// No Docker engine runs here: the compose file is parsed and its production settings asserted.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true });
const replicas = Object.entries(compose.services as Record<string, any>).filter(([name]) => name.startsWith('directus-'));

describe('docker-compose.yml', () => {
	it('runs PostgreSQL, Redis, an install step and at least two Directus 12.4.0 replicas', () => {
		expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'install']));
		expect(replicas.length).toBeGreaterThanOrEqual(2);
		for (const [, service] of [...replicas, ['install', compose.services.install]] as Array<[string, any]>) expect(service.image).toBe('directus/directus:12.4.0');
	});

	it.each(replicas.map(([name]) => name))('%s is set up for clustering and mounts the built bundle', (name) => {
		const service = compose.services[name];
		expect(service.environment).toMatchObject({
			DB_CLIENT: 'pg',
			REDIS: 'redis://redis:6379',
			SYNCHRONIZATION_STORE: 'redis',
			CACHE_STORE: 'redis',
			WEBSOCKETS_ENABLED: 'true',
		});
		expect(service.environment.SECRET).toContain('${SECRET');
		expect(service.volumes).toEqual(expect.arrayContaining([expect.stringMatching(/^\.\/extensions\/activity-hub\/dist:\/directus\/extensions\/activity-hub\/dist/)]));
		expect(service.depends_on.install.condition).toBe('service_completed_successfully');
	});

	it('shares one SECRET and one database between replicas', () => {
		const secrets = new Set(replicas.map(([, s]) => s.environment.SECRET));
		const databases = new Set(replicas.map(([, s]) => `${s.environment.DB_HOST}/${s.environment.DB_DATABASE}`));
		expect(secrets.size).toBe(1);
		expect(databases.size).toBe(1);
	});

	it('installs with the same additive script npm start uses', () => {
		expect(compose.services.install.command.join(' ')).toContain('install.mjs');
		expect(existsSync(new URL('../../scripts/install.mjs', import.meta.url))).toBe(true);
		expect(compose.services.install.volumes).toEqual(expect.arrayContaining([expect.stringContaining('./snapshots:'), expect.stringContaining('./migrations:')]));
	});
});
