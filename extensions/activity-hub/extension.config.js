// @directus/api/emitter is the running Directus's own event bus: it must stay an import of the host's module
// (never a bundled copy) so that websocket subscribers and flows see the item events we emit.
export default {
	plugins: [
		{
			name: 'activity-hub-host-modules',
			resolveId(id) {
				return id.startsWith('@directus/api/') ? { id, external: true } : null;
			},
		},
	],
};
