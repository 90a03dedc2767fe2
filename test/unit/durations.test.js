/** Durations and prices of today's models, from the cited table in nodes/Sora/models/known.ts. */
const { durationProblem, estimateCost, DURATIONS } = require('../../dist/nodes/Sora/models');

describe('what a known model can make, refused before paying', () => {
	test('Veo 3.1: 4, 6 or 8 s; 1080p only at 8 s', () => {
		expect(durationProblem('veo-3.1-generate-preview', 6, '1280x720')).toBeUndefined();
		expect(durationProblem('google/veo-3.1', 5, '1280x720')).toBe('Veo 3.1 (google/veo-3.1) cannot make 5 s videos; it makes 4, 6 or 8 seconds');
		expect(durationProblem('veo-3.1-generate-preview', 6, '1920x1080')).toBe(
			'Veo 3.1 (veo-3.1-generate-preview) makes 1080p videos only at 8 seconds, not 6',
		);
		expect(durationProblem('veo-3.1-generate-preview', 8, '1080x1920')).toBeUndefined();
	});

	test('Kling: 5 or 10 s; Sora 4, 8 or 12 s (its slugs too); unknown models are free', () => {
		expect(durationProblem('kling-v2-1-master', 5, '1280x720')).toBeUndefined();
		expect(durationProblem('kling-v2-1-master', 6, '1280x720')).toBe('Kling 2.1 Master (kling-v2-1-master) cannot make 6 s videos; it makes 5 or 10 seconds');
		expect(durationProblem('my-own-model', 7, '1280x720')).toBeUndefined();
		// issue 22: sora-2 is told the truth too (the spec and SDK enums: 4, 8 or 12 s for a new video).
		expect(durationProblem('sora-2', 20, '1280x720')).toBe('Sora 2 (sora-2) cannot make 20 s videos; it makes 4, 8 or 12 seconds');
		expect(durationProblem('openai/sora-2', 6, '1280x720')).toBe('Sora 2 (openai/sora-2) cannot make 6 s videos; it makes 4, 8 or 12 seconds');
		expect(durationProblem('sora-2-pro', 12, '1920x1080')).toBeUndefined();
	});

	test('the editor offers the contract durations and those of today\'s models', () => {
		expect(DURATIONS).toEqual([4, 5, 6, 8, 10, 12, 15, 16, 20]);
	});

	test('cost: the Sora table by size, the others by resolution from their cited prices', () => {
		expect(estimateCost('sora-2', '1280x720', 8)).toBe(0.8);
		expect(estimateCost('veo-3.1-generate-preview', '1280x720', 6)).toBe(2.4);
		expect(estimateCost('kling-v2-1-master', '1280x720', 5)).toBeUndefined(); // no confirmed price
	});
});
