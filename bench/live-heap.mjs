// Bench aid: the Directus CLI with a sampler of its live heap. RSS and heapUsed say when V8 last ran a full collection
// (under a steady load it defers them and old space fills with garbage), not what the process keeps: every
// BENCH_HEAP_INTERVAL_MS this forces a full collection and appends "<epoch ms> <heapUsed bytes>" to BENCH_HEAP_LOG.
import { appendFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CLI } from '../scripts/lib/directus.mjs';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc');
const log = process.env.BENCH_HEAP_LOG;

if (log)
	setInterval(
		() => {
			collect();
			appendFileSync(log, `${Date.now()} ${process.memoryUsage().heapUsed}\n`);
		},
		Number(process.env.BENCH_HEAP_INTERVAL_MS) || 2000,
	).unref();

await import(CLI);
