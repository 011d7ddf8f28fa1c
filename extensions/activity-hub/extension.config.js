// @directus/api/emitter is the running Directus's own event bus: it must stay an import of the host's module
// (never a bundled copy) so that websocket subscribers and flows see the item events we emit.
// The MCP SDK's server imports Ajv for its default JSON-schema validator, which src/mcp never uses (it hands the
// server its own); Ajv and its formats are replaced by a stub that throws if constructed, keeping ~300 KB out.
const AJV_STUB = '\0activity-hub-ajv-stub';

export default {
	plugins: [
		{
			name: 'activity-hub-host-modules',
			resolveId(id) {
				return id.startsWith('@directus/api/') ? { id, external: true } : null;
			},
		},
		{
			name: 'activity-hub-no-ajv',
			resolveId(id) {
				return id === 'ajv' || id === 'ajv-formats' ? AJV_STUB : null;
			},
			load(id) {
				if (id !== AJV_STUB) return null;
				return 'export default function Ajv() { throw new Error("Activity Hub bundles no Ajv: pass a jsonSchemaValidator"); }';
			},
		},
	],
};
