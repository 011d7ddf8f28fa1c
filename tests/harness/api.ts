// Small HTTP helpers over fetch for black-box tests.
import type { Instance } from './instance.js';

export interface Reply<T = any> {
	status: number;
	body: T;
	text: string;
	headers: Headers;
}

export async function call<T = any>(
	url: string,
	init: RequestInit & { json?: unknown; token?: string } = {},
): Promise<Reply<T>> {
	const headers = new Headers(init.headers);
	if (init.token) headers.set('authorization', `Bearer ${init.token}`);
	let body = init.body;

	if (init.json !== undefined) {
		headers.set('content-type', 'application/json');
		body = JSON.stringify(init.json);
	}

	const response = await fetch(url, { ...init, headers, body });
	const text = await response.text();
	let parsed: any = text;

	try {
		parsed = JSON.parse(text);
	} catch {
		// not JSON (TwiML, challenge text)
	}

	return { status: response.status, body: parsed, text, headers: response.headers };
}

/** What the helpers need of a running Directus. */
export type Target = Pick<Instance, 'url' | 'token'>;

export const admin = (instance: Target) => ({
	get: (path: string) => call(`${instance.url}${path}`, { token: instance.token }),
	post: (path: string, json?: unknown) =>
		call(`${instance.url}${path}`, { method: 'POST', token: instance.token, json: json ?? {} }),
	patch: (path: string, json: unknown) =>
		call(`${instance.url}${path}`, { method: 'PATCH', token: instance.token, json }),
	delete: (path: string) => call(`${instance.url}${path}`, { method: 'DELETE', token: instance.token }),
});

export async function createChannel(
	instance: Target,
	fields: Record<string, unknown>,
): Promise<{ id: string; key: string; webhook: string }> {
	const created = await admin(instance).post('/items/ingestion_channels', {
		name: `${fields['provider'] ?? 'generic'} channel`,
		...fields,
	});

	if (created.status !== 200) throw new Error(`channel: ${created.status} ${created.text}`);
	const id = created.body.data.id as string;
	const key = await admin(instance).post(`/activity-hub/channels/${id}/key`);
	if (key.status !== 200) throw new Error(`key: ${key.status} ${key.text}`);
	return { id, key: key.body.data.key, webhook: `${instance.url}/ingest/${id}` };
}

/** A user with a static token holding the given role (e.g. the seeded Activity Agent role). */
export async function createUser(instance: Target, role: string | null, token: string) {
	const reply = await admin(instance).post('/users', {
		email: `${token}@example.com`,
		password: 'user-password-123',
		role,
		token,
		status: 'active',
	});

	if (reply.status !== 200) throw new Error(`user: ${reply.status} ${reply.text}`);
	return reply.body.data.id as string;
}

/** A Studio user (app access, not admin) whose own policy grants whole-collection `permissions`, as the Core tier allows. */
export async function createStudioUser(
	instance: Target,
	token: string,
	permissions: Array<{ collection: string; action: string }>,
) {
	const policy = await admin(instance).post('/policies', {
		name: `Policy of ${token}`,
		app_access: true,
		admin_access: false,
		permissions: permissions.map((p) => ({ ...p, fields: ['*'] })),
	});

	if (policy.status !== 200) throw new Error(`policy: ${policy.status} ${policy.text}`);
	const user = await createUser(instance, null, token);
	const access = await admin(instance).post('/access', { user, policy: policy.body.data.id });
	if (access.status !== 200) throw new Error(`access: ${access.status} ${access.text}`);
	return user;
}
