// Mailgun inbound routes (form or multipart). signature = hex(HMAC-SHA256(signing key, timestamp + token));
// the timestamp must be recent and each token is accepted once (replay cache). 406 stops Mailgun retrying.
import { createHmac } from 'node:crypto';
import { safeEqual } from '../keys.js';
import { emailIds, firstOf, headerPairsLookup, messageIdFromHeaderPairs } from './email-headers.js';
import { draftDefaults, fieldValue, IngestError, type ProviderAdapter, text } from './types.js';

export const MAILGUN_TOLERANCE_SECONDS = 15 * 60;

export function mailgunSignature(signingKey: string, timestamp: string, token: string): string {
	return createHmac('sha256', signingKey)
		.update(timestamp + token)
		.digest('hex');
}

/** Tokens seen within the tolerance window; a replayed token is refused even with a valid signature. */
export class TokenReplayCache {
	private seen = new Map<string, number>();
	constructor(private ttlMs = MAILGUN_TOLERANCE_SECONDS * 2000) {}
	/** true the first time a token is offered, false for a replay. */
	claim(token: string, nowMs: number): boolean {
		for (const [key, expires] of this.seen) {
			if (expires > nowMs) break;
			this.seen.delete(key);
		}

		if (this.seen.has(token)) return false;
		this.seen.set(token, nowMs + this.ttlMs);
		return true;
	}
}

export function createMailgun(replayCache = new TokenReplayCache()): ProviderAdapter {
	return {
		accepts: ['form', 'multipart'],
		permanentRejectStatus: 406,
		verify(request, channel, now) {
			const key = channel.secrets.signing_key;
			if (!key) return;
			const timestamp = fieldValue(request.fields, 'timestamp') ?? '';
			const token = fieldValue(request.fields, 'token') ?? '';
			const signature = fieldValue(request.fields, 'signature') ?? '';
			if (!timestamp || !token || !signature)
				throw new IngestError(406, 'SIGNATURE_MISSING', 'Mailgun timestamp, token and signature are required');
			if (!safeEqual(mailgunSignature(key, timestamp, token), signature.toLowerCase()))
				throw new IngestError(406, 'SIGNATURE_INVALID', 'Mailgun signature is invalid');
			if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAILGUN_TOLERANCE_SECONDS)
				throw new IngestError(406, 'SIGNATURE_STALE', 'Mailgun timestamp is outside the tolerance window');
			if (!replayCache.claim(token, now.getTime()))
				throw new IngestError(406, 'SIGNATURE_REPLAYED', 'Mailgun token was already used');
		},
		parse(request, channel, now) {
			const get = (name: string) => fieldValue(request.fields, name);
			const from = get('from') ?? get('sender');
			if (!from) throw new IngestError(406, 'INVALID_FIELDS', 'Mailgun post needs from or sender');
			const draft = draftDefaults(channel, now);
			draft.type = 'email';
			draft.external_id = messageIdFromHeaderPairs(get('message-headers')) ?? get('Message-Id') ?? null;
			const ownField = (name: string) => request.fields.find(([key]) => key.toLowerCase() === name)?.[1];
			Object.assign(draft, emailIds(firstOf(headerPairsLookup(get('message-headers')), ownField)));
			draft.sender = from;
			draft.recipient = get('recipient') ?? get('To') ?? null;
			draft.subject = text(get('subject'), 1000);
			draft.content = text(get('stripped-text')) ?? text(get('body-plain'));
			draft.files = request.files;
			const { signature: _s, token: _t, ...payload } = Object.fromEntries(request.fields);
			draft.payload = payload;
			draft.metadata = { message_id: draft.external_id, html: text(get('body-html')) };
			return { activities: [draft] };
		},
	};
}
