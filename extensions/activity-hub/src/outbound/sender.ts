// The background sender, one per Directus process: it leases queued messages (queue/delivery.ts, the queue's own
// lease columns and fencing, so a cluster sends each message once), sends each through its channel's transport and
// settles it. Sends hold no database connection while a provider answers, and at most SEND_CONCURRENCY messages
// are in flight per process, so slow providers never take the pool from the inbound queue and the API; the inbound
// queue, in turn, never gates the sender (its own timer, state and index). A message whose sender died mid-send is
// turned to `unknown` by any instance's reaper, never re-sent.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { HubContext } from '../runtime/context.js';
import { cachedSchema } from '../runtime/context.js';
import { deliveryQueue, type LeasedMessage } from '../queue/index.js';
import { decideSend, type SendDecision } from '../shared/delivery.js';
import { readConfig } from '../shared/config.js';
import { SEND_CONCURRENCY, SEND_POLL_MS, SEND_REAP_MS, sendLeaseSeconds } from '../shared/limits.js';
import { ingestPipeline } from '../ingest-pipeline/index.js';
import { isInstalled } from '../install/status.js';
import { sendingChannel } from './channels.js';
import { sendOne } from './transports.js';
import { hubMetrics } from '../metrics/index.js';

export class Sender {
	private inflight = 0;
	private timer: NodeJS.Timeout | null = null;
	private ticking = false;
	private again = false;
	private lastReap = 0;
	private readonly owner = `sender:${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
	private readonly config;
	private readonly queue;
	/** Settled sends, for whoever waits on them (the bench, tests through the API's reads). */
	settled = 0;

	constructor(private context: HubContext) {
		this.config = readConfig(context.env);
		this.queue = deliveryQueue({ database: context.database, schema: cachedSchema(() => context.getSchema()) });
	}

	start() {
		if (this.timer) return;
		this.timer = setInterval(() => this.kick(), SEND_POLL_MS);
		this.timer.unref();
	}

	stop() {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}

	/** Look for work now (a reply was just queued on this instance, or a send finished). */
	kick() {
		if (this.ticking) {
			this.again = true;
			return;
		}

		this.ticking = true;

		this.tick()
			.catch((error) => this.context.logger.error(error, 'Activity Hub: the sender failed to claim'))
			.finally(() => {
				this.ticking = false;

				if (this.again) {
					this.again = false;
					this.kick();
				}
			});
	}

	private async tick() {
		if (!isInstalled()) return;
		const now = Date.now();

		if (now - this.lastReap >= SEND_REAP_MS) {
			this.lastReap = now;
			const reaped = await this.queue.reap();
			if (reaped.length)
				this.context.logger.warn(`Activity Hub: ${reaped.length} send(s) of a stopped sender are unknown`);
		}

		const free = SEND_CONCURRENCY - this.inflight;
		if (free <= 0) return;

		const leased = await this.queue.claim({
			owner: this.owner,
			limit: free,
			leaseSeconds: sendLeaseSeconds(this.config.outbound.timeoutMs),
			now: new Date(),
		});

		for (const message of leased) {
			this.inflight++;

			this.send(message)
				.catch((error) => this.context.logger.error(error, 'Activity Hub: a send could not be settled'))
				.finally(() => {
					this.inflight--;
					this.settled++;
					this.kick();
				});
		}
	}

	private async send({ activity, token }: LeasedMessage) {
		const id = String(activity['id']);
		let decision: SendDecision;

		try {
			const target = await sendingChannel(ingestPipeline(this.context).channels, activity['channel'] as string | null);

			if (!target) decision = { status: 'failed', error: 'The channel was deleted or disabled' };
			else decision = decideSend(await sendOne(this.config, target, activity), Number(activity['attempts']) || 1);
		} catch (error) {
			// Whether the provider got it is not known: a person decides (Retry or Mark as sent).
			decision = { status: 'unknown', error: `The send broke off: ${(error as Error).message}` };
		}

		hubMetrics().outboundSent(
			String(activity['channel'] ?? ''),
			decision.status === 'queued' ? 'retry' : decision.status,
		);

		// A lost lease (a reaper judged this sender dead) leaves the message as the reaper set it.
		await this.queue.settle(id, token, decision);
	}
}

let shared: Sender | null = null;

/** This process's sender (started by the lifecycle hook; the reply routes wake it). */
export function outboundSender(context: HubContext) {
	shared ??= new Sender(context);
	return shared;
}
