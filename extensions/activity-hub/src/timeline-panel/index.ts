import { definePanel } from '@directus/extensions-sdk';
import { STATUSES } from '../shared/activity.js';
import TimelinePanel from './timeline-panel.vue';

const itemOf = (collection: string) => ({
	interface: 'collection-item-dropdown',
	options: { selectedCollection: collection },
	width: 'half' as const,
});

export default definePanel({
	id: 'activity-hub-dual-timeline',
	name: 'Dual timeline',
	icon: 'timeline',
	description:
		"One contact's activities and notes, or a live feed of all activities filtered by channel, owner and status",
	component: TimelinePanel,
	options: [
		{
			field: 'contact',
			name: 'Contact',
			type: 'json',
			meta: { ...itemOf('contacts'), note: 'Empty: a feed of every contact' },
		},
		{
			field: 'channel',
			name: 'Channel',
			type: 'json',
			meta: { ...itemOf('ingestion_channels'), note: 'An upload channel also shows the file uploader' },
		},
		{ field: 'owner', name: 'Owner', type: 'json', meta: itemOf('directus_users') },
		{
			field: 'status',
			name: 'Status',
			type: 'string',
			meta: {
				interface: 'select-dropdown',
				width: 'half',
				options: {
					allowNone: true,
					choices: STATUSES.map((value) => ({ text: value, value })),
				},
			},
		},
	],
	minWidth: 16,
	minHeight: 12,
});
