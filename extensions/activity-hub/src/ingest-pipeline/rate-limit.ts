// Per-channel request budget; shared by every instance through Redis when Directus is configured with REDIS.
import type { Response } from 'express';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { HubConfig } from '../shared/config.js';
import { RateLimitedError } from '../shared/errors.js';

/** Spends one request of the channel's budget, or refuses with 429 and a Retry-After. */
export type RateLimit = (channelId: string, res: Response) => Promise<void>;

export function channelRateLimit(config: HubConfig): RateLimit {
	const limiter = channelRateLimiter(config);

	return async (channelId, res) => {
		try {
			await limiter.consume(channelId);
		} catch {
			res.setHeader('Retry-After', '60');
			throw new RateLimitedError();
		}
	};
}

function channelRateLimiter(config: HubConfig) {
	const options = {
		points: config.rateLimitPerMinute,
		duration: 60,
		keyPrefix: 'activity-hub:ingest',
	};

	const redis = config.directus.redis;
	if (!redis) return new RateLimiterMemory(options);
	const client = new Redis(redis, { enableOfflineQueue: false, lazyConnect: false, maxRetriesPerRequest: 1 });
	client.on('error', () => {}); // reported through the limiter's insurance fallback instead
	// If Redis is unreachable, each instance keeps limiting on its own rather than refusing or letting everything in.
	return new RateLimiterRedis({ ...options, storeClient: client, insuranceLimiter: new RateLimiterMemory(options) });
}
