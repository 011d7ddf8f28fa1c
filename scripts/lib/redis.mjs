// A throwaway Debian `redis-server` on a free loopback port, for multi-instance tests and benchmarks.
import { spawn, spawnSync } from 'node:child_process';
import { freePort } from './directus.mjs';

export async function startRedis() {
	const binary = spawnSync('sh', ['-c', 'command -v redis-server']).stdout.toString().trim();
	if (!binary)
		throw new Error(
			'redis-server is required for multi-instance tests and benchmarks: apt-get install redis-server (see README)',
		);
	const port = await freePort();

	const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
		stdio: ['ignore', 'pipe', 'ignore'],
	});

	await new Promise((resolve, reject) => {
		let output = '';

		child.stdout.on('data', (chunk) => {
			output += chunk;
			if (output.includes('Ready to accept connections')) resolve();
		});

		child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
	});

	const exited = new Promise((resolve) => child.once('exit', resolve));
	return {
		url: `redis://127.0.0.1:${port}`,
		async stop() {
			child.kill();
			await exited;
		},
	};
}
