// How a refused or failed ingest is answered: Directus's error shape, the provider's own "do not retry" status
// where it has one, and a 500 that asks for a retry when the failure is ours.
import type { Response } from 'express';
import type { Channel } from '../runtime/channels.js';
import { adapters, IngestError } from '../shared/node/providers/index.js';
import type { Logger } from './parts.js';

export function sendError(res: Response, error: IngestError) {
	if (res.headersSent) return;
	res.status(error.status).json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
}

export function sendFailure(res: Response, error: unknown, channel: Channel | null, logger: Logger) {
	if (error instanceof IngestError) {
		const permanent = channel ? adapters[channel.provider].permanentRejectStatus : undefined;
		if (permanent && [400, 401, 403, 415, 422].includes(error.status)) error.status = permanent;
		return sendError(res, error);
	}

	logger.error(error, 'Activity Hub: ingest failed');
	sendError(res, new IngestError(500, 'INTERNAL', 'The activity could not be stored; retry later'));
}
