// /activity-hub/mcp — the Activity Hub over the Model Context Protocol (Streamable HTTP, stateless: a server and a
// transport per request, JSON replies, so any instance answers any request). Directus has authenticated the request
// as for every /activity-hub route (static tokens, sessions, and its MCP OAuth tokens); the tools call the functions
// the HTTP routes call, with the same permission checks.
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Request, Response } from 'express';
import type { ApiRequest, ApiScope } from '../api/http.js';
import { mcpServer } from './server.js';

/** The scope Directus's MCP OAuth tokens carry (Directus's own /mcp requires it too). */
export const MCP_ACCESS_SCOPE = 'mcp:access';

type OAuthRequest = ApiRequest & {
	accountability?: ApiRequest['accountability'] & { oauth?: { scopes: string[]; aud: string[] } };
	tokenSource?: string;
};

const enabled = (value: unknown) => value === true || value === 'true';

/** RFC 6750 / RFC 9728, as Directus's /mcp answers: with MCP OAuth on, where to discover the authorization server. */
export function wwwAuthenticate(env: Record<string, unknown>, error?: string) {
	const base = String(env['PUBLIC_URL'] ?? '').replace(/\/+$/, '');

	let header = enabled(env['MCP_OAUTH_ENABLED'])
		? `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", scope="${MCP_ACCESS_SCOPE}"`
		: 'Bearer realm="directus"';

	if (error) header += `, error="${error}"`;
	return header;
}

/** Why an OAuth-authenticated request may not use this endpoint (Directus's /mcp checks the same), or null. */
export function oauthRefusal(
	req: OAuthRequest,
	env: Record<string, unknown>,
): { status: number; error: string } | null {
	const oauth = req.accountability?.oauth;
	if (!oauth) return null;
	if (!enabled(env['MCP_OAUTH_ENABLED'])) return { status: 401, error: 'invalid_token' };
	if (req.tokenSource !== 'header') return { status: 401, error: 'invalid_request' };
	if (!oauth.scopes?.includes(MCP_ACCESS_SCOPE)) return { status: 403, error: 'insufficient_scope' };
	const base = String(env['PUBLIC_URL'] ?? '').replace(/\/+$/, '');
	// Directus's authorization server issues tokens for its MCP resource; this endpoint is part of the same server.
	const audiences = [`${base}/mcp`, `${base}/activity-hub/mcp`];
	if (!oauth.aud?.some((aud) => audiences.includes(aud))) return { status: 401, error: 'invalid_token' };
	return null;
}

/** The Express request as the Fetch API request the SDK's transport reads (its JSON body already parsed). */
function webRequest(req: Request) {
	const headers = new Headers();

	for (const [name, value] of Object.entries(req.headers)) {
		if (Array.isArray(value)) for (const item of value) headers.append(name, item);
		else if (value !== undefined) headers.set(name, value);
	}

	return new globalThis.Request(`http://localhost${req.originalUrl}`, { method: req.method, headers });
}

export function registerMcpRoutes({ router, ctx }: ApiScope) {
	const unauthorized = (res: Response, status = 401, error?: string) =>
		res
			.status(status)
			.set('WWW-Authenticate', wwwAuthenticate(ctx.env, error))
			.set('Access-Control-Expose-Headers', 'WWW-Authenticate')
			.json({ errors: [{ message: 'Log in or send a token', extensions: { code: 'UNAUTHENTICATED' } }] });

	const handle = async (request: Request, res: Response) => {
		const req = request as OAuthRequest;
		res.setHeader('Cache-Control', 'no-store');
		if (!req.accountability?.user) return unauthorized(res);
		const refusal = oauthRefusal(req, ctx.env);
		if (refusal) return unauthorized(res, refusal.status, refusal.error);

		// Stateless: no session to resume, no server-sent stream to open (GET) or session to end (DELETE).
		if (req.method !== 'POST')
			return res
				.status(405)
				.set('Allow', 'POST')
				.json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed' }, id: null });

		const server = await mcpServer(ctx, req);

		const transport = new WebStandardStreamableHTTPServerTransport({
			sessionIdGenerator: undefined,
			enableJsonResponse: true,
		});

		try {
			await server.connect(transport);
			const reply = await transport.handleRequest(webRequest(req), { parsedBody: req.body });
			res.status(reply.status);
			reply.headers.forEach((value, name) => res.setHeader(name, value));
			// JSON text (enableJsonResponse); text() costs a fraction of arrayBuffer() here.
			res.send(await reply.text());
		} finally {
			await server.close();
		}
	};

	const mcp = (req: Request, res: Response, next: (error?: unknown) => void) => void handle(req, res).catch(next);
	router.post('/mcp', mcp);
	router.get('/mcp', mcp);
	router.delete('/mcp', mcp);
}
