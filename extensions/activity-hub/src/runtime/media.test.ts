// The media fetcher against real local HTTP servers, with a permissive URL policy so loopback can stand in for a
// provider; the production policy (https, provider hosts, public addresses) is tested in shared/media.test.ts and
// guardedLookup below.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../shared/node/media.js';
import { guardedLookup, type MediaPolicy, MediaRefused, openMedia } from './media.js';

let server: Server;
let base = '';
const seen: Array<{ url: string; authorization?: string }> = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		seen.push({ url: req.url!, authorization: req.headers.authorization });
		if (req.url === '/photo')
			return void res
				.writeHead(200, { 'content-type': 'image/jpeg; charset=binary', 'content-length': '5' })
				.end('hello');
		if (req.url === '/redirect') return void res.writeHead(302, { location: '/photo' }).end();
		if (req.url === '/elsewhere') return void res.writeHead(302, { location: 'http://localhost:1/photo' }).end();
		if (req.url === '/media.example/photo?size=2') return void res.writeHead(200).end('via gateway');
		if (req.url === '/media.example/moved')
			return void res.writeHead(302, { location: 'https://elsewhere.example/photo' }).end();
		if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
		if (req.url === '/big') return void res.writeHead(200, { 'content-length': '100000' }).end(Buffer.alloc(100000));

		if (req.url === '/lying') {
			res.writeHead(200);
			return void res.end(Buffer.alloc(100000));
		}

		res.writeHead(404).end();
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => server.close());

const policy = (refuse: MediaPolicy['refuse'] = () => null): MediaPolicy => ({
	refuse,
	addressAllowed: () => true,
	maxBytes: 1000,
	timeoutMs: 2000,
	maxRedirects: 2,
});

describe('openMedia', () => {
	it('streams the body with its type and sends the credentials', async () => {
		const media = await openMedia(`${base}/photo`, policy(), { authorization: 'Basic abc' });
		expect(media.contentType).toBe('image/jpeg');
		expect(await text(media.body)).toBe('hello');
		expect(seen.at(-1)).toEqual({ url: '/photo', authorization: 'Basic abc' });
	});

	it('follows a redirect, re-checking the policy on every hop', async () => {
		expect(await text((await openMedia(`${base}/redirect`, policy())).body)).toBe('hello');
		const refuseOtherHosts = (url: string) => (new URL(url).hostname === '127.0.0.1' ? null : 'another host');
		await expect(openMedia(`${base}/elsewhere`, policy(refuseOtherHosts))).rejects.toThrow('another host');
		await expect(openMedia(`${base}/loop`, policy())).rejects.toThrow('redirects');
	});

	it.each(['/big', '/lying'])('caps the size (%s)', async (path) => {
		await expect(openMedia(`${base}${path}`, policy()).then((media) => text(media.body))).rejects.toBeInstanceOf(
			MediaRefused,
		);
	});

	it('refuses before connecting when the policy says no', async () => {
		const before = seen.length;

		await expect(
			openMedia(
				`${base}/photo`,
				policy(() => 'not allowed'),
			),
		).rejects.toThrow('not allowed');

		expect(seen.length).toBe(before);
	});
});

describe('openMedia through an egress gateway', () => {
	const gateway = (refuse: MediaPolicy['refuse']) => ({
		...policy(refuse),
		addressAllowed: isPublicAddress,
		gateway: base,
	});

	const onlyMediaExample = (url: string) => (new URL(url).hostname === 'media.example' ? null : 'another host');

	it('requests {gateway}/{host}{path}?{query} with the credentials, though the gateway is on loopback', async () => {
		const media = await openMedia('https://media.example/photo?size=2', gateway(onlyMediaExample), {
			authorization: 'Bearer t',
		});

		expect(await text(media.body)).toBe('via gateway');
		expect(seen.at(-1)).toEqual({ url: '/media.example/photo?size=2', authorization: 'Bearer t' });
	});

	it('still checks the provider URL, and every redirect the gateway passes on', async () => {
		const before = seen.length;
		await expect(openMedia('https://evil.example/photo', gateway(onlyMediaExample))).rejects.toThrow('another host');
		expect(seen.length).toBe(before);
		await expect(openMedia('https://media.example/moved', gateway(onlyMediaExample))).rejects.toThrow('another host');
	});
});

describe('guardedLookup', () => {
	it('refuses a name that resolves to a private address, at connect time', async () => {
		const lookup = guardedLookup(isPublicAddress);

		const error = await new Promise<Error | null>((resolve) =>
			lookup('localhost', {}, (e: Error | null) => resolve(e)),
		);

		expect(error).toBeInstanceOf(MediaRefused);
		const before = seen.length;

		await expect(
			openMedia(`${base.replace('127.0.0.1', 'localhost')}/photo`, { ...policy(), addressAllowed: isPublicAddress }),
		).rejects.toBeInstanceOf(MediaRefused);

		expect(seen.length).toBe(before);
	});
});
