/**
 * Header readers for the media the API accepts. They read only the first bytes of a file, so an
 * input can be checked before anything is uploaded or paid for.
 */

/**
 * The first bytes of a stream (at least `limit`, or all there is), the one loop every reader uses: an error body, a
 * binary's head, an image URL. The stream is closed once enough was read. `full`: the stream had `limit` bytes or more.
 */
export async function readFirstBytes(
	stream: AsyncIterable<unknown> & { destroy?(): void },
	limit: number,
): Promise<{ bytes: Buffer; full: boolean }> {
	const chunks: Buffer[] = [];
	let total = 0;
	try {
		for await (const chunk of stream) {
			const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
			chunks.push(buffer);
			total += buffer.length;
			if (total >= limit) break;
		}
	} finally {
		stream.destroy?.();
	}
	return { bytes: Buffer.concat(chunks), full: total >= limit };
}

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export interface ImageInfo {
	format: ImageFormat;
	mimeType: string;
	width: number;
	height: number;
}

const MIME: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

export function detectImageFormat(head: Buffer): ImageFormat | undefined {
	if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a) {
		return 'png';
	}
	if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
	if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') {
		return 'webp';
	}
	return undefined;
}

function pngSize(head: Buffer) {
	// The IHDR chunk always comes first: width and height at bytes 16 and 20.
	if (head.length < 24 || head.toString('latin1', 12, 16) !== 'IHDR') return undefined;
	return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

function jpegSize(head: Buffer) {
	let offset = 2;
	while (offset + 9 < head.length) {
		if (head[offset] !== 0xff) return undefined;
		const marker = head[offset + 1];
		if (marker === 0xff) {
			offset += 1; // fill byte
			continue;
		}
		if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
			offset += 2;
			continue;
		}
		const length = head.readUInt16BE(offset + 2);
		// SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
		if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
			return { height: head.readUInt16BE(offset + 5), width: head.readUInt16BE(offset + 7) };
		}
		if (marker === 0xd9 || marker === 0xda) return undefined;
		offset += 2 + length;
	}
	return undefined;
}

function webpSize(head: Buffer) {
	if (head.length < 30) return undefined;
	const chunk = head.toString('latin1', 12, 16);
	if (chunk === 'VP8 ' && head[23] === 0x9d && head[24] === 0x01 && head[25] === 0x2a) {
		return { width: head.readUInt16LE(26) & 0x3fff, height: head.readUInt16LE(28) & 0x3fff };
	}
	if (chunk === 'VP8L' && head[20] === 0x2f) {
		const bits = head.readUInt32LE(21);
		return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
	}
	if (chunk === 'VP8X') {
		return { width: head.readUIntLE(24, 3) + 1, height: head.readUIntLE(27, 3) + 1 };
	}
	return undefined;
}

/** Format and dimensions of a PNG, JPEG or WebP from its first bytes; undefined when unreadable. */
export function readImageInfo(head: Buffer): ImageInfo | undefined {
	const format = detectImageFormat(head);
	if (!format) return undefined;
	const size = format === 'png' ? pngSize(head) : format === 'jpeg' ? jpegSize(head) : webpSize(head);
	if (!size || !size.width || !size.height) return undefined;
	return { format, mimeType: MIME[format], ...size };
}

export interface Mp4Info {
	durationSeconds: number;
	width: number;
	height: number;
}

interface Box {
	type: string;
	start: number;
	end: number;
}

function* boxes(buffer: Buffer, start: number, end: number): Generator<Box> {
	let offset = start;
	while (offset + 8 <= end) {
		let size = buffer.readUInt32BE(offset);
		const type = buffer.toString('latin1', offset + 4, offset + 8);
		let header = 8;
		if (size === 1) {
			if (offset + 16 > end) return;
			size = Number(buffer.readBigUInt64BE(offset + 8));
			header = 16;
		} else if (size === 0) {
			size = end - offset;
		}
		if (size < header) return;
		yield { type, start: offset + header, end: Math.min(offset + size, end) };
		offset += size;
	}
}

function child(buffer: Buffer, parent: Box, type: string): Box | undefined {
	for (const box of boxes(buffer, parent.start, parent.end)) if (box.type === type) return box;
	return undefined;
}

/** True when the bytes start like an ISO-BMFF (MP4/MOV) file: an `ftyp` box first. */
export function looksLikeMp4(head: Buffer): boolean {
	return head.length >= 12 && head.toString('latin1', 4, 8) === 'ftyp';
}

/**
 * Duration (from `mvhd`) and picture size (from the video track's `tkhd`) of an MP4 held in
 * memory. Character clips are a few seconds long, so the whole file is small.
 */
export function readMp4Info(buffer: Buffer): Mp4Info | undefined {
	if (!looksLikeMp4(buffer)) return undefined;
	const whole: Box = { type: 'file', start: 0, end: buffer.length };
	const moov = child(buffer, whole, 'moov');
	const mvhd = moov && child(buffer, moov, 'mvhd');
	if (!moov || !mvhd) return undefined;
	const version = buffer[mvhd.start];
	const timescale = buffer.readUInt32BE(mvhd.start + (version === 1 ? 20 : 12));
	const duration =
		version === 1
			? Number(buffer.readBigUInt64BE(mvhd.start + 24))
			: buffer.readUInt32BE(mvhd.start + 16);
	if (!timescale) return undefined;
	let width = 0;
	let height = 0;
	for (const trak of boxes(buffer, moov.start, moov.end)) {
		if (trak.type !== 'trak') continue;
		const mdia = child(buffer, trak, 'mdia');
		const hdlr = mdia && child(buffer, mdia, 'hdlr');
		const tkhd = child(buffer, trak, 'tkhd');
		if (!hdlr || !tkhd || buffer.toString('latin1', hdlr.start + 8, hdlr.start + 12) !== 'vide') continue;
		// Width and height are the last two 16.16 fixed-point fields of tkhd.
		width = buffer.readUInt32BE(tkhd.end - 8) >>> 16;
		height = buffer.readUInt32BE(tkhd.end - 4) >>> 16;
		break;
	}
	return { durationSeconds: duration / timescale, width, height };
}
