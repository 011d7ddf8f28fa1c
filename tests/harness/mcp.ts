// An MCP client from the official SDK, connected to /activity-hub/mcp with a Directus token (tests and bench).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export async function mcpClient(url: string, token: string) {
	const client = new Client({ name: 'activity-hub-tests', version: '1.0.0' });

	const transport = new StreamableHTTPClientTransport(new URL(`${url}/activity-hub/mcp`), {
		requestInit: { headers: { authorization: `Bearer ${token}` } },
	});

	await client.connect(transport);
	return client;
}

export type McpClient = Awaited<ReturnType<typeof mcpClient>>;

/** A tool's reply: `data` on success (the HTTP API's `data`), or `error` `{ code, message }` when isError. */
export async function tool<T = any>(client: McpClient, name: string, args: Record<string, unknown> = {}) {
	const reply = await client.callTool({ name, arguments: args });
	const structured = reply.structuredContent as { data?: T; code?: string; message?: string } | undefined;
	if (reply.isError) return { error: structured as { code: string; message: string }, data: undefined };
	return { data: structured?.data as T, error: undefined };
}
