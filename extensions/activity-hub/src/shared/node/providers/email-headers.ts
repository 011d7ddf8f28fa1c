// Message-ID extraction from the two header shapes mail providers post: Mailgun's `message-headers`
// (JSON list of [name, value]) and SendGrid's raw `headers` block.
export function messageIdFromHeaderPairs(json: string | undefined): string | null {
	if (!json) return null;

	try {
		const pairs = JSON.parse(json) as unknown;
		if (!Array.isArray(pairs)) return null;
		const pair = pairs.find((entry) => Array.isArray(entry) && /^message-id$/i.test(String(entry[0])));
		return pair ? cleanMessageId(String(pair[1])) : null;
	} catch {
		return null;
	}
}

export function messageIdFromRawHeaders(raw: string | undefined): string | null {
	if (!raw) return null;
	const match = /^message-id:[ \t]*(.*(?:\r?\n[ \t].+)*)/im.exec(raw);
	return match ? cleanMessageId(match[1]!.replace(/\r?\n[ \t]+/g, ' ')) : null;
}

const cleanMessageId = (value: string) => value.trim().slice(0, 255) || null;
