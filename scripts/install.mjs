// Install or upgrade Activity Hub in the database configured by the environment (DB_*, SECRET, ADMIN_*), additively:
// nothing the bundle does not own is deleted or altered. Used by docker-compose's `install` service and by teams
// adding Activity Hub to an existing Directus project (`npm run install-schema`).
import { installActivityHub } from './lib/directus.mjs';

await installActivityHub(process.env, (step) => console.log(`[activity-hub] ${step}`));
console.log('[activity-hub] installed');
