// The seeded "Activity Hub" dashboard, laid out to fit a 1280 px screen with Studio's navigation and sidebar open
// (Insights' grid is 18 px a unit: 34 units ≈ 610 px): Queue health on top, the live feed below it. Only panels still
// where z0006 put them move; a dashboard an admin has rearranged is theirs.
import { DASHBOARD_ID } from './z0006-activity-hub-dashboard.js';

const LAYOUT = [
	{ id: '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a91', seeded: [1, 1, 24, 16], now: [1, 1, 34, 14] },
	{ id: '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a92', seeded: [25, 1, 36, 32], now: [1, 15, 34, 34] },
];

const geometry = ([position_x, position_y, width, height]) => ({ position_x, position_y, width, height });

export async function up(knex) {
	for (const { id, seeded, now } of LAYOUT)
		await knex('directus_panels')
			.where({ id, dashboard: DASHBOARD_ID, ...geometry(seeded) })
			.update(geometry(now));
}
