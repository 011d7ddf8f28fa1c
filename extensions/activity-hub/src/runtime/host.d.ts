// Types for the host modules the bundle imports at runtime (kept external by extension.config.js).
declare module '@directus/api/emitter' {
	const emitter: {
		emitAction(event: string | string[], meta: Record<string, unknown>, context?: Record<string, unknown> | null): void;
	};
	export default emitter;
}

declare module '@directus/api/permissions/modules/validate-access/validate-access' {
	/** Throws Directus's ForbiddenError unless the accountability may perform `action` on `collection`. */
	export function validateAccess(
		options: { accountability: unknown; action: 'create' | 'read' | 'update' | 'delete'; collection: string; primaryKeys?: Array<string | number> },
		context: { schema: unknown; knex: unknown },
	): Promise<void>;
}
