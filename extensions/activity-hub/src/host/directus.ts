// The one place the bundle reaches into Directus beyond the extension SDK. Directus promises extensions only their
// context (`services`, `database`, `getSchema`, …); these four modules are internals of @directus/api, so they are
// imported here and nowhere else, and host/directus.test.ts fails the build if a supported release moves them.
// They stay imports of the running host's modules (extension.config.js marks them external, never bundled): a
// bundled copy would be a second emitter and a second cache nobody listens to. The same holds for prom-client:
// Directus's /metrics prints prom-client's global `register`, so the bundle takes the very prom-client module
// @directus/api imports (resolved from @directus/api's own directory, as Node resolves it for Directus, pnpm layouts
// included), never a copy of its own.
import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';
import emitter from '@directus/api/emitter';
import { flushCaches } from '@directus/api/cache';
import { useBus } from '@directus/api/bus/index';
import { validateAccess } from '@directus/api/permissions/modules/validate-access/validate-access';

/** Item events on Directus's global emitter (the context's `emitter` is local to extensions), so websocket subscribers and flows see them. */
export function emitItemAction(
	event: 'create' | 'update' | 'delete',
	collection: string,
	meta: Record<string, unknown>,
	context: Record<string, unknown>,
) {
	emitter.emitAction([`${collection}.items.${event}`, `items.${event}`], { collection, ...meta }, context);
}

/** Throws Directus's ForbiddenError unless the accountability may perform `action` on `collection`. */
export const checkAccess = validateAccess;

/** After writing system rows (roles, policies, flows) with SQL: drop every instance's schema and permission caches. */
export const flushHostCaches = () => flushCaches(true);

let promClient: typeof PromClient | null = null;

/** Directus's own prom-client: its global `register` is the registry Directus's `/metrics` reads (and aggregates under PM2). */
export function hostPromClient(): typeof PromClient {
	if (!promClient) {
		const api = createRequire(import.meta.url).resolve('@directus/api/package.json');
		promClient = createRequire(api)('prom-client') as typeof PromClient;
	}

	return promClient;
}

/** Publishes on Directus's bus: every instance's subscribers hear it (through Redis when REDIS is set). */
export const publishToCluster = <T>(channel: string, payload: T) => useBus().publish(channel, payload);

/** Subscribes to Directus's bus (every instance's publications). */
export const subscribeToCluster = <T>(channel: string, callback: (payload: T) => void) =>
	useBus().subscribe(channel, callback);
