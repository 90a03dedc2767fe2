'use strict';
/**
 * Stand-in for upload-post.com's "Upload Video" API (test fixture, not a feature).
 *
 * Written from the public reference https://docs.upload-post.com/api/upload-video ("Upload Video": POST
 * https://api.upload-post.com/api/upload, header `Authorization: Apikey <key>`, multipart/form-data with `user`,
 * `platform[]` (one part per platform: tiktok, instagram, youtube, …), `video` (a file or a URL) and `title`; the answer
 * is {success, results: {<platform>: {success, url, …}}}, or {success, request_id} when processed asynchronously) and
 * from the way the community node calls it: n8n-nodes-upload-post@0.1.32 dist/nodes/UploadPost/UploadPost.node.js
 * (API_BASE_URL 'https://api.upload-post.com/api', buildUploadVideoRequest → '/upload', buildNativeFormData: a
 * native FormData with the binary as a Blob named after the binary's fileName, `platform[]` repeated, TikTok and
 * Instagram fields such as `privacy_level`, `is_aigc`, `media_type` = REELS; the credential
 * dist/credentials/UploadPostApi.credentials.js sends `Authorization: Apikey {{apiKey}}` and has no base URL).
 */
const crypto = require('crypto');

const { parseMultipart, readBody } = require('./multipart');

const API_KEY = 'up-stand-in-api-key';
/** Platforms the API's Upload Video takes (PLATFORM_SUPPORT.uploadVideo in the community node). */
const VIDEO_PLATFORMS = ['bluesky', 'facebook', 'instagram', 'linkedin', 'pinterest', 'threads', 'tiktok', 'x', 'youtube'];

function createUploadPost({ record }) {
	/** Finished uploads by request_id, for GET /api/uploadposts/status ("Get Upload Status" in the reference). */
	const finished = new Map();
	return async function uploadPost(req, res, url) {
		const send = (status, body) => {
			const payload = JSON.stringify(body);
			res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
			res.end(payload);
		};
		const body = await readBody(req);
		if (req.headers.authorization !== `Apikey ${API_KEY}`) return send(401, { success: false, error: 'Invalid API key' });
		if (req.method === 'GET' && url.pathname === '/api/uploadposts/me') return send(200, { success: true, email: 'stand-in@example.com', plan: 'basic' });
		if (req.method === 'GET' && url.pathname === '/api/uploadposts/status') {
			const done = finished.get(url.searchParams.get('request_id'));
			if (!done) return send(404, { success: false, error: 'request_id not found' });
			return send(200, { success: true, status: 'completed', request_id: url.searchParams.get('request_id'), results: done });
		}
		if (!(req.method === 'POST' && url.pathname === '/api/upload')) return send(404, { success: false, error: `no route ${req.method} ${url.pathname}` });
		let form;
		try {
			form = parseMultipart(body, req.headers['content-type']);
		} catch (error) {
			record({ platform: 'upload-post', protocol: 'not multipart', problems: [error.message] });
			return send(400, { success: false, error: error.message });
		}
		const field = (name) => form.fields[name]?.[0];
		const platforms = form.fields['platform[]'] || [];
		const video = form.files.video;
		const problems = [];
		if (!field('user')) problems.push('user is required');
		if (!field('title')) problems.push('title is required');
		if (!platforms.length) problems.push('platform[] is required');
		const unknown = platforms.filter((p) => !VIDEO_PLATFORMS.includes(p));
		if (unknown.length) problems.push(`platform(s) ${unknown.join(', ')} take no videos`);
		if (!video) problems.push('no file in the multipart field "video"');
		else if (video.data.subarray(4, 8).toString('latin1') !== 'ftyp') problems.push('the video is not an MP4 (no ftyp box)');
		const metadata = {
			user: field('user'),
			title: field('title'),
			platforms,
			media_type: field('media_type'),
			privacy_level: field('privacy_level'),
			is_aigc: field('is_aigc'),
			youtube_title: field('youtube_title'),
			privacyStatus: field('privacyStatus'),
			containsSyntheticMedia: field('containsSyntheticMedia'),
			async_upload: field('async_upload'),
			fileName: video?.fileName,
		};
		if (problems.length) {
			record({ platform: 'upload-post', protocol: 'multipart', metadata, problems });
			return send(400, { success: false, error: problems.join('; ') });
		}
		const sha256 = crypto.createHash('sha256').update(video.data).digest('hex');
		const requestId = crypto.randomBytes(8).toString('hex');
		record({ platform: 'upload-post', protocol: 'multipart', metadata, fileName: video.fileName, mimeType: video.contentType, bytes: video.data.length, sha256, videoId: requestId, problems: [] });
		const results = Object.fromEntries(platforms.map((p) => [p, { success: true, url: `https://${p}.example/standin/${requestId}`, platform_post_id: `${p}-${requestId}` }]));
		finished.set(requestId, results);
		// async_upload=true: the API answers at once with a request_id to poll; otherwise with each platform's result.
		if (field('async_upload') === 'true') return send(200, { success: true, request_id: requestId, message: 'Upload initiated successfully in background' });
		return send(200, { success: true, results });
	};
}

module.exports = { createUploadPost, API_KEY, VIDEO_PLATFORMS };
