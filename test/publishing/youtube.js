'use strict';
/**
 * Stand-in for YouTube Data API v3 `videos.insert` with the resumable upload protocol (test fixture, not a feature).
 *
 * Written from Google's public reference:
 * - https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol
 *   "Step 2 - Start a resumable session": POST /upload/youtube/v3/videos?uploadType=resumable&part=…, JSON body (the
 *   video resource), headers Authorization: Bearer, X-Upload-Content-Length, X-Upload-Content-Type (video/* or
 *   application/octet-stream); answer 200 OK with the session URI in Location.
 *   "Step 3 - Upload the video file" / "Uploading a file in chunks": PUT to the session URI, Content-Range
 *   `bytes first-last/total`; each chunk but the last answers 308 Resume Incomplete with `Range: bytes=0-last`; the
 *   last answers 201 Created (200 OK) with the video resource.
 * - https://developers.google.com/youtube/v3/docs/videos/insert (parts snippet,status,recordingDetails; snippet.title
 *   required; errors as the "Errors" table: 400 invalidTitle, invalidDescription, …; 401 authError)
 * - https://developers.google.com/youtube/v3/docs/videos#properties: snippet.title at most 100 characters and no
 *   < or >; snippet.description at most 5000 bytes and no < or >.
 * - https://developers.google.com/identity/protocols/oauth2/web-server#offline (token refresh at
 *   https://oauth2.googleapis.com/token, grant_type=refresh_token).
 *
 * How n8n's YouTube node (n8n-io/n8n packages/nodes-base/nodes/Google/YouTube/YouTube.node.ts, operation `upload`)
 * uses it: one resumable session, then PUTs of 1 MiB chunks (UPLOAD_CHUNK_SIZE) from getBinaryStream, or one PUT
 * of the whole buffer when the binary has no id (default binary mode); it ignores 308 answers.
 */
const crypto = require('crypto');

const { readBody } = require('./multipart');

const ACCESS_TOKEN = 'ya29.stand-in-access-token';
const REFRESH_TOKEN = '1//stand-in-refresh-token';

function googleError(res, status, reason, message) {
	const body = JSON.stringify({ error: { code: status, message, errors: [{ message, domain: 'youtube.video', reason }] } });
	res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(body) });
	res.end(body);
}

function createYouTube({ record }) {
	const sessions = new Map();

	/** Checks the video resource of a session start; returns problems (the API's 400 reasons). */
	function checkResource(resource, query) {
		const problems = [];
		const parts = (query.get('part') || '').split(',').filter(Boolean);
		if (!parts.includes('snippet')) problems.push('part must include snippet');
		const title = resource?.snippet?.title;
		if (typeof title !== 'string' || !title.trim()) problems.push('invalidTitle: snippet.title is required');
		else if (title.length > 100) problems.push(`invalidTitle: ${title.length} characters, at most 100`);
		else if (/[<>]/.test(title)) problems.push('invalidTitle: < and > are not allowed');
		const description = resource?.snippet?.description ?? '';
		if (Buffer.byteLength(description) > 5000) problems.push('invalidDescription: more than 5000 bytes');
		if (/[<>]/.test(description)) problems.push('invalidDescription: < and > are not allowed');
		const privacy = resource?.status?.privacyStatus;
		if (privacy !== undefined && !['public', 'private', 'unlisted'].includes(privacy)) problems.push(`invalidPrivacyStatus: ${privacy}`);
		return problems;
	}

	return async function youtube(req, res, url) {
		const auth = req.headers.authorization || '';
		if (req.method === 'POST' && url.pathname === '/token') {
			const form = new URLSearchParams((await readBody(req)).toString());
			if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== REFRESH_TOKEN) {
				return googleError(res, 400, 'invalid_grant', 'Bad Request');
			}
			const body = JSON.stringify({ access_token: ACCESS_TOKEN, expires_in: 3599, token_type: 'Bearer', scope: 'https://www.googleapis.com/auth/youtube.upload' });
			res.writeHead(200, { 'content-type': 'application/json' });
			return res.end(body);
		}
		if (req.method === 'POST' && url.pathname === '/upload/youtube/v3/videos') {
			const body = await readBody(req);
			if (auth !== `Bearer ${ACCESS_TOKEN}`) return googleError(res, 401, 'authError', 'Invalid Credentials');
			if (url.searchParams.get('uploadType') !== 'resumable') {
				return googleError(res, 400, 'badRequest', `this stand-in speaks the resumable protocol; uploadType=${url.searchParams.get('uploadType')}`);
			}
			let resource;
			try {
				resource = JSON.parse(body.toString() || '{}');
			} catch {
				return googleError(res, 400, 'parseError', 'The request body is not JSON');
			}
			const total = Number(req.headers['x-upload-content-length']);
			const type = req.headers['x-upload-content-type'] || '';
			const problems = checkResource(resource, url.searchParams);
			if (!Number.isInteger(total) || total <= 0) problems.push(`X-Upload-Content-Length: ${req.headers['x-upload-content-length']}`);
			if (!/^(video\/|application\/octet-stream)/.test(type)) problems.push(`X-Upload-Content-Type must be video/* (got ${type || 'none'})`);
			if (problems.length) {
				record({ platform: 'youtube', protocol: 'resumable', metadata: resource, problems });
				return googleError(res, 400, problems[0].split(':')[0], problems.join('; '));
			}
			const id = crypto.randomBytes(8).toString('hex');
			sessions.set(id, { resource, total, type, hash: crypto.createHash('sha256'), received: 0, chunks: 0, head: Buffer.alloc(0), parts: url.searchParams.get('part') });
			const location = `https://${req.headers.host}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${id}&part=${encodeURIComponent(url.searchParams.get('part'))}`;
			res.writeHead(200, { location, 'x-guploader-uploadid': id, 'content-length': 0 });
			return res.end();
		}
		if (req.method === 'PUT' && url.pathname === '/upload/youtube/v3/videos') {
			const id = url.searchParams.get('upload_id');
			const session = sessions.get(id);
			if (!session) {
				await readBody(req);
				return googleError(res, 404, 'notFound', 'No such upload session');
			}
			const chunk = await readBody(req);
			const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.headers['content-range'] || '');
			// A single PUT without Content-Range carries the whole file.
			const [first, last, total] = range ? [Number(range[1]), Number(range[2]), Number(range[3])] : [0, chunk.length - 1, chunk.length];
			const problems = [];
			if (first !== session.received) problems.push(`chunk starts at byte ${first}, expected ${session.received}`);
			if (last - first + 1 !== chunk.length) problems.push(`Content-Range says ${last - first + 1} bytes, the body has ${chunk.length}`);
			if (total !== session.total) problems.push(`total ${total} differs from X-Upload-Content-Length ${session.total}`);
			if (problems.length) {
				sessions.delete(id);
				record({ platform: 'youtube', protocol: 'resumable', metadata: session.resource, problems });
				return googleError(res, 400, 'badContentRange', problems.join('; '));
			}
			session.hash.update(chunk);
			if (session.head.length < 12) session.head = Buffer.concat([session.head, chunk.subarray(0, 12)]);
			session.received += chunk.length;
			session.chunks++;
			if (session.received < session.total) {
				res.writeHead(308, { range: `bytes=0-${session.received - 1}`, 'content-length': 0 });
				return res.end();
			}
			sessions.delete(id);
			const sha256 = session.hash.digest('hex');
			const after = [];
			if (session.head.subarray(4, 8).toString('latin1') !== 'ftyp') after.push('the uploaded file is not an MP4 (no ftyp box)');
			const videoId = `yt${crypto.randomBytes(5).toString('hex')}`;
			record({
				platform: 'youtube',
				protocol: `resumable (${session.chunks} PUT${session.chunks === 1 ? '' : 's'})`,
				metadata: session.resource,
				mimeType: session.type,
				bytes: session.received,
				sha256,
				videoId,
				problems: after,
			});
			if (after.length) return googleError(res, 400, 'invalidVideo', after.join('; '));
			const body = JSON.stringify({
				kind: 'youtube#video',
				id: videoId,
				snippet: { ...session.resource.snippet, publishedAt: new Date().toISOString(), channelId: 'UCstandin' },
				status: { uploadStatus: 'uploaded', privacyStatus: session.resource.status?.privacyStatus ?? 'public', ...session.resource.status },
			});
			res.writeHead(201, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(body) });
			return res.end(body);
		}
		await readBody(req);
		return googleError(res, 404, 'notFound', `no route ${req.method} ${url.pathname} in the YouTube stand-in`);
	};
}

module.exports = { createYouTube, ACCESS_TOKEN, REFRESH_TOKEN };
