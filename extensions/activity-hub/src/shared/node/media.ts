// Which remote media we may fetch: only https, only the provider's own media hosts, never an address that is not
// public unicast (checked again on the address DNS returns at connect time, so a name that resolves to 127.0.0.1
// or 169.254.169.254 is refused too), redirects only to another allowed host.
import { BlockList, isIP } from 'node:net';

export const MEDIA_HOSTS: Record<string, string[]> = {
	twilio: ['api.twilio.com', 'mms.twiliocdn.com', 'media.twiliocdn.com'],
	whatsapp: ['graph.facebook.com', 'lookaside.fbsbx.com'],
	// Cloud recordings: https://zoom.us/rec/download/… and regional hosts such as us02web.zoom.us.
	zoom: ['zoom.us'],
};

/** WhatsApp media ids resolve in two steps: the Graph API answers {url, mime_type}; that url is downloaded. */
export function whatsappMediaUrl(graphAnswer: unknown): string | null {
	const url = (graphAnswer as { url?: unknown } | null)?.url;
	return typeof url === 'string' && url ? url : null;
}

const blocked = new BlockList();
for (const [network, prefix] of [
	['0.0.0.0', 8],
	['10.0.0.0', 8],
	['100.64.0.0', 10],
	['127.0.0.0', 8],
	['169.254.0.0', 16],
	['172.16.0.0', 12],
	['192.0.0.0', 24],
	['192.0.2.0', 24],
	['192.88.99.0', 24],
	['192.168.0.0', 16],
	['198.18.0.0', 15],
	['198.51.100.0', 24],
	['203.0.113.0', 24],
	['224.0.0.0', 4],
	['240.0.0.0', 4],
] as const)
	blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
	['::', 128],
	['::1', 128],
	['64:ff9b::', 96],
	['100::', 64],
	['2001:db8::', 32],
	['fc00::', 7],
	['fe80::', 10],
	['ff00::', 8],
] as const)
	blocked.addSubnet(network, prefix, 'ipv6');

/** Public unicast only; IPv4-mapped IPv6 addresses are judged by their IPv4 part. */
export function isPublicAddress(address: string): boolean {
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	if (mapped) return isPublicAddress(mapped[1]!);
	const family = isIP(address);
	if (family === 0) return false;
	return !blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export function hostAllowed(hostname: string, allowed: string[]): boolean {
	const host = hostname.toLowerCase().replace(/\.$/, '');
	return allowed.some((entry) => host === entry || host.endsWith(`.${entry}`));
}

/** Why a media URL may not be fetched, or null when it may. */
export function mediaUrlRefusal(url: string, allowed: string[]): string | null {
	let parsed: URL;

	try {
		parsed = new URL(url);
	} catch {
		return 'not a URL';
	}

	if (parsed.protocol !== 'https:') return 'only https media is fetched';
	if (parsed.username || parsed.password) return 'credentials in the URL';
	const host = parsed.hostname.replace(/^\[|\]$/g, '');
	if (isIP(host)) return 'an IP address, not a provider host';
	if (!hostAllowed(host, allowed)) return `host ${host} is not a media host of this provider`;
	return null;
}
