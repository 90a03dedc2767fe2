'use strict';
/**
 * A strict multipart/form-data reader for the stand-ins (RFC 7578): every part's name, file name, content type and
 * bytes, repeated names (`platform[]`) kept in order. A body that is not well-formed multipart is an error, as on the
 * real servers.
 */

function parseMultipart(body, contentType) {
	const match = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType || '');
	if (!match) throw new Error(`expected multipart/form-data, got ${contentType || 'no content-type'}`);
	const boundary = Buffer.from(`--${match[1] || match[2]}`);
	const parts = [];
	let start = body.indexOf(boundary);
	if (start !== 0) throw new Error('the body does not start with the boundary');
	for (;;) {
		const headerStart = start + boundary.length;
		if (body.subarray(headerStart, headerStart + 2).toString() === '--') break;
		const headerEnd = body.indexOf('\r\n\r\n', headerStart);
		if (headerEnd === -1) throw new Error('a part has no header end');
		const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), boundary]), headerEnd + 4);
		if (next === -1) throw new Error('the closing boundary is missing');
		const headers = body.subarray(headerStart + 2, headerEnd).toString('utf8');
		const name = /name="([^"]*)"/i.exec(headers)?.[1];
		if (name === undefined) throw new Error(`a part without a name: ${headers}`);
		const fileName = /filename="([^"]*)"/i.exec(headers)?.[1];
		const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
		parts.push({ name, fileName, contentType: type, data: body.subarray(headerEnd + 4, next) });
		start = next + 2;
	}
	const fields = {};
	const files = {};
	for (const part of parts) {
		if (part.fileName !== undefined) files[part.name] = part;
		else (fields[part.name] ??= []).push(part.data.toString('utf8'));
	}
	return { parts, fields, files };
}

/** The whole request body (the stand-ins check what arrives, so they read it all). */
function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

module.exports = { parseMultipart, readBody };
