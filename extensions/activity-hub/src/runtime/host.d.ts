// Types for the host modules the bundle imports at runtime (kept external by extension.config.js).
declare module '@directus/api/emitter' {
	const emitter: {
		emitAction(event: string | string[], meta: Record<string, unknown>, context?: Record<string, unknown> | null): void;
	};
	export default emitter;
}
