// The one place the bundle reaches into Directus beyond the extension SDK. Directus promises extensions only their
// context (`services`, `database`, `getSchema`, …); these three modules are internals of @directus/api, so they are
// imported here and nowhere else, and host/directus.test.ts fails the build if a supported release moves them.
// They stay imports of the running host's modules (extension.config.js marks them external, never bundled): a
// bundled copy would be a second emitter and a second cache nobody listens to.
import emitter from '@directus/api/emitter';
import { flushCaches } from '@directus/api/cache';
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
