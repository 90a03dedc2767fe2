const { startServer, model, runSora } = require('./setup');
const { clip, image } = require('../fixtures/media');

let server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => server.emulator.close());

const withClip = (buffer) => ({ inputItems: [{ json: {}, binary: { data: { buffer, mimeType: 'video/mp4', fileName: 'mascot.mp4' } } }] });
const createCharacter = (name = 'Captain Crunchy') => ({ resource: 'character', operation: 'create', name, binaryPropertyName: 'data' });

describe('Character', () => {
	let character;

	test('Create registers a character from a 2–4 s clip; Get returns it', async () => {
		const result = await runSora(server.credentials, createCharacter(), withClip(clip(1280, 720, 3)));
		expect(result.error).toBeUndefined();
		character = result.items[0].json;
		expect(character).toMatchObject({ object: 'character', name: 'Captain Crunchy' });
		expect(character.id).toMatch(/^char_/);
		expect(character.warnings).toBeUndefined();

		const got = await runSora(server.credentials, { resource: 'character', operation: 'get', characterId: character.id });
		expect(got.items[0].json).toMatchObject({ id: character.id, name: 'Captain Crunchy' });
	});

	test('refuses clips the API would reject, warns on clips it would distort', async () => {
		const before = server.emulator.stats.requests.characterCreate ?? 0;
		const tooShort = await runSora(server.credentials, createCharacter(), withClip(clip(1280, 720, 1)));
		expect(tooShort.error.message).toMatch(/^The character clip is 1(\.0\d)? s long; it must be 2–4 seconds$/);
		const tooLong = await runSora(server.credentials, createCharacter(), withClip(clip(1280, 720, 6)));
		expect(tooLong.error.message).toMatch(/^The character clip is 6(\.0\d)? s long; it must be 2–4 seconds$/);
		const notMp4 = await runSora(server.credentials, createCharacter(), withClip(image('png', 1280, 720)));
		expect(notMp4.error.message).toBe('The file in "data" is not an MP4 video');
		const longName = await runSora(server.credentials, createCharacter('N'.repeat(81)), withClip(clip(1280, 720, 3)));
		expect(longName.error.message).toBe('The character name must be 1–80 characters long (it is 81)');
		const blankName = await runSora(server.credentials, createCharacter('   '), withClip(clip(1280, 720, 3)));
		expect(blankName.error.message).toBe('The character name must be 1–80 characters long (it is 0)');
		expect(server.emulator.stats.requests.characterCreate ?? 0).toBe(before);

		const square = await runSora(server.credentials, createCharacter('Square Sam'), withClip(clip(640, 640, 3)));
		expect(square.error).toBeUndefined();
		expect(square.items[0].json.warnings).toEqual([
			'The clip is 640x640, neither 16:9 nor 9:16: the character may look stretched. Use the aspect ratio of the videos you will make.',
			'The clip is 640x640, below 720p: the character may lose detail.',
		]);
	});

	test('a video can star the character when the prompt names it', async () => {
		const parameters = {
			resource: 'video',
			operation: 'textToVideo',
			prompt: 'Captain Crunchy surfs a giant wave of cereal milk',
			model: model('sora-2'),
			seconds: '4',
			size: '1280x720',
			characters: { character: [{ id: character.id, name: 'Captain Crunchy' }] },
		};
		const result = await runSora(server.credentials, parameters);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
		expect(result.items[0].binary.data.mimeType).toBe('video/mp4');
	});

	test('a character missing from the prompt, or a third character, is refused before paying', async () => {
		const before = server.emulator.stats.acceptedCreates;
		const base = { resource: 'video', operation: 'textToVideo', model: model('sora-2'), seconds: '4', size: '1280x720' };
		const missing = await runSora(server.credentials, {
			...base,
			prompt: 'A cereal mascot surfs',
			characters: { character: [{ id: character.id, name: 'Captain Crunchy' }] },
		});
		expect(missing.error.message).toBe('The prompt does not mention the character "Captain Crunchy"');
		expect(missing.error.description).toMatch(/Write the name "Captain Crunchy" into the prompt exactly like this/);

		const three = await runSora(server.credentials, {
			...base,
			prompt: 'A, B and C dance',
			characters: { character: [{ id: 'char_a', name: 'A' }, { id: 'char_b', name: 'B' }, { id: 'char_c', name: 'C' }] },
		});
		expect(three.error.message).toBe('3 characters were given; a video can star at most 2');
		expect(server.emulator.stats.acceptedCreates).toBe(before);
	});
});
