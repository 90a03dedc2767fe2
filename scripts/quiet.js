#!/usr/bin/env node
'use strict';
/**
 * Runs a command and shows its output only when it fails, so `npm test` prints results, not a build
 * tool's spinner (n8n-node build animates one with terminal escape codes even when the output is a file).
 *
 * usage: node scripts/quiet.js <command> [args…]
 */
const { spawnSync } = require('child_process');

const [command, ...args] = process.argv.slice(2);
const started = Date.now();
const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, CI: 'true' }, shell: process.platform === 'win32' });
const label = [command, ...args].join(' ');
if (result.error || result.status !== 0) {
	process.stdout.write(result.stdout || '');
	process.stderr.write(result.stderr || '');
	console.error(`${label} failed${result.error ? `: ${result.error.message}` : ` (exit ${result.status})`}`);
	process.exit(result.status || 1);
}
console.log(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
