/** Shared setup for engine tests: the built package, an emulator over real HTTP, a credential. */
const path = require('path');
const harness = require('../harness');
const { startEmulator } = require('../emulator');

const PKG = path.resolve(__dirname, '../..');
const API_KEY = 'sk-test-0123456789abcdef-secret';

async function startServer(options = {}) {
	const emulator = await startEmulator({ port: 0, jobMs: 1200, pollAfterMs: 200, apiKey: API_KEY, captions: false, ...options });
	const credentials = { soraApi: { apiKey: API_KEY, baseUrl: emulator.baseUrl, authHeader: 'bearer' } };
	return { emulator, credentials };
}

const model = (value) => ({ __rl: true, mode: 'list', value });
const byId = (value) => ({ __rl: true, mode: 'id', value });
/**
 * Text to Video parameters every test starts from: sora-2, 4 s, 720x1280, the prompt from the item's `prompt`;
 * `overrides` replace any of them.
 */
const textToVideo = (overrides = {}) => ({
	resource: 'video',
	operation: 'textToVideo',
	prompt: '={{ $json.prompt }}',
	model: model('sora-2'),
	seconds: '4',
	size: '720x1280',
	...overrides,
});

/** Runs the Sora node once inside WorkflowExecute. */
async function runSora(credentials, parameters, extra = {}) {
	return await harness.runNode({ pkg: PKG, nodeType: 'sora', credentials, parameters, ...extra });
}

/** Fails the test if the API key appears anywhere in what the user can see. */
function expectNoKey(value) {
	expect(JSON.stringify(value, (key, v) => (key === 'raw' || key === 'run' || key === 'runData' ? undefined : v))).not.toContain(API_KEY);
}

module.exports = { PKG, API_KEY, startServer, model, byId, textToVideo, runSora, expectNoKey, harness };
