// Shared by the flow operations: who the worker is and how options arrive.
import type { Accountability } from './context.js';

/** A flow works the queue as its triggering user, or as the flow itself ("flow:<id>") for schedules. */
export const flowWorker = (accountability: Accountability | null | undefined, flow?: { id?: string } | null) =>
	accountability?.user ?? `flow:${flow?.id ?? 'unknown'}`;

/** Options filled from Mustache templates arrive as text; JSON text becomes a value. */
export function jsonOption<T>(value: unknown, fallback: T): T {
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value !== 'string') return value as T;

	try {
		return JSON.parse(value) as T;
	} catch {
		return value as unknown as T;
	}
}

/**
 * A list option (types, channels) however a flow fills it: a list from the Studio form, JSON text from a template
 * such as `{{$trigger.body.channels}}`, comma-separated text, or a list holding any of these (a template typed as
 * one tag). Empty means none.
 */
export function listOption(value: unknown): unknown {
	const items = (item: unknown): unknown[] => {
		const parsed = jsonOption<unknown>(item, undefined);
		if (Array.isArray(parsed)) return parsed.flatMap(items);
		if (typeof parsed !== 'string') return parsed === undefined ? [] : [parsed];
		return parsed
			.split(',')
			.map((part) => part.trim())
			.filter(Boolean);
	};

	if (value === undefined || value === null || value === '') return undefined;
	const list = items(value);
	return list.length ? list : undefined;
}

/** The activity and lease token a Complete or Fail step acts on (usually `{{claim[0].id}}` and its token). */
export function leasedActivity(options: { activity?: unknown; lease_token?: unknown }): { id: string; token: string } {
	if (!options.activity || !options.lease_token) throw new Error('activity and lease_token are required');
	return { id: String(options.activity), token: String(options.lease_token) };
}
