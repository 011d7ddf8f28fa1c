// How a refused or failed ingest is answered: the bundle's one error reply (shared/errors.ts), the provider's own
// "do not retry" status where it has one, and a 500 that asks for a retry when the failure is ours.
import type { Response } from 'express';
import type { Channel } from '../runtime/channels.js';
import { errorReply, HubError, InternalError } from '../shared/errors.js';
import { adapters } from '../shared/node/providers/index.js';
import type { Logger } from './parts.js';

/** Statuses a provider with its own "do not retry" status (Postmark 403, Mailgun 406) gets that one for. */
const PERMANENT = [400, 401, 403, 415, 422];

export function sendError(res: Response, error: HubError) {
	if (res.headersSent) return;
	const reply = errorReply(error)!;
	res.status(reply.status).json(reply.body);
}

export function sendFailure(res: Response, error: unknown, channel: Channel | null, logger: Logger) {
	if (error instanceof HubError) {
		const permanent = channel ? adapters[channel.provider].permanentRejectStatus : undefined;
		if (permanent && PERMANENT.includes(error.status)) error.status = permanent;
		return sendError(res, error);
	}

	logger.error(error, 'Activity Hub: ingest failed');
	sendError(res, new InternalError());
}
