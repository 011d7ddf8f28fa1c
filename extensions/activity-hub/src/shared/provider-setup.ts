// Step-by-step setup instructions for each provider's console, shown by the Channel setup interface. Pure: the
// interface supplies the webhook URL and (only right after a rotation) the key; elsewhere KEY stays a placeholder.
import type { Provider } from './activity.js';

export interface SetupGuide {
	/** The URL to paste into the provider's console. */
	url: string;
	steps: string[];
	/** Secrets this provider's channel uses (entered masked, stored encrypted). */
	secrets: string[];
}

const KEY_PLACEHOLDER = 'KEY';

/** `https://host/ingest/id` with the key as `?key=`. */
const withQueryKey = (webhookUrl: string, key: string) => `${webhookUrl}?key=${encodeURIComponent(key)}`;

/** Postmark takes credentials only inside the URL: Basic auth, user name free, password = key. */
function withBasicAuth(webhookUrl: string, key: string) {
	const url = new URL(webhookUrl);
	url.username = 'postmark';
	url.password = key;
	return url.toString();
}

export function setupGuide(provider: Provider, webhookUrl: string, key: string | null = null): SetupGuide {
	const k = key ?? KEY_PLACEHOLDER;

	const keyNote = key
		? 'The key is in the URL: store it like a password.'
		: 'Generate a key first; it replaces KEY in the URL and is shown only once.';

	switch (provider) {
		case 'generic':
			return {
				url: webhookUrl,
				steps: [
					`POST JSON to ${webhookUrl} with the header X-Ingestion-Key: ${k}.`,
					'Send type, direction, sender, recipient, subject, content, occurred_at, external_id (the dedupe key) and metadata.',
					'Optional: set webhook_secret (whsec_…) to require Standard Webhooks signatures (webhook-id, webhook-timestamp, webhook-signature).',
				],
				secrets: ['webhook_secret'],
			};
		case 'twilio':
			return {
				url: withQueryKey(webhookUrl, k),
				steps: [
					'Twilio Console → Phone Numbers → Active numbers → your number.',
					'Messaging → "A message comes in": Webhook, HTTP POST, the URL above.',
					'Voice → "Call status changes" and the recording status callback: the same URL.',
					"Enter the account Auth Token below so every request's X-Twilio-Signature is checked and recordings can be downloaded.",
					keyNote,
				],
				secrets: ['auth_token'],
			};
		case 'postmark':
			return {
				url: withBasicAuth(webhookUrl, k),
				steps: [
					'Postmark → your server → Default Inbound Stream → Settings.',
					'Paste the URL above (with the credentials in it) into "Webhook URL" and tick "Include raw email content" if you want headers.',
					'Postmark has no signature: the key in the Basic-auth part of the URL authenticates it.',
					keyNote,
				],
				secrets: [],
			};
		case 'mailgun':
			return {
				url: withQueryKey(webhookUrl, k),
				steps: [
					'Mailgun → Receiving → Create route.',
					`Action: forward("${withQueryKey(webhookUrl, k)}") (and "stop" if nothing else should handle it).`,
					'Enter the HTTP webhook signing key (Settings → Webhooks) below as signing_key: every request is then verified.',
					keyNote,
				],
				secrets: ['signing_key'],
			};
		case 'sendgrid':
			return {
				url: withQueryKey(webhookUrl, k),
				steps: [
					'SendGrid → Settings → Inbound Parse → Add Host & URL.',
					'Destination URL: the URL above. Leave "Send raw" off so attachments arrive as files.',
					'Inbound Parse has no signature: the key in the URL authenticates it.',
					keyNote,
				],
				secrets: [],
			};
		case 'whatsapp':
			return {
				url: withQueryKey(webhookUrl, k),
				steps: [
					'Meta for Developers → your app → WhatsApp → Configuration → Webhook → Edit.',
					'Callback URL: the URL above. Verify token: the verify_token you enter below (Meta checks it with a GET).',
					'Subscribe to the "messages" field.',
					'Enter the App Secret as app_secret (X-Hub-Signature-256 is then checked) and a system-user access_token to download media.',
					keyNote,
				],
				secrets: ['verify_token', 'app_secret', 'access_token'],
			};
		case 'zoom':
			return {
				url: withQueryKey(webhookUrl, k),
				steps: [
					'Zoom App Marketplace → Develop → your app (General app or Webhook only) → Features → Access → Event Subscription.',
					'Enter the app’s Secret Token below as secret_token first: Zoom validates the URL (endpoint.url_validation) with it when you save, and every event’s x-zm-signature is then checked.',
					'Event notification endpoint URL: the URL above. Add the events "End Meeting" (meeting.ended) and "All Recordings have completed" (recording.completed); turn on "Include a download token" so recordings and the transcript can be fetched.',
					'Zoom revalidates the URL every 72 hours; nothing to do while the secret token stays the same.',
					keyNote,
				],
				secrets: ['secret_token'],
			};
		case 'calcom':
			return {
				url: withQueryKey(webhookUrl, k),
				steps: [
					'Cal.com → Settings → Developer → Webhooks → New (or an event type → Webhooks).',
					'Subscriber URL: the URL above. Triggers: Booking created, Booking rescheduled, Booking cancelled; payload template left empty.',
					'Type a secret in Cal.com and the same text below as signing_secret: X-Cal-Signature-256 is then checked.',
					keyNote,
				],
				secrets: ['signing_secret'],
			};
		case 'calendly':
			return {
				url: withQueryKey(webhookUrl, k),
				steps: [
					'Calendly API: POST https://api.calendly.com/webhook_subscriptions with your personal access token, url = the URL above, events ["invitee.created", "invitee.canceled"], scope organization (or user).',
					'Pass a signing_key in that request and enter the same value below as signing_key: Calendly-Webhook-Signature (t=…, v1=…) is then checked, within 3 minutes of its time.',
					'A reschedule arrives as a cancellation plus a new invitee naming the old one; the meeting is moved in place.',
					keyNote,
				],
				secrets: ['signing_key'],
			};
		case 'upload':
			return {
				url: webhookUrl,
				steps: [
					'Drop files below, or POST multipart/form-data to the URL with X-Ingestion-Key: KEY from scripts.',
					'Each file becomes one activity; optional fields: type, direction, subject, sender, recipient, content.',
				],
				secrets: [],
			};
		case 'imap':
			return {
				url: '',
				steps: [
					'Enter the mailbox server (host, port, TLS) and the user name below, and its password (an app password for Gmail or Microsoft 365: OAuth is not supported yet).',
					"Folders default to the server's Inbox and Sent (SPECIAL-USE); name others if yours differ.",
					'Test connection, then save: the first sync takes the last "since" days of mail, then new mail arrives as it comes (IDLE, else every poll_seconds).',
					'Mail is only read: never marked read, moved or deleted on the server.',
				],
				secrets: ['password'],
			};
	}
}
