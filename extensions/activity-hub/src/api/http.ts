// What every /activity-hub route shares: the error reply, the access guards and the parameter parsers.
import type { NextFunction, Request, Response, Router } from 'express';
import type { Accountability, EventContext, HubContext, SchemaOverview } from '../runtime/context.js';
import { checkAccess } from '../host/directus.js';
import {
	errorReply,
	ForbiddenError,
	HubError,
	InvalidPayloadError,
	NotFoundError,
	UnauthenticatedError,
} from '../shared/errors.js';
import { activityQueue } from '../queue/index.js';
import { isAgent } from '../runtime/agents.js';
import { DEFAULT_LEASE_SECONDS, MAX_LEASE_SECONDS, MIN_LEASE_SECONDS } from '../shared/limits.js';
import { UUID } from '../shared/ids.js';

/** The bundle's error class (shared/errors.ts) under the name the route groups throw it by. */
export { HubError as HttpError, UUID };

/** What Directus puts on an endpoint's request: who asks (after its authentication) and the schema. */
export type ApiRequest = Request & { accountability?: Accountability | null; schema: SchemaOverview };

/** What the route groups get from the endpoint: Directus's context and the helpers bound to it. */
export interface ApiScope {
	router: Router;
	context: HubContext;
	/** The same context (kept for the route groups written against this name). */
	ctx: HubContext;
	db: HubContext['database'];
}

type RequestScope = { schema?: SchemaOverview | null; accountability?: Accountability | null };

/** Who makes a request: what the guards and the services read of it (an Express request, an MCP call's request). */
export type Caller = { accountability?: Accountability | null; schema: SchemaOverview };

export const route =
	(handler: (req: ApiRequest, res: Response) => Promise<unknown>) =>
	(req: Request, res: Response, next: NextFunction) => {
		res.setHeader('Cache-Control', 'no-store');

		handler(req as ApiRequest, res).catch((error) => {
			const reply = errorReply(error);
			if (!reply) return next(error);
			res.status(reply.status).json(reply.body);
		});
	};

/** The bundle's own answer to an error (its status, code and message), or null for one Directus's handler answers. */
export const apiError = (error: unknown): HubError | null => (error instanceof HubError ? error : null);

/** Events of the request's transitions and writes carry its schema and accountability. */
export const eventContext = (db: HubContext['database'], req: RequestScope): EventContext => ({
	database: db,
	schema: req.schema ?? null,
	accountability: req.accountability ?? null,
});

export const queueFor = (db: HubContext['database'], req: RequestScope) =>
	activityQueue({ database: db, schema: () => req.schema ?? null, accountability: req.accountability ?? null });

type SignedIn = Accountability & { user: string };

export function requireUser(accountability?: Accountability | null): asserts accountability is SignedIn {
	if (!accountability?.user) throw new UnauthenticatedError('Log in or send a token');
}

export function requireAdmin(accountability?: Accountability | null): asserts accountability is SignedIn {
	requireUser(accountability);
	if (!accountability.admin) throw new ForbiddenError('Administrators only');
}

export async function requireAgent(
	db: HubContext['database'],
	accountability?: Accountability | null,
): Promise<SignedIn> {
	requireUser(accountability);
	if (!(await isAgent(db, accountability))) throw new ForbiddenError('The Activity Hub Agent policy is required');
	return accountability;
}

/** The caller's Directus permissions allow `action` on `collection` (admins always). */
export const requirePermission = async (
	db: HubContext['database'],
	req: RequestScope,
	action: 'create' | 'read' | 'update' | 'delete',
	collection: string,
) => {
	const { accountability } = req;
	requireUser(accountability);

	try {
		await checkAccess({ accountability, action, collection }, { schema: req.schema, knex: db });
	} catch {
		throw new ForbiddenError(`You may not ${action} ${collection}`);
	}
};

/** Whether the caller's Directus permissions allow reading `collection` (admins always). */
export const mayRead = async (db: HubContext['database'], req: RequestScope, collection: string) => {
	try {
		await requirePermission(db, req, 'read', collection);
		return true;
	} catch {
		return false;
	}
};

/** An activity id from a path parameter or a tool argument (404 for anything that is not a UUID). */
export const activityId = (value: unknown) => {
	const id = String(value);
	if (!UUID.test(id)) throw new NotFoundError('No such activity');
	return id;
};

export const existsOr404 = async (db: HubContext['database'], id: string) => {
	if (!(await db('activities').select('id').where({ id }).first())) throw new NotFoundError('No such activity');
};

export const leaseToken = (body: any) => {
	if (typeof body?.lease_token !== 'string' || !body.lease_token)
		throw new InvalidPayloadError('lease_token is required');
	return body.lease_token as string;
};

export const leaseSeconds = (body: any, fallback = DEFAULT_LEASE_SECONDS) => {
	const value = body?.lease_seconds ?? fallback;
	if (!Number.isInteger(value) || value < MIN_LEASE_SECONDS || value > MAX_LEASE_SECONDS)
		throw new InvalidPayloadError(`lease_seconds must be an integer from ${MIN_LEASE_SECONDS} to ${MAX_LEASE_SECONDS}`);
	return value as number;
};
