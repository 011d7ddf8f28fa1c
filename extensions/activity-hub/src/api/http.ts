// What every /activity-hub route shares: the error reply, the access guards and the parameter parsers.
import type { NextFunction, Request, Response, Router } from 'express';
import type { Accountability, HubContext } from '../runtime/context.js';
import type { IngestContext } from '../ingest-pipeline/index.js';
import { checkAccess } from '../host/directus.js';
import { IngestError } from '../shared/node/providers/types.js';
import { activityQueue, LeaseLost } from '../queue/index.js';
import { isAgent } from '../runtime/agents.js';
import { MAX_LEASE_SECONDS } from '../shared/node/queue.js';
import { UUID } from '../shared/claim-filters.js';

export class HttpError extends Error {
	constructor(
		public status: number,
		public code: string,
		message: string,
	) {
		super(message);
	}
}

export { UUID };

export type ApiRequest = Request & { accountability?: Accountability; schema?: unknown };

/** What the route groups get from the endpoint: Directus's context and the helpers bound to it. */
export interface ApiScope {
	router: Router;
	context: IngestContext;
	ctx: HubContext;
	db: HubContext['database'];
}

export const route =
	(handler: (req: ApiRequest, res: Response) => Promise<unknown>) =>
	(req: Request, res: Response, next: NextFunction) => {
		res.setHeader('Cache-Control', 'no-store');

		handler(req as ApiRequest, res).catch((error) => {
			if (error instanceof LeaseLost)
				error = new HttpError(409, 'LEASE_LOST', 'The lease expired or belongs to another worker; nothing was changed');
			if (error instanceof IngestError) error = new HttpError(error.status, error.code, error.message);
			if (error instanceof HttpError)
				return res
					.status(error.status)
					.json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
			next(error);
		});
	};

/** Events of the request's transitions and writes carry its schema and accountability. */
export const eventContext = (
	db: HubContext['database'],
	req: { schema?: unknown; accountability?: Accountability },
) => ({
	database: db,
	schema: req.schema ?? null,
	accountability: req.accountability ?? null,
});

export const queueFor = (db: HubContext['database'], req: { schema?: unknown; accountability?: Accountability }) =>
	activityQueue({ database: db, schema: () => req.schema ?? null, accountability: req.accountability ?? null });

export const requireUser = (accountability?: Accountability) => {
	if (!accountability?.user) throw new HttpError(401, 'UNAUTHENTICATED', 'Log in or send a token');
};

export const requireAdmin = (accountability?: Accountability) => {
	requireUser(accountability);
	if (!accountability!.admin) throw new HttpError(403, 'FORBIDDEN', 'Administrators only');
};

export const requireAgent = async (db: HubContext['database'], accountability?: Accountability) => {
	requireUser(accountability);
	if (!(await isAgent(db, accountability!)))
		throw new HttpError(403, 'FORBIDDEN', 'The Activity Hub Agent policy is required');
};

/** The caller's Directus permissions allow `action` on `collection` (admins always). */
export const requirePermission = async (
	db: HubContext['database'],
	req: { accountability?: Accountability; schema?: unknown },
	action: 'create' | 'read',
	collection: string,
) => {
	requireUser(req.accountability);

	try {
		await checkAccess({ accountability: req.accountability!, action, collection }, { schema: req.schema, knex: db });
	} catch {
		throw new HttpError(403, 'FORBIDDEN', `You may not ${action} ${collection}`);
	}
};

export const activityId = (req: Request) => {
	const id = String(req.params['id']);
	if (!UUID.test(id)) throw new HttpError(404, 'NOT_FOUND', 'No such activity');
	return id;
};

export const existsOr404 = async (db: HubContext['database'], id: string) => {
	if (!(await db('activities').select('id').where({ id }).first()))
		throw new HttpError(404, 'NOT_FOUND', 'No such activity');
};

export const leaseToken = (body: any) => {
	if (typeof body?.lease_token !== 'string' || !body.lease_token)
		throw new HttpError(400, 'INVALID_PAYLOAD', 'lease_token is required');
	return body.lease_token as string;
};

export const leaseSeconds = (body: any, fallback = 300) => {
	const value = body?.lease_seconds ?? fallback;
	if (!Number.isInteger(value) || value < 5 || value > MAX_LEASE_SECONDS)
		throw new HttpError(400, 'INVALID_PAYLOAD', `lease_seconds must be an integer from 5 to ${MAX_LEASE_SECONDS}`);
	return value as number;
};
