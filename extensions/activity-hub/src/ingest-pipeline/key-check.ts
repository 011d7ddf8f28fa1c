// The ingestion key: read first and then stripped from the request, before anything can log it.
import type { Request } from 'express';
import type { Channel } from '../runtime/channels.js';
import { hashKey, keyFromRequest, redactIngestionKey, safeEqual } from '../shared/node/keys.js';
import { IngestError } from '../shared/node/providers/index.js';

export type PresentedKey = ReturnType<typeof keyFromRequest>;

/**
 * The key the caller presented (none asked when Directus already authenticated it) and the URL the provider
 * signed, which still carries a `?key=`; then the key is redacted from the request.
 */
export function takeIngestionKey(req: Request, configuredUrl: string | null, keyRequired: boolean) {
	const presented: PresentedKey = keyRequired
		? keyFromRequest(req.headers, req.query as Record<string, unknown>)
		: null;

	const publicUrl = (configuredUrl ?? `${req.protocol}://${req.get('host')}`).replace(/\/$/, '') + req.originalUrl;

	const { key: _key, ...query } = req.query as Record<string, string>;
	redactIngestionKey(req);
	return { presented, publicUrl, query };
}

export function checkIngestionKey(channel: Channel, presented: PresentedKey) {
	if (!presented)
		throw new IngestError(401, 'KEY_MISSING', 'Ingestion key required (X-Ingestion-Key, Authorization or ?key=)');
	if (!channel.keyHash || !safeEqual(hashKey(presented.key), channel.keyHash))
		throw new IngestError(401, 'KEY_INVALID', 'Invalid ingestion key');
}
