/**
 * The small pieces the invariants of issue 24 rest on: one spelling per server for claims, the price
 * of what is sent, and like-job run times that outvote one outlier.
 */
const { serverKey, claimJob, isClaimed } = require('../../dist/nodes/Sora/jobs/claims');
const { asSent } = require('../../dist/nodes/Sora/jobs/costBudget');
const { runTimeBand } = require('../../dist/nodes/Sora/jobs/schedule');

describe('serverKey: one spelling per server', () => {
	test.each([
		['http://127.0.0.1:8080/v1', 'http://127.0.0.1:8080'],
		['http://127.0.0.1:8080/v1/', 'http://127.0.0.1:8080'],
		['HTTP://LocalHost:8080/', 'http://localhost:8080'],
		['https://api.example.com:443/v1', 'https://api.example.com'],
		['http://gw.example.com:80/openai/v1//', 'http://gw.example.com/openai'],
		[' https://gw.example.com/openai ', 'https://gw.example.com/openai'],
	])('%s → %s', (spelled, key) => {
		expect(serverKey(spelled)).toBe(key);
	});

	test('a job claimed through one spelling is claimed for every other', () => {
		const id = `video_${Date.now()}`;
		expect(claimJob(serverKey('http://h.example:1/v1'), id)).toBe(true);
		expect(isClaimed(serverKey('HTTP://H.EXAMPLE:1/v1/'), id)).toBe(true);
		expect(claimJob(serverKey('http://h.example:1'), id)).toBe(false);
	});
});

describe('asSent: the limit prices the body that is sent', () => {
	const asked = { model: 'sora-2', size: '720x1280', seconds: 4 };
	test("a server that spells the request otherwise is read its way (OpenRouter's resolution + aspect_ratio, duration)", () => {
		const { openrouter } = require('../../dist/nodes/Sora/servers/openrouter');
		// What the form asked (720p, 4 s), then Additional Body Fields {"resolution":"1080p","duration":12} win.
		const body = { prompt: 'x', model: 'sora-2-pro', duration: 12, resolution: '1080p', aspect_ratio: '9:16' };
		const sent = asSent({ body, shows: openrouter.shownInList(body) }, { model: 'sora-2-pro', size: '720x1280', seconds: 4 });
		expect(sent).toEqual({ model: 'sora-2-pro', size: '1080x1920', seconds: 12 });
		const { estimateCost } = require('../../dist/nodes/Sora/models');
		expect(estimateCost(sent.model, sent.size, sent.seconds)).toBeGreaterThan(estimateCost('sora-2-pro', '720x1280', 4) * 5);
	});
	test('Additional Body Fields in a JSON body win over the form', () => {
		expect(asSent({ body: { prompt: 'x', model: 'sora-2-pro', size: '1792x1024', seconds: '12' } }, asked)).toEqual({ model: 'sora-2-pro', size: '1792x1024', seconds: 12 });
	});
	test('an extension is priced for the seconds it adds, not the stitched total its list shows', () => {
		const job = { body: { prompt: 'x', seconds: '8', video: { id: 'v' } }, shows: { prompt: 'x', model: 'sora-2', size: '720x1280', seconds: ['20', '8'] } };
		expect(asSent(job, { model: 'sora-2', size: '720x1280', seconds: 8 })).toEqual({ model: 'sora-2', size: '720x1280', seconds: 8 });
	});
	test('a duration spelled "duration", and fields the body does not carry keep the form value', () => {
		expect(asSent({ body: { prompt: 'x', duration: 8 } }, asked)).toEqual({ model: 'sora-2', size: '720x1280', seconds: 8 });
	});
	test('a multipart body spelled by the server module: Additional Body Fields replace the form values', () => {
		const { contractForm } = require('../../dist/nodes/Sora/servers/openai');
		const form = contractForm({ prompt: 'x', model: 'sora-2', seconds: 4, size: '720x1280', characters: [], additional: { model: 'sora-2-pro', size: '1792x1024', seconds: '12' } });
		expect(form.getAll('seconds')).toEqual(['12']);
		expect(asSent({ body: form }, asked)).toEqual({ model: 'sora-2-pro', size: '1792x1024', seconds: 12 });
	});
	test('a multipart body', () => {
		const form = new FormData();
		form.append('model', 'sora-2-pro');
		form.append('seconds', '8');
		expect(asSent({ body: form }, asked)).toEqual({ model: 'sora-2-pro', size: '720x1280', seconds: 8 });
	});
});

describe('runTimeBand: like jobs outvote one outlier', () => {
	const run = (s) => ({ lo: s * 1000 - 300, hi: s * 1000 + 300 });
	test('three like 20 s jobs and one of 60 s predict 20 s', () => {
		const band = runTimeBand([run(20), run(20.2), run(19.9), run(60)]);
		expect(band).toBeDefined();
		expect(band.hi).toBeLessThan(21_000);
		expect(band.lo).toBeGreaterThan(19_000);
	});
	test('runs that scatter predict nothing, and neither do two against two', () => {
		expect(runTimeBand([run(10), run(25), run(40), run(60)])).toBeUndefined();
		expect(runTimeBand([run(20), run(20), run(60), run(60)])).toBeUndefined();
	});
	test('one run is no evidence', () => {
		expect(runTimeBand([run(20)])).toBeUndefined();
	});
});
