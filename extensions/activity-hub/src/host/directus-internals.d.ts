// Types for the Directus internals that host/directus.ts imports at runtime (kept external by extension.config.js).
declare module '@directus/api/emitter' {
	type ActionHandler = (meta: Record<string, unknown>, context: Record<string, unknown> | null) => void;
	const emitter: {
		emitAction(event: string | string[], meta: Record<string, unknown>, context?: Record<string, unknown> | null): void;
		onAction(event: string, handler: ActionHandler): void;
		offAction(event: string, handler: ActionHandler): void;
	};
	export default emitter;
}

declare module '@directus/api/permissions/modules/validate-access/validate-access' {
	/** Throws Directus's ForbiddenError unless the accountability may perform `action` on `collection`. */
	export function validateAccess(
		options: {
			accountability: unknown;
			action: 'create' | 'read' | 'update' | 'delete';
			collection: string;
			primaryKeys?: Array<string | number>;
		},
		context: { schema: unknown; knex: unknown },
	): Promise<void>;
}

declare module '@directus/api/cache' {
	/** Clears the system (schema, permissions) and data caches on every instance (through the bus). */
	export function flushCaches(forced?: boolean): Promise<void>;
}

declare module '@directus/api/bus/index' {
	/** Directus's message bus: Redis pub/sub across instances when REDIS is set, in-process otherwise. */
	export function useBus(): {
		publish<T = unknown>(channel: string, payload: T): Promise<void>;
		subscribe<T = unknown>(channel: string, callback: (payload: T) => void): Promise<void>;
		unsubscribe<T = unknown>(channel: string, callback: (payload: T) => void): Promise<void>;
	};
}
