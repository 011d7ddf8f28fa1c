// The duplicate review list on the seeded "Activity Hub" dashboard, beside Queue health: added once, only to that
// dashboard while it exists; an admin may move or delete it like any other panel.
import { DASHBOARD_ID } from './z0006-activity-hub-dashboard.js';

export const PANEL_ID = '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a93';

export async function up(knex) {
	if (!(await knex('directus_dashboards').where({ id: DASHBOARD_ID }).first())) return;
	if (await knex('directus_panels').where({ id: PANEL_ID }).first()) return;

	await knex('directus_panels').insert({
		id: PANEL_ID,
		dashboard: DASHBOARD_ID,
		name: 'Possible duplicates',
		icon: 'people_outline',
		type: 'activity-hub-duplicates',
		position_x: 35,
		position_y: 1,
		width: 24,
		height: 20,
		show_header: true,
		options: JSON.stringify({}),
	});
}
