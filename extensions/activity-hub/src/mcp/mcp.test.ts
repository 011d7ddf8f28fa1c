// The MCP module's own decisions: the 401's WWW-Authenticate, the OAuth checks Directus's /mcp makes, tool errors
// with the HTTP API's codes, the tools' schemas, the thread's subject and the prompt.
import { describe, expect, it, vi } from 'vitest';
import { HttpError } from '../api/http.js';
import { LeaseLost } from '../queue/index.js';
import type { HubContext } from '../runtime/context.js';
import { oauthRefusal, wwwAuthenticate } from './index.js';
import { PROMPTS } from './prompts.js';
import { threadSubject } from './reads.js';
import { toolError } from './server.js';
import { TOOLS } from './tools.js';

const env = { PUBLIC_URL: 'https://crm.example/', MCP_OAUTH_ENABLED: true };
const metadata = 'https://crm.example/.well-known/oauth-protected-resource/mcp';

describe('WWW-Authenticate', () => {
	it('points at the protected resource metadata when MCP OAuth is on, as Directus /mcp does', () => {
		expect(wwwAuthenticate(env)).toBe(`Bearer resource_metadata="${metadata}", scope="mcp:access"`);

		expect(wwwAuthenticate(env, 'invalid_token')).toBe(
			`Bearer resource_metadata="${metadata}", scope="mcp:access", error="invalid_token"`,
		);
	});

	it('is a plain Bearer challenge without it', () => {
		expect(wwwAuthenticate({ PUBLIC_URL: 'https://crm.example' })).toBe('Bearer realm="directus"');
	});
});

describe('OAuth tokens', () => {
	const request = (oauth: unknown, tokenSource = 'header') =>
		({ accountability: { user: 'u', role: null, admin: false, oauth }, tokenSource }) as never;

	const good = { scopes: ['mcp:access'], aud: ['https://crm.example/mcp'] };

	it.each([
		['a static token or session', undefined, 'header', env, null],
		["a token for Directus's MCP resource", good, 'header', env, null],
		['a token for this endpoint', { ...good, aud: ['https://crm.example/activity-hub/mcp'] }, 'header', env, null],
		['a token in a cookie or query', good, 'query', env, { status: 401, error: 'invalid_request' }],
		[
			'a token without mcp:access',
			{ ...good, scopes: [] },
			'header',
			env,
			{ status: 403, error: 'insufficient_scope' },
		],
		[
			'a token for another resource',
			{ ...good, aud: ['https://other.example/mcp'] },
			'header',
			env,
			{ status: 401, error: 'invalid_token' },
		],
		[
			'any token with MCP OAuth off',
			good,
			'header',
			{ PUBLIC_URL: 'https://crm.example' },
			{ status: 401, error: 'invalid_token' },
		],
	])('%s', (_label, oauth, source, environment, expected) =>
		expect(oauthRefusal(request(oauth, source), environment)).toEqual(expected),
	);
});

describe('tool errors', () => {
	const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
	const ctx = { logger } as unknown as HubContext;
	const failure = (error: unknown) => toolError(ctx, error);

	it('carry the HTTP API codes as structured content', () => {
		expect(failure(new LeaseLost())).toMatchObject({
			isError: true,
			structuredContent: { code: 'LEASE_LOST', message: expect.stringContaining('lease') },
		});

		const result = failure(new HttpError(400, 'INVALID_PAYLOAD', 'limit must be an integer'));
		expect(result.structuredContent).toEqual({ code: 'INVALID_PAYLOAD', message: 'limit must be an integer' });
		expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual(result.structuredContent);
	});

	it("keep Directus's own codes, and hide unexpected errors (logged)", () => {
		const forbidden = Object.assign(new Error("You don't have permission to access this."), {
			code: 'FORBIDDEN',
			status: 403,
		});

		expect(failure(forbidden).structuredContent).toEqual({ code: 'FORBIDDEN', message: forbidden.message });

		expect(failure(new Error('SQLITE_BUSY at /srv/db')).structuredContent).toEqual({
			code: 'INTERNAL_SERVER_ERROR',
			message: 'An unexpected error occurred',
		});

		expect(logger.error).toHaveBeenCalledTimes(1);
	});
});

describe('tools', () => {
	it('each has a description for a model and a closed JSON schema naming its required arguments', () => {
		for (const tool of TOOLS) {
			expect(tool.description.length, tool.name).toBeGreaterThan(80);
			expect(tool.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
			for (const name of tool.inputSchema.required ?? []) expect(tool.inputSchema.properties).toHaveProperty(name);
		}
	});

	it('are the queue tools and the read, search and write tools (reply comes with its issue)', () => {
		expect(TOOLS.filter((t) => t.queue).map((t) => t.name)).toEqual([
			'claim_activities',
			'heartbeat',
			'complete_activity',
			'fail_activity',
		]);

		expect(TOOLS.filter((t) => !t.queue).map((t) => t.name)).toEqual([
			'get_activity',
			'contact_timeline',
			'search',
			'create_note',
			'link_contact',
			'reply',
		]);
	});
});

describe('thread subject', () => {
	it.each([
		['Re: Quote', 'Quote'],
		['RE: Fwd: AW: Quote for May', 'Quote for May'],
		['Re[2]: Quote', 'Quote'],
		['Quote', 'Quote'],
		['Regarding the quote', 'Regarding the quote'],
		[null, ''],
	])('%s → %s', (subject, expected) => expect(threadSubject(subject)).toBe(expected));
});

describe('process_next_activity', () => {
	const prompt = PROMPTS.find((p) => p.name === 'process_next_activity')!;
	const text = (args: Record<string, string>) => (prompt.render(args).messages[0]!.content as { text: string }).text;

	it('walks through claim, read, complete or fail, with the types and instructions given', () => {
		expect(text({})).toContain('claim_activities with {"limit": 1}');

		expect(text({ types: 'call, sms', instructions: 'Tag the product' })).toMatch(
			/"types": \["call","sms"\][\s\S]*Also: Tag the product/,
		);

		for (const step of [
			'get_activity',
			'contact_timeline',
			'heartbeat',
			'complete_activity',
			'fail_activity',
			'LEASE_LOST',
		])
			expect(text({})).toContain(step);
	});
});
