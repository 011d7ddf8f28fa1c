// A local SMTP server that records what it receives (the `smtp-server` package on loopback): where tests and the
// bench send e-mail replies, as a mail provider's relay would receive them.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
	/** The envelope's recipients. */
	to: string[];
	/** The message as sent, headers and body. */
	raw: string;
}

export async function startSmtpSink() {
	const mails: ReceivedMail[] = [];

	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		disableReverseLookup: true,
		// The replies bench sends with many pooled connections at once.
		maxClients: 1000,
		// close() waits this long for clients to leave, and a sender's pooled connection idles until its timeout.
		closeTimeout: 200,
		onData(stream, session, done) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));

			stream.on('end', () => {
				mails.push({
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks).toString('utf8'),
				});

				done();
			});
		},
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

	return {
		port: (server.server.address() as AddressInfo).port,
		mails,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;
