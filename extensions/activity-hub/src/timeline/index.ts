import { defineInterface } from '@directus/extensions-sdk';
import Timeline from './timeline.vue';

export default defineInterface({
	id: 'activity-hub-timeline',
	name: 'Dual timeline',
	icon: 'timeline',
	description: 'Activities being processed beside the permanent notes of this contact',
	component: Timeline,
	types: ['alias'],
	localTypes: ['presentation'],
	group: 'presentation',
	hideLabel: true,
	options: null,
});
