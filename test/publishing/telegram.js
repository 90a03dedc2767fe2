'use strict';
/**
 * Stand-in for the Telegram Bot API `sendVideo` (test fixture, not a feature).
 *
 * Written from https://core.telegram.org/bots/api:
 * - "Making requests": https://api.telegram.org/bot<token>/METHOD_NAME; answers are JSON {ok, result} or
 *   {ok: false, error_code, description}.
 * - "Sending files": a new file is posted as multipart/form-data; "50 MB max size for other files" (10 MB for
 *   photos) with the public Bot API server (a local Bot API server takes up to 2000 MB).
 * - "sendVideo": chat_id (required), video (InputFile), caption 0-1024 characters, supports_streaming; "Telegram
 *   clients support MPEG4 videos"; the answer is the sent Message with a `video` object (file_id, file_unique_id,
 *   width, height, duration, mime_type, file_size).
 *
 * n8n's Telegram node reaches it through its credential's Base URL (n8n-io/n8n
 * packages/nodes-base/credentials/TelegramApi.credentials.ts `baseUrl`, used by nodes/Telegram/GenericFunctions.ts
 * apiRequest) and posts the binary as the multipart field `video` (Telegram.node.ts, Binary File on).
 */
const crypto = require('crypto');

const { parseMultipart, readBody } = require('./multipart');

const BOT_TOKEN = '123456789:AAStandInTokenForTheTelegramBotAPI0';
/** "50 MB max size for other files" (core.telegram.org/bots/api#sending-files). */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

function createTelegram({ record }) {
	let messageId = 100;
	return async function telegram(req, res, url) {
		const send = (status, body) => {
			const payload = JSON.stringify(body);
			res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
			res.end(payload);
		};
		const route = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
		const body = await readBody(req);
		if (!route) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
		if (route[1] !== BOT_TOKEN) return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
		const method = route[2];
		if (method === 'getMe') return send(200, { ok: true, result: { id: 123456789, is_bot: true, first_name: 'Stand-in', username: 'standin_bot' } });
		if (method !== 'sendVideo') return send(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
		if (body.length > MAX_UPLOAD_BYTES) {
			record({ platform: 'telegram', protocol: 'multipart', bytes: body.length, problems: ['over 50 MB'] });
			return send(413, { ok: false, error_code: 413, description: 'Request Entity Too Large' });
		}
		let form;
		try {
			form = parseMultipart(body, req.headers['content-type']);
		} catch (error) {
			record({ platform: 'telegram', protocol: 'not multipart', problems: [error.message] });
			return send(400, { ok: false, error_code: 400, description: `Bad Request: ${error.message}` });
		}
		const field = (name) => form.fields[name]?.[0];
		const video = form.files.video;
		const problems = [];
		if (!field('chat_id')) problems.push('chat_id is empty');
		if (!video) problems.push('no file in the multipart field "video"');
		const caption = field('caption') ?? '';
		if (caption.length > 1024) problems.push(`caption of ${caption.length} characters, at most 1024`);
		if (video && video.data.subarray(4, 8).toString('latin1') !== 'ftyp') problems.push('the video is not an MP4 (no ftyp box)');
		const metadata = { chat_id: field('chat_id'), caption, supports_streaming: field('supports_streaming'), fileName: video?.fileName };
		if (problems.length) {
			record({ platform: 'telegram', protocol: 'multipart', metadata, problems });
			return send(400, { ok: false, error_code: 400, description: `Bad Request: ${problems.join('; ')}` });
		}
		const sha256 = crypto.createHash('sha256').update(video.data).digest('hex');
		const fileId = `BAAC${crypto.randomBytes(12).toString('hex')}`;
		record({ platform: 'telegram', protocol: 'multipart', metadata, fileName: video.fileName, mimeType: video.contentType, bytes: video.data.length, sha256, videoId: fileId, problems: [] });
		return send(200, {
			ok: true,
			result: {
				message_id: ++messageId,
				chat: { id: Number(field('chat_id')) || field('chat_id'), type: 'channel' },
				date: Math.floor(Date.now() / 1000),
				caption,
				video: { file_id: fileId, file_unique_id: fileId.slice(0, 16), file_name: video.fileName, mime_type: video.contentType, file_size: video.data.length },
			},
		});
	};
}

module.exports = { createTelegram, BOT_TOKEN, MAX_UPLOAD_BYTES };
