// Provider secrets at rest: AES-256-GCM with a key derived (HKDF) from the instance SECRET, so a database dump
// alone reveals no Twilio token or signing key. Format: v1.<iv>.<tag>.<ciphertext>, base64url parts.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export function deriveKey(instanceSecret: string): Buffer {
	if (!instanceSecret || instanceSecret.length < 16)
		throw new Error('Activity Hub needs SECRET (≥ 16 characters) to encrypt channel secrets');
	return Buffer.from(hkdfSync('sha256', instanceSecret, 'activity-hub', 'channel-secrets-v1', 32));
}

export function seal(key: Buffer, plaintext: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
	return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(
		'.',
	);
}

export function open(key: Buffer, sealed: string): string {
	const [version, iv, tag, body] = sealed.split('.');
	if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unknown secret format');
	const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
	decipher.setAuthTag(Buffer.from(tag, 'base64url'));
	return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
