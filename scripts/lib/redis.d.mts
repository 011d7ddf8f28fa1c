export interface RedisServer {
	url: string;
	stop(): Promise<void>;
}
export function startRedis(): Promise<RedisServer>;
