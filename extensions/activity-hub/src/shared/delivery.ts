// Outbound messages as pure decisions: what a provider's answer means for the message (sent, retry later, failed,
// unknown), the backoff between attempts, the WhatsApp customer-service window and an SMS's segment count. The
// sender (src/outbound) and Studio's reply box both read them; the vocabulary is shared/activity.ts's.
import type { DeliveryStatus } from './activity.js';
import { MAX_SEND_ATTEMPTS, WHATSAPP_WINDOW_HOURS } from './limits.js';

/** What happened to one send attempt, as the sender saw it. */
export type SendAttempt =
	/** The provider answered with this HTTP status (or an SMTP reply mapped onto one). */
	| { kind: 'response'; status: number; message: string; providerId?: string | null }
	/** The request never reached the provider (refused, DNS, a connect timeout): safe to retry. */
	| { kind: 'not-sent'; message: string }
	/** The request went out and no answer came (timeout, reset): the provider may have accepted it. */
	| { kind: 'lost'; message: string };

export type SendDecision =
	| { status: 'sent'; providerId: string | null }
	| { status: 'queued'; retryInMs: number; error: string }
	| { status: 'failed'; error: string }
	| { status: 'unknown'; error: string };

/** Seconds before attempt n+1 (n counted from 1): 1, 4, 16, 64 s … capped at 5 minutes. */
export const retryDelayMs = (attempt: number) => Math.min(300_000, 1000 * 4 ** Math.max(0, attempt - 1));

const isTransient = (status: number) => status === 408 || status === 429 || status >= 500;

/** The message's next state after attempt number `attempt` (1 for the first) ended as `result`. */
export function decideSend(result: SendAttempt, attempt: number, maxAttempts = MAX_SEND_ATTEMPTS): SendDecision {
	if (result.kind === 'lost')
		return { status: 'unknown', error: `No answer after sending (the provider may have it): ${result.message}` };
	if (result.kind === 'response' && result.status >= 200 && result.status < 300)
		return { status: 'sent', providerId: result.providerId ?? null };
	const transient = result.kind === 'not-sent' || isTransient(result.status);
	const error = result.kind === 'response' ? `${result.status}: ${result.message}` : result.message;
	if (!transient) return { status: 'failed', error };
	if (attempt >= maxAttempts) return { status: 'failed', error: `${error} (after ${attempt} attempts)` };
	return { status: 'queued', retryInMs: retryDelayMs(attempt), error };
}

/** The delivery statuses a person may resolve (Retry, Mark as sent). */
export const RESOLVABLE: readonly DeliveryStatus[] = ['failed', 'unknown'];

/** A free-form WhatsApp message is allowed within 24 hours of the customer's last message. */
export function whatsappWindowOpen(lastInbound: Date | null, now: Date) {
	if (!lastInbound) return false;
	return now.getTime() - lastInbound.getTime() < WHATSAPP_WINDOW_HOURS * 3600_000;
}

// GSM 03.38 basic set and extension table (extension characters take two septets).
const GSM =
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

const GSM_EXTENDED = '^{}\\[~]|€\f';

export interface SmsCount {
	encoding: 'GSM-7' | 'UCS-2';
	/** Septets (GSM-7; an extension character takes two) or UTF-16 code units (UCS-2; an emoji takes two). */
	units: number;
	segments: number;
	/** What one segment holds now: 160 or 70 alone, 153 or 67 once split (the rest is the concatenation header). */
	perSegment: number;
	/** Units left in the last segment before another one starts. */
	remaining: number;
}

/** Segments of `sizes` units each packed `per` to a segment, a character never split across two. */
function pack(sizes: number[], single: number, per: number) {
	const units = sizes.reduce((sum, size) => sum + size, 0);
	if (units <= single) return { units, segments: units === 0 ? 0 : 1, perSegment: single, remaining: single - units };
	let segments = 1;
	let fill = 0;

	for (const size of sizes) {
		if (fill + size > per) {
			segments += 1;
			fill = 0;
		}

		fill += size;
	}

	return { units, segments, perSegment: per, remaining: per - fill };
}

/**
 * How an SMS text is sent: GSM-7 when every character is in the GSM 03.38 set (160 septets, 153 per segment once
 * split), else UCS-2 (70 code units, 67 per segment). An escape pair or a surrogate pair never straddles segments.
 */
export function smsCount(text: string): SmsCount {
	const chars = [...text];

	if (chars.every((char) => GSM.includes(char) || GSM_EXTENDED.includes(char)))
		return {
			encoding: 'GSM-7',
			...pack(
				chars.map((char) => (GSM.includes(char) ? 1 : 2)),
				160,
				153,
			),
		};
	return {
		encoding: 'UCS-2',
		...pack(
			chars.map((char) => (char.codePointAt(0)! > 0xffff ? 2 : 1)),
			70,
			67,
		),
	};
}

/** How many SMS segments a text takes (smsCount without the details). */
export function smsSegments(text: string): { encoding: 'GSM-7' | 'UCS-2'; segments: number } {
	const { encoding, segments } = smsCount(text);
	return { encoding, segments };
}
