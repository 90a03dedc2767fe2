/**
 * A refusal's advice is true: the catalogue's refusal of a duration names Options → Skip Model Checks,
 * an expression is refused the same way (it is no way past), and with the option the value is sent as
 * it is and the server decides.
 */
const { startEmulator } = require('../emulator');
const { API_KEY, model, runSora } = require('./setup');

jest.setTimeout(120_000);

async function litellmGemini() {
	const emulator = await startEmulator({ port: 0, jobMs: 300, pollAfterMs: 100, apiKey: API_KEY, captions: false, dialect: 'litellm', dialectOptions: { provider: 'gemini' } });
	return { emulator, credentials: { soraApi: { apiKey: API_KEY, baseUrl: emulator.baseUrl, server: 'litellm', litellmProvider: 'gemini' } } };
}

const veo = (seconds, options = {}) => ({
	resource: 'video',
	operation: 'textToVideo',
	prompt: 'A paper boat drifts down a rain gutter',
	model: model('veo-3.1-generate-preview'),
	seconds,
	size: '1280x720',
	waitForCompletion: false,
	options,
});

test('Veo 5 s: refused with advice that works; by expression refused the same way; with Skip Model Checks sent as it is', async () => {
	const server = await litellmGemini();
	try {
		const before = server.emulator.stats.acceptedCreates;
		const refused = await runSora(server.credentials, veo('5'));
		expect(refused.error.message).toBe('Veo 3.1 (veo-3.1-generate-preview) cannot make 5 s videos; it makes 4, 6 or 8 seconds');
		expect(refused.error.description).toContain('turn on Options → Skip Model Checks');
		expect(refused.error.description).not.toMatch(/give the value by expression/);
		const byExpression = await runSora(server.credentials, veo('={{ 5 }}'));
		expect(byExpression.error?.message).toBe(refused.error.message);
		expect(server.emulator.stats.acceptedCreates).toBe(before);

		// With the option the node sends it, and the server decides: here Gemini itself refuses 5 s (LiteLLM passes its 400 on).
		const sent = await runSora(server.credentials, veo('5', { skipModelChecks: true }));
		expect(sent.error.message).toContain('`durationSeconds` must be one of 4, 6 or 8.');
		expect(server.emulator.stats.requests.create).toBeGreaterThanOrEqual(1);
		expect(server.emulator.stats.acceptedCreates).toBe(before);
	} finally {
		await server.emulator.close();
	}
});
