import { defineInterface } from '@directus/extensions-sdk';
import ChannelSetup from './channel-setup.vue';

export default defineInterface({
	id: 'activity-hub-channel-setup',
	name: 'Channel setup',
	icon: 'input',
	description: 'Webhook URL, key rotation and write-only provider secrets of an ingestion channel',
	component: ChannelSetup,
	types: ['alias'],
	localTypes: ['presentation'],
	group: 'presentation',
	options: null,
});
