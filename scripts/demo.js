#!/usr/bin/env node
/**
 * `npm run demo`: runs a Text to Video workflow inside n8n's real engine against the bundled
 * emulator (no account, no internet) and writes the MP4 it produced to out/.
 */
const fs = require('fs');
const path = require('path');
const harness = require('../test/harness');
const { startEmulator } = require('../test/emulator');

const ROOT = path.resolve(__dirname, '..');

async function main() {
	const emulator = await startEmulator({ port: 0, jobMs: 4000 });
	console.log(`Emulator: ${emulator.baseUrl}`);
	try {
		const prompt = 'A lighthouse on a cliff at dusk, waves crash below, gulls call, slow dolly-in';
		console.log(`Running Sora → Text to Video: "${prompt}"`);
		const started = Date.now();
		const result = await harness.runNode({
			pkg: ROOT,
			nodeType: 'sora',
			credentials: { soraApi: { apiKey: 'demo-key', baseUrl: emulator.baseUrl, authHeader: 'bearer' } },
			parameters: {
				resource: 'video',
				operation: 'textToVideo',
				prompt,
				model: { __rl: true, mode: 'list', value: 'sora-2' },
				seconds: '8',
				size: '1280x720',
			},
		});
		if (result.error) throw new Error(`${result.error.message}\n${result.error.description ?? ''}`);
		const [item] = result.items;
		const outDir = path.join(ROOT, 'out');
		fs.mkdirSync(outDir, { recursive: true });
		const file = path.join(outDir, item.binary.data.fileName);
		fs.writeFileSync(file, await harness.readBinary(item.binary.data));
		const { id, status, size, seconds, estimated_cost_usd: cost } = item.json;
		console.log(`Video ${id}: ${status}, ${size}, ${seconds} s, estimated cost $${Number(cost).toFixed(2)} (on a real server)`);
		console.log(`Wrote ${path.relative(ROOT, file)} (${fs.statSync(file).size} bytes) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		console.log('It is the emulator\'s test video: a test pattern with the prompt, model, size and length drawn in. A real server makes the scene.');
	} finally {
		await emulator.close();
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
