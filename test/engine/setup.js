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

/** Runs the Sora node once inside WorkflowExecute. */
async function runSora(credentials, parameters, extra = {}) {
	return await harness.runNode({ pkg: PKG, nodeType: 'sora', credentials, parameters, ...extra });
}

/** Fails the test if the API key appears anywhere in what the user can see. */
function expectNoKey(value) {
	expect(JSON.stringify(value, (key, v) => (key === 'raw' || key === 'run' || key === 'runData' ? undefined : v))).not.toContain(API_KEY);
}

module.exports = { PKG, API_KEY, startServer, model, byId, runSora, expectNoKey, harness };
