// Per-channel request budget; shared by every instance through Redis when Directus is configured with REDIS.
import type { Response } from 'express';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { RateLimitedError } from '../shared/errors.js';

/** Spends one request of the channel's budget, or refuses with 429 and a Retry-After. */
export type RateLimit = (channelId: string, res: Response) => Promise<void>;

export function channelRateLimit(env: Record<string, unknown>): RateLimit {
	const limiter = channelRateLimiter(env);

	return async (channelId, res) => {
		try {
			await limiter.consume(channelId);
		} catch {
			res.setHeader('Retry-After', '60');
			throw new RateLimitedError();
		}
	};
}

function channelRateLimiter(env: Record<string, unknown>) {
	const options = {
		points: Number(env['ACTIVITY_HUB_RATE_LIMIT_PER_MINUTE'] ?? 6000),
		duration: 60,
		keyPrefix: 'activity-hub:ingest',
	};

	const redis = typeof env['REDIS'] === 'string' && env['REDIS'] ? env['REDIS'] : null;
	if (!redis) return new RateLimiterMemory(options);
	const client = new Redis(redis, { enableOfflineQueue: false, lazyConnect: false, maxRetriesPerRequest: 1 });
	client.on('error', () => {}); // reported through the limiter's insurance fallback instead
	// If Redis is unreachable, each instance keeps limiting on its own rather than refusing or letting everything in.
	return new RateLimiterRedis({ ...options, storeClient: client, insuranceLimiter: new RateLimiterMemory(options) });
}
