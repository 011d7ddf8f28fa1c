import { definePanel } from '@directus/extensions-sdk';
import DuplicatesPanel from './duplicates-panel.vue';

export default definePanel({
	id: 'activity-hub-duplicates',
	name: 'Possible duplicates',
	icon: 'people_outline',
	description: 'Contacts sharing an e-mail address or phone number, or the same name and company, to review and merge',
	component: DuplicatesPanel,
	options: [],
	minWidth: 12,
	minHeight: 8,
});
