// Summaries from any OpenAI-compatible chat-completions API: the request we send and how we read the answer.
import { transcriptText } from './transcript.js';

export interface ActivityForSummary {
	type?: string;
	direction?: string;
	subject?: string | null;
	content?: string | null;
	sender?: string | null;
	recipient?: string | null;
	/** A call's or meeting's transcript (a Transcribe recording step before the summary) is summarised with it. */
	processed_data?: { transcript?: unknown } | null;
}

export interface Summary {
	summary: string;
	facts: string[];
}

const SYSTEM_PROMPT =
	'You summarise customer interactions for a CRM. Answer with a JSON object {"summary": string, "facts": string[]}: ' +
	'a one- or two-sentence summary, and short factual statements worth remembering (dates, amounts, requests, commitments).';

export function chatRequest(activity: ActivityForSummary, model: string, maxContent = 20_000) {
	const lines = [
		`Type: ${activity.type ?? 'unknown'} (${activity.direction ?? 'inbound'})`,
		activity.sender ? `From: ${activity.sender}` : null,
		activity.recipient ? `To: ${activity.recipient}` : null,
		activity.subject ? `Subject: ${activity.subject}` : null,
		'',
		(activity.content ?? '').slice(0, maxContent),
	].filter((line) => line !== null);

	const transcript = transcriptText(activity.processed_data?.transcript);
	if (transcript) lines.push('', 'Transcript:', transcript.slice(0, maxContent));

	return {
		model,
		temperature: 0,
		response_format: { type: 'json_object' },
		messages: [
			{ role: 'system', content: SYSTEM_PROMPT },
			{ role: 'user', content: lines.join('\n') },
		],
	};
}

/** The summary in a chat-completions response; a model that ignores the JSON format still yields its text. */
export function readSummary(response: unknown): Summary {
	const content = (response as { choices?: Array<{ message?: { content?: unknown } }> })?.choices?.[0]?.message
		?.content;

	if (typeof content !== 'string' || !content.trim()) throw new Error('The model returned no content');

	try {
		const parsed = JSON.parse(content) as Partial<Summary>;

		if (typeof parsed.summary === 'string') {
			return {
				summary: parsed.summary.trim(),
				facts: Array.isArray(parsed.facts) ? parsed.facts.filter((f): f is string => typeof f === 'string') : [],
			};
		}
	} catch {
		// plain text answer
	}

	return { summary: content.trim(), facts: [] };
}
