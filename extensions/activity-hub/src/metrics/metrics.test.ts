// The metrics' definitions against a real prom-client registry: names, labels, the histogram, the gauges read on
// scrape (cached), and promtool's verdict on the exposition Directus's /metrics would serve.
import { execFileSync } from 'node:child_process';
import * as prom from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DISABLED_METRICS, hubMetrics, registerHubMetrics, useHubMetrics } from './index.js';

const setup = (gauges = { byStatus: { raw: 3, processing: 1, completed: 7, failed: 2 }, oldestQueuedSeconds: 42 }) => {
	const registry = new prom.Registry();
	let reads = 0;

	const metrics = registerHubMetrics(prom, registry, async () => {
		reads++;
		return gauges;
	});

	return { registry, metrics, reads: () => reads };
};

const value = async (registry: prom.Registry, name: string, labels: Record<string, string> = {}) => {
	const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
	const entry = (metric?.values ?? []).find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
	return entry?.value;
};

describe('activity_hub_* metrics', () => {
	it('count webhook requests by channel, provider and result; unknown channels under one label', async () => {
		const { registry, metrics } = setup();
		metrics.webhook('c1', 'twilio', 'accepted');
		metrics.webhook('c1', 'twilio', 'accepted');
		metrics.webhook('c1', 'twilio', 'SIGNATURE_INVALID');
		metrics.webhook(null, null, 'CHANNEL_NOT_FOUND');
		const name = 'activity_hub_webhook_requests_total';
		expect(await value(registry, name, { channel: 'c1', result: 'accepted' })).toBe(2);
		expect(await value(registry, name, { channel: 'c1', provider: 'twilio', result: 'SIGNATURE_INVALID' })).toBe(1);

		expect(await value(registry, name, { channel: 'unknown', provider: 'unknown', result: 'CHANNEL_NOT_FOUND' })).toBe(
			1,
		);
	});

	it('count queue transitions and observe received → completed seconds', async () => {
		const { registry, metrics } = setup();
		const now = new Date('2026-12-02T10:00:00Z');
		metrics.claimed(3);
		metrics.claimed(0);
		metrics.completed(['2026-12-02T09:59:58Z', '2026-12-02T09:00:00Z', null], now);
		metrics.failed('retry');
		metrics.failed('failed');
		metrics.leaseExpired(2);
		metrics.deadLettered(1);
		metrics.mediaFetchFailed('twilio', 2);
		metrics.mailboxSyncFailed('m1', 'AUTH_FAILED');
		metrics.outboundSent('o1', 'sent');
		metrics.refusalsDropped(4);
		expect(await value(registry, 'activity_hub_claims_total')).toBe(3);
		expect(await value(registry, 'activity_hub_completions_total')).toBe(3);
		expect(await value(registry, 'activity_hub_failures_total', { outcome: 'retry' })).toBe(1);
		expect(await value(registry, 'activity_hub_lease_expiries_total')).toBe(2);
		expect(await value(registry, 'activity_hub_dead_letters_total')).toBe(1);
		expect(await value(registry, 'activity_hub_media_fetch_failures_total', { provider: 'twilio' })).toBe(2);
		expect(await value(registry, 'activity_hub_mailbox_sync_failures_total', { reason: 'AUTH_FAILED' })).toBe(1);
		expect(await value(registry, 'activity_hub_outbound_sends_total', { result: 'sent' })).toBe(1);
		expect(await value(registry, 'activity_hub_refusal_log_dropped_total')).toBe(4);
		const text = await registry.metrics();
		// Two completions with a known receive time: 2 s and 3600 s.
		expect(text).toContain('activity_hub_received_to_completed_seconds_count 2');
		expect(text).toContain('activity_hub_received_to_completed_seconds_sum 3602');
		expect(text).toContain('activity_hub_received_to_completed_seconds_bucket{le="2"} 1');
		expect(text).toContain('activity_hub_received_to_completed_seconds_bucket{le="3600"} 2');
	});

	it('read the gauges on scrape, once per few seconds however many scrapes ask', async () => {
		const { registry, reads } = setup();
		const text = await registry.metrics();
		await registry.metrics();
		expect(text).toContain('activity_hub_activities{status="raw"} 3');
		expect(text).toContain('activity_hub_activities{status="failed"} 2');
		expect(text).toContain('activity_hub_oldest_queued_age_seconds 42');
		expect(reads()).toBe(1);
	});

	it('aggregate as Directus does under PM2: counters summed, database gauges not', async () => {
		const a = setup();
		const b = setup();
		a.metrics.claimed(2);
		b.metrics.claimed(5);

		const text = await prom.AggregatorRegistry.aggregate([
			await a.registry.getMetricsAsJSON(),
			await b.registry.getMetricsAsJSON(),
		]).metrics();

		expect(text).toContain('activity_hub_claims_total 7');
		expect(text).toContain('activity_hub_activities{status="raw"} 3');
		expect(text).toContain('activity_hub_oldest_queued_age_seconds 42');
	});

	it('register again on a reload without a duplicate-name error', () => {
		const { registry } = setup();

		expect(() =>
			registerHubMetrics(prom, registry, async () => ({ byStatus: {}, oldestQueuedSeconds: 0 })),
		).not.toThrow();
	});

	it('pass promtool check metrics', async () => {
		const { registry, metrics } = setup();
		metrics.webhook('c1', 'generic', 'KEY_INVALID');
		metrics.completed([new Date(Date.now() - 1500).toISOString()]);
		const output = execFileSync('promtool', ['check', 'metrics'], { input: await registry.metrics() }).toString();
		expect(output).toBe('');
	});

	it('record nothing until enabled', () => {
		useHubMetrics(DISABLED_METRICS);
		expect(hubMetrics().enabled).toBe(false);
		expect(() => hubMetrics().webhook('c', 'generic', 'accepted')).not.toThrow();
	});
});
