// What an HTTP provider's send API is asked, and what its answer means, kept apart from the call itself
// (src/outbound does the call) so each provider's request and reply are tested as data.
export interface HttpSend {
	url: string;
	headers: Record<string, string>;
	body: string;
}

/** A provider's answer to a send: its id for the message on success, its own error text otherwise. */
export interface HttpAnswer {
	status: number;
	providerId: string | null;
	message: string;
}
