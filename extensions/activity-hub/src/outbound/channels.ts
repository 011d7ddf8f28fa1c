// What a channel needs to send: its provider, secrets (the ingest pipeline's channel store, which holds them sealed)
// and `settings` (from, messaging service, phone number id, SMTP relay), all from the store's short-lived cache.
import type { Channel, ChannelStore } from '../runtime/channels.js';
import { ChannelCannotSendError } from '../shared/errors.js';
import type { ActivityType } from '../shared/activity.js';
import { smtpSettings } from '../shared/node/senders/email.js';

export interface SendingChannel {
	channel: Channel;
	settings: Record<string, unknown>;
}

/** The channel and its settings, from the channel store's cache (one read per channel every few seconds). */
export async function sendingChannel(
	store: ChannelStore,
	id: string | null | undefined,
): Promise<SendingChannel | null> {
	if (!id) return null;
	const channel = await store.get(String(id));
	return channel ? { channel, settings: channel.settings } : null;
}

export const setting = (settings: Record<string, unknown>, name: string) => {
	const value = settings[name];
	return typeof value === 'string' && value.trim() ? value.trim() : null;
};

/** The kind of message a channel sends to `to`, or why it cannot (422 CHANNEL_CANNOT_SEND). */
export function outboundType({ channel, settings }: SendingChannel, to: string): ActivityType {
	const { secrets } = channel;

	switch (channel.provider) {
		case 'twilio':
			if (!secrets.account_sid || !secrets.auth_token)
				throw new ChannelCannotSendError('This Twilio channel needs the secrets account_sid and auth_token to send');
			return /^whatsapp:/i.test(to) ? 'whatsapp' : 'sms';
		case 'whatsapp':
			if (!secrets.access_token)
				throw new ChannelCannotSendError('This WhatsApp channel needs the secret access_token to send');
			return 'whatsapp';
		case 'imap':
		case 'postmark':
		case 'mailgun':
		case 'sendgrid':
			if (!smtpSettings(settings))
				throw new ChannelCannotSendError('This e-mail channel needs settings.smtp { host, port, secure, username }');
			return 'email';
		default:
			throw new ChannelCannotSendError(`Channels of provider ${channel.provider} cannot send messages yet`);
	}
}
