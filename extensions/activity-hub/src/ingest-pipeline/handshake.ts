// GET /ingest/:channelId — the WhatsApp (Meta) webhook verification: echo hub.challenge when hub.verify_token
// matches the channel's verify_token secret.
import type { Request, Response } from 'express';
import type { ChannelStore } from '../runtime/channels.js';
import { ChannelNotFoundError, HubError } from '../shared/errors.js';
import { whatsappChallenge } from '../shared/node/providers/whatsapp.js';
import { sendError } from './errors.js';
import { refusalOf } from './ingest-request.js';
import type { RefusalLog } from '../runtime/refusals.js';

export async function answerHandshake(
	channels: ChannelStore,
	refusals: RefusalLog,
	req: Request,
	res: Response,
): Promise<void> {
	res.setHeader('Cache-Control', 'no-store');
	const channel = await channels.get(String(req.params['channelId'])).catch(() => null);
	if (!channel || !channel.enabled) return sendError(res, new ChannelNotFoundError());
	const challenge = whatsappChallenge(req.query as Record<string, string>, channel.secrets.verify_token);

	if (challenge === null) {
		const error = new HubError(403, 'VERIFY_TOKEN_INVALID', 'Verification token does not match');
		refusals.record(refusalOf(req, channel, error.status, error.code));
		return sendError(res, error);
	}

	res.status(200).type('text/plain').send(challenge);
}
