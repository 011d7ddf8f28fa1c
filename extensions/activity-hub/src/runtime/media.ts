// Fetching provider media (Twilio MediaUrlN, RecordingUrl) into Directus Files, in the background, safely: the URL
// policy (shared/media.ts) on every hop, the DNS answer checked at connect time, a byte cap, a timeout; through
// the operator's egress gateway when one is configured (a redirect it passes on is checked as the provider's).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Transform } from 'node:stream';

export interface MediaPolicy {
	/** Why a URL may not be fetched (null: it may). Checked on the first URL and on every redirect. */
	refuse: (url: string) => string | null;
	/** Whether a resolved address may be connected to. */
	addressAllowed: (address: string) => boolean;
	maxBytes: number;
	timeoutMs: number;
	maxRedirects: number;
	/** An egress gateway every request goes through as `{gateway}/{host}{path}` (config.mediaGatewayUrl). */
	gateway?: string | null;
}

/** The URL actually requested for a provider URL: itself, or its path on the gateway. */
export function viaGateway(url: URL, gateway: string | null | undefined): URL {
	return gateway ? new URL(`${gateway}/${url.host}${url.pathname}${url.search}`) : url;
}

export class MediaRefused extends Error {}

/** dns.lookup that fails when the name resolves to any address the policy refuses (e.g. 127.0.0.1.nip.io). */
export function guardedLookup(addressAllowed: (address: string) => boolean): LookupFunction {
	return ((hostname: string, options: any, callback: any) => {
		dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
			if (error) return callback(error);
			const list = addresses as unknown as LookupAddress[];
			const refused = list.find((entry) => !addressAllowed(entry.address));
			if (refused || list.length === 0)
				return callback(
					new MediaRefused(`${hostname} resolves to ${refused?.address ?? 'nothing'}, not a public address`),
				);
			if (options?.all) callback(null, list);
			else callback(null, list[0]!.address, list[0]!.family);
		});
	}) as LookupFunction;
}

/** Open a media URL: follows up to maxRedirects redirects, each re-checked; credentials go to the first host only. */
export async function openMedia(
	url: string,
	policy: MediaPolicy,
	headers: Record<string, string> = {},
): Promise<{ body: Transform; contentType: string }> {
	let current = url;
	const firstHost = new URL(url).host;

	for (let hop = 0; hop <= policy.maxRedirects; hop++) {
		const refusal = policy.refuse(current);
		if (refusal) throw new MediaRefused(refusal);
		const target = new URL(current);
		const requested = viaGateway(target, policy.gateway);

		const response = await new Promise<IncomingMessage>((resolve, reject) => {
			const request = (requested.protocol === 'https:' ? https : http).get(requested, {
				headers: target.host === firstHost ? headers : {},
				// The provider's host was checked above; the operator's gateway may well be a private address.
				...(policy.gateway ? {} : { lookup: guardedLookup(policy.addressAllowed) }),
				timeout: policy.timeoutMs,
			});

			request.on('response', resolve);
			request.on('timeout', () => request.destroy(new Error(`no answer within ${policy.timeoutMs} ms`)));
			request.on('error', reject);
		});

		const status = response.statusCode ?? 0;

		if (status >= 300 && status < 400 && response.headers.location) {
			response.resume();
			current = new URL(response.headers.location, current).toString();
			continue;
		}

		if (status !== 200) {
			response.resume();
			throw new Error(`the media host answered ${status}`);
		}

		if (Number(response.headers['content-length'] ?? 0) > policy.maxBytes) {
			response.destroy();
			throw new MediaRefused(`media larger than ${policy.maxBytes} bytes`);
		}

		return {
			body: response.pipe(capped(policy.maxBytes)),
			contentType: String(response.headers['content-type'] ?? 'application/octet-stream')
				.split(';')[0]!
				.trim(),
		};
	}

	throw new MediaRefused(`more than ${policy.maxRedirects} redirects`);
}

/** Passes bytes through until `max`, then fails the stream (a lying or missing Content-Length). */
function capped(max: number) {
	let seen = 0;
	return new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			seen += chunk.length;
			if (seen > max) callback(new MediaRefused(`media larger than ${max} bytes`));
			else callback(null, chunk);
		},
	});
}

/** A small in-process work queue: at most `concurrency` fetches at a time, never blocking ingestion. */
export class BackgroundQueue {
	private running = 0;
	private waiting: Array<() => Promise<void>> = [];
	constructor(private concurrency = 2) {}

	add(task: () => Promise<void>) {
		this.waiting.push(task);
		this.next();
	}

	private next() {
		while (this.running < this.concurrency && this.waiting.length > 0) {
			const task = this.waiting.shift()!;
			this.running++;

			void task()
				.catch(() => {})
				.finally(() => {
					this.running--;
					this.next();
				});
		}
	}
}
