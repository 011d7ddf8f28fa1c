// One MCP server per request (stateless, as Directus's own /mcp): the caller's accountability and schema are those
// Directus authenticated this request with, so every tool, prompt and resource runs as that user.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
	CallToolRequestSchema,
	type CallToolResult,
	ErrorCode,
	GetPromptRequestSchema,
	ListPromptsRequestSchema,
	ListResourcesRequestSchema,
	ListResourceTemplatesRequestSchema,
	ListToolsRequestSchema,
	McpError,
	ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { apiError, type Caller } from '../api/http.js';
import type { HubContext } from '../runtime/context.js';
import { isAgent } from '../runtime/agents.js';
import { readActivity, readTimeline } from './reads.js';
import { TOOLS } from './tools.js';
import { PROMPTS } from './prompts.js';

export const SERVER_INFO = { name: 'activity-hub', title: 'Activity Hub', version: '0.2.0' };

const INSTRUCTIONS =
	'Activity Hub is a CRM inbox: customer messages, calls and e-mails arrive as activities, matched to contacts. ' +
	'Agents work the queue with claim_activities → get_activity/contact_timeline → complete_activity (or ' +
	'fail_activity), heartbeating long work; the process_next_activity prompt walks through one activity.';

/** The server validates nothing against JSON schemas itself (the actions do): no Ajv instance per request. */
const noValidator: jsonSchemaValidator = {
	getValidator:
		<T>(): JsonSchemaValidator<T> =>
		(input: unknown) => ({ valid: true, data: input as T, errorMessage: undefined }),
};

/** A tool's failure as the HTTP API reports it: `{ code, message }` with the API's codes (LEASE_LOST, FORBIDDEN…). */
export function toolError(ctx: HubContext, error: unknown): CallToolResult {
	const known = apiError(error);
	const directus = error as { code?: unknown; status?: unknown; message?: unknown } | null;
	let failure: { code: string; message: string };

	if (known) failure = { code: known.code, message: known.message };
	else if (typeof directus?.code === 'string' && typeof directus.status === 'number')
		failure = { code: directus.code, message: String(directus.message ?? directus.code) };
	else {
		ctx.logger.error(error, 'Activity Hub: MCP tool failed');
		failure = { code: 'INTERNAL_SERVER_ERROR', message: 'An unexpected error occurred' };
	}

	return { isError: true, content: [{ type: 'text', text: JSON.stringify(failure) }], structuredContent: failure };
}

const ok = (data: unknown): CallToolResult => ({
	content: [{ type: 'text', text: JSON.stringify(data) }],
	structuredContent: { data },
});

const RESOURCES = [
	{
		uriTemplate: 'activity-hub://activities/{id}',
		name: 'activity',
		title: 'Activity',
		description: 'One activity in full (what get_activity returns): content, transcript, attachment links, thread',
		mimeType: 'application/json',
	},
	{
		uriTemplate: 'activity-hub://contacts/{contact}/timeline',
		name: 'contact-timeline',
		title: "Contact's timeline",
		description: "The newest page of a contact's activities and notes (what contact_timeline returns)",
		mimeType: 'application/json',
	},
];

export async function mcpServer(ctx: HubContext, caller: Caller) {
	const agent = await isAgent(ctx.database, caller.accountability);
	const tools = TOOLS.filter((tool) => agent || !tool.queue);
	const prompts = PROMPTS.filter((prompt) => agent || !prompt.queue);

	const server = new Server(SERVER_INFO, {
		capabilities: { tools: {}, prompts: {}, resources: {} },
		instructions: INSTRUCTIONS,
		jsonSchemaValidator: noValidator,
	});

	server.setRequestHandler(ListToolsRequestSchema, () => ({
		tools: tools.map(({ name, title, description, inputSchema, annotations }) => ({
			name,
			title,
			description,
			inputSchema,
			...(annotations && { annotations }),
		})),
	}));

	server.setRequestHandler(CallToolRequestSchema, async (request) => {
		const tool = TOOLS.find((candidate) => candidate.name === request.params.name);
		if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool ${request.params.name}`);
		const args = (request.params.arguments ?? {}) as Record<string, unknown>;
		const missing = (tool.inputSchema.required ?? []).filter((name) => args[name] === undefined || args[name] === null);

		if (missing.length)
			return toolError(ctx, { code: 'INVALID_PAYLOAD', status: 400, message: `${missing.join(', ')} required` });

		try {
			return ok(await tool.run(args, { ctx, caller }));
		} catch (error) {
			return toolError(ctx, error);
		}
	});

	server.setRequestHandler(ListPromptsRequestSchema, () => ({
		prompts: prompts.map(({ name, title, description, arguments: args }) => ({
			name,
			title,
			description,
			arguments: args,
		})),
	}));

	server.setRequestHandler(GetPromptRequestSchema, (request) => {
		const prompt = prompts.find((candidate) => candidate.name === request.params.name);
		if (!prompt) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt ${request.params.name}`);
		return prompt.render(request.params.arguments ?? {});
	});

	server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: [] }));
	server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: RESOURCES }));

	server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
		const { uri } = request.params;
		const activity = /^activity-hub:\/\/activities\/([^/]+)$/.exec(uri);
		const timeline = /^activity-hub:\/\/contacts\/([^/]+)\/timeline$/.exec(uri);
		if (!activity && !timeline) throw new McpError(ErrorCode.InvalidParams, `Unknown resource ${uri}`);

		try {
			const data = activity
				? await readActivity(ctx, caller, decodeURIComponent(activity[1]!))
				: await readTimeline(ctx, caller, { contact: decodeURIComponent(timeline![1]!) });

			return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(data) }] };
		} catch (error) {
			const failure = toolError(ctx, error).structuredContent as { code: string; message: string };
			throw new McpError(ErrorCode.InvalidParams, failure.message, failure);
		}
	});

	return server;
}
