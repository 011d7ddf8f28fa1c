// An "Activity Hub" Insights dashboard, so the Queue health and Dual timeline panels are there on first login: the
// queue's health beside a live feed of every activity. Seeded once; admins rearrange or delete it like any other.
export const DASHBOARD_ID = '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a90';

const PANELS = [
	{
		id: '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a91',
		name: 'Queue health',
		icon: 'monitor_heart',
		type: 'activity-hub-queue-health',
		position_x: 1,
		position_y: 1,
		width: 24,
		height: 16,
		options: { refresh: 10 },
	},
	{
		id: '6f1b3e2a-9c4d-4e7f-8a1b-2c3d4e5f6a92',
		name: 'Live activity feed',
		icon: 'timeline',
		type: 'activity-hub-dual-timeline',
		position_x: 25,
		position_y: 1,
		width: 36,
		height: 32,
		options: {},
	},
];

export async function up(knex) {
	if (await knex('directus_dashboards').where({ id: DASHBOARD_ID }).first()) return;

	await knex('directus_dashboards').insert({
		id: DASHBOARD_ID,
		name: 'Activity Hub',
		icon: 'timeline',
		note: 'The activity queue and a live feed of what comes in',
	});

	for (const { options, ...panel } of PANELS)
		await knex('directus_panels').insert({
			...panel,
			dashboard: DASHBOARD_ID,
			show_header: true,
			options: JSON.stringify(options),
		});
}
