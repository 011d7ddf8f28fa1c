import type { Provider } from '../../activity.js';
import { generic } from './generic.js';
import { imap } from './imap.js';
import { createMailgun } from './mailgun.js';
import { postmark } from './postmark.js';
import { sendgrid } from './sendgrid.js';
import { twilio } from './twilio.js';
import type { ProviderAdapter } from './types.js';
import { upload } from './upload.js';
import { whatsapp } from './whatsapp.js';
import { zoom } from './zoom.js';
import { calcom } from './calcom.js';
import { calendly } from './calendly.js';

export * from './types.js';
export { assertDraftStorable, assertUpdateStorable, parseForm, storableDraft } from './input-guards.js';
export { parseMailMessage, type MailSource, type SkippedPart } from './imap.js';

export const adapters: Record<Provider, ProviderAdapter> = {
	generic,
	twilio,
	postmark,
	mailgun: createMailgun(),
	sendgrid,
	whatsapp,
	upload,
	zoom,
	calcom,
	calendly,
	imap,
};

/** Which body kind a Content-Type header denotes, or null when we take no such body. */
export function bodyKind(contentType: string): 'json' | 'form' | 'multipart' | null {
	const type = contentType.split(';')[0]!.trim().toLowerCase();
	if (type === 'application/json' || type.endsWith('+json')) return 'json';
	if (type === 'application/x-www-form-urlencoded') return 'form';
	if (type === 'multipart/form-data') return 'multipart';
	return null;
}
