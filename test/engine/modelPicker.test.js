/**
 * The Model picker's list mode takes a typed id the server does not list (issue 22): the typed text is offered as
 * the first choice, labelled as not listed, so Enter picks it, as n8n's own locators do where a list is not
 * exhaustive. A filter that matches listed models only narrows the list. Runs the real listSearch method inside
 * n8n's LoadOptionsContext against the emulator over HTTP.
 */
const { startEmulator } = require('../emulator');
const { PKG, API_KEY, harness } = require('./setup');

async function start(dialect, dialectOptions = {}) {
	const emulator = await startEmulator({ port: 0, jobMs: 600, pollAfterMs: 150, apiKey: API_KEY, ...(dialect ? { dialect, dialectOptions } : {}) });
	const soraApi = { apiKey: API_KEY, baseUrl: emulator.baseUrl, ...(dialect ? { server: dialect } : {}) };
	return { emulator, credentials: { soraApi } };
}

const search = async (credentials, filter) =>
	(await harness.runListSearch({ pkg: PKG, nodeType: 'sora', method: 'searchModels', credentials, filter })).results;

describe('typed model ids in the list mode', () => {
	test('an OpenAI-contract server: a Veo id it does not list is offered first, as typed', async () => {
		const server = await start();
		try {
			const listed = await search(server.credentials);
			expect(listed.map((r) => r.value)).not.toContain('veo-3.1-generate-preview');
			const typed = await search(server.credentials, '  veo-3.1-generate-preview ');
			expect(typed[0]).toEqual({ name: 'veo-3.1-generate-preview (not listed by the server)', value: 'veo-3.1-generate-preview' });
			expect(typed).toHaveLength(1);
		} finally {
			await server.emulator.close();
		}
	});

	test('a filter that matches listed models narrows the list; the typed text comes last unless a listed id is exactly it', async () => {
		const server = await start();
		try {
			const results = await search(server.credentials, 'sora');
			expect(results.length).toBeGreaterThan(1);
			expect(results.every((r) => r.value.toLowerCase().includes('sora') || r.name.toLowerCase().includes('sora'))).toBe(true);
			expect(results[results.length - 1]).toEqual({ name: 'sora (not listed by the server)', value: 'sora' });
			const exact = await search(server.credentials, 'sora-2');
			expect(exact.some((r) => r.name.includes('not listed'))).toBe(false);
		} finally {
			await server.emulator.close();
		}
	});

	test('OpenRouter: a slug it does not list is offered; Kling finds its listed slug first, the typed text after it', async () => {
		const server = await start('openrouter');
		try {
			expect((await search(server.credentials, 'kling')).map((r) => r.value)).toEqual(['kwaivgi/kling-video-o1', 'kling']);
			const typed = await search(server.credentials, 'bytedance/seedance-2.0');
			expect(typed).toEqual([{ name: 'bytedance/seedance-2.0 (not listed by the server)', value: 'bytedance/seedance-2.0' }]);
		} finally {
			await server.emulator.close();
		}
	});

	test('no server list (an unreachable server): the typed id is offered against the built-in list', async () => {
		const credentials = { soraApi: { apiKey: API_KEY, baseUrl: 'http://127.0.0.1:9' } };
		const results = await search(credentials, 'my-own-video-model');
		expect(results).toEqual([{ name: 'my-own-video-model (not in the built-in list)', value: 'my-own-video-model' }]);
	});
});
