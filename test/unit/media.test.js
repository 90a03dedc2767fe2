const { readImageInfo, detectImageFormat, readMp4Info, looksLikeMp4 } = require('../../dist/nodes/Sora/api/probes');
const { image, clip } = require('../fixtures/media');

describe('image header reader', () => {
	test.each([
		['png', 1280, 720],
		['jpeg', 720, 1280],
		['webp', 1792, 1024],
	])('reads %s %ix%i from its first bytes', (format, width, height) => {
		const file = image(format, width, height);
		const info = readImageInfo(file.subarray(0, 64 * 1024));
		expect(info).toEqual({ format, mimeType: `image/${format}`, width, height });
	});

	test('reads lossless WebP (VP8L) and progressive JPEG', () => {
		expect(readImageInfo(image('webp', 640, 360, ['-lossless', '1']))).toMatchObject({ width: 640, height: 360 });
		expect(readImageInfo(image('jpeg', 320, 240, ['-q:v', '3']))).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
	});

	test('rejects what is not an image, empty or truncated', () => {
		expect(detectImageFormat(Buffer.from('GIF89a......'))).toBeUndefined();
		expect(readImageInfo(Buffer.alloc(0))).toBeUndefined();
		expect(readImageInfo(image('png', 100, 100).subarray(0, 12))).toBeUndefined();
		expect(readImageInfo(Buffer.from('<html>not an image</html>'))).toBeUndefined();
	});
});

describe('MP4 header reader', () => {
	test('reads duration and picture size of a real clip', () => {
		const info = readMp4Info(clip(1280, 720, 3));
		expect(info.width).toBe(1280);
		expect(info.height).toBe(720);
		expect(info.durationSeconds).toBeCloseTo(3, 1);
	});

	test('reads a clip whose moov box sits at the start (faststart)', () => {
		const info = readMp4Info(clip(720, 1280, 2, ['-movflags', '+faststart']));
		expect(info).toMatchObject({ width: 720, height: 1280 });
		expect(info.durationSeconds).toBeCloseTo(2, 1);
	});

	test('rejects non-MP4 and truncated files', () => {
		expect(looksLikeMp4(image('png', 10, 10))).toBe(false);
		const full = clip(1280, 720, 3);
		// Without faststart the moov box is at the end: cutting the file loses it.
		expect(readMp4Info(full.subarray(0, 2000))).toBeUndefined();
	});
});
