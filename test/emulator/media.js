'use strict';
// Real media for the emulator: MP4 (H.264 + AAC), WebP thumbnail, JPEG spritesheet, generated with ffmpeg once per
// (size, seconds) and cached on disk. Also: tiny parsers for image headers and MP4 boxes, and a "virtual file"
// (file + padding box) that can be streamed with byte ranges without holding it in memory.

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');
const { Readable } = require('node:stream');

function ffmpegPath() {
  return require('@ffmpeg-installer/ffmpeg').path;
}

const DEFAULT_MEDIA_DIR = path.join(os.tmpdir(), 'sora-emulator-media-v1');

function runFfmpeg(args, bin, children) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin || ffmpegPath(), ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (children) {
      children.add(child);
      child.on('close', () => children.delete(child));
    }
    let stderr = '';
    child.stderr.on('data', (d) => { if (stderr.length < 20000) stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg exited with ${code}: ${stderr.trim().slice(0, 2000)}`));
    });
  });
}

class Semaphore {
  constructor(n) { this.n = n; this.queue = []; }
  async run(fn) {
    if (this.n <= 0) await new Promise((r) => this.queue.push(r));
    else this.n--;
    try { return await fn(); } finally {
      const next = this.queue.shift();
      if (next) next(); else this.n++;
    }
  }
}

/** A TrueType font ffmpeg's drawtext can use for the captions, or null (then the videos carry no caption). */
const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
  '/Library/Fonts/Arial.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
];
let fontFile;
function captionFont() {
  if (fontFile === undefined) fontFile = FONT_CANDIDATES.find((f) => fs.existsSync(f)) || null;
  return fontFile;
}

/** A path inside an ffmpeg filter argument: ':' '\\' and quotes escaped. */
function filterPath(p) {
  return p.replace(/\\/g, '/').replace(/:/g, '\\:').replace(/'/g, "\\'");
}

/**
 * What a captioned video says about itself: that it is the emulator's, the prompt's first words, the model, the
 * size and the seconds, so a user sees their parameters arrive.
 */
function captionLines({ prompt = '', model = '', size = '', seconds = '' }) {
  const words = String(prompt).replace(/\s+/g, ' ').trim().split(' ');
  const first = words.slice(0, 8).join(' ');
  return [
    'Sora emulator: a test video, not a generated one',
    `Prompt: ${first.length > 60 ? `${first.slice(0, 59)}…` : first}${words.length > 8 ? ' …' : ''}`,
    `Model ${model}   ${size}   ${seconds} s`,
  ];
}

function createMediaStore(options = {}) {
  const dir = options.mediaDir || DEFAULT_MEDIA_DIR;
  // Resolved now: a render still queued when a test ends must not load modules after it.
  const bin = options.ffmpegPath || ffmpegPath();
  // Videos of their own (captions, a first frame) are rendered per job; close() drops what is still queued.
  let closed = false;
  const running = new Set();
  const sem = new Semaphore(options.ffmpegConcurrency || Math.max(1, Math.min(2, os.cpus().length)));
  const memo = new Map(); // key -> Promise<path>

  function argsFor(kind, w, h, s, out, extra = {}) {
    const size = `${w}x${h}`;
    if (kind === 'video' && (extra.textFile || extra.imageFile)) {
      // The first frame is the input image (as the real API opens on it), the caption joins after a second;
      // without an image the test pattern runs under the caption from the start.
      const source = extra.imageFile
        ? ['-loop', '1', '-framerate', '24', '-i', extra.imageFile]
        : ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=24`];
      const fit = extra.imageFile ? `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,` : '';
      const from = extra.imageFile ? `:enable='gte(t,1)'` : '';
      const fontSize = Math.max(12, Math.round(Math.min(w, h) / 24));
      const band = fontSize * 5;
      const caption = extra.textFile
        ? `drawbox=x=0:y=ih-${band}:w=iw:h=${band}:color=black@0.65:t=fill${from},` +
          `drawtext=fontfile='${filterPath(extra.fontFile)}':textfile='${filterPath(extra.textFile)}':fontcolor=white:fontsize=${fontSize}:line_spacing=${Math.round(fontSize / 3)}:x=${fontSize}:y=h-${band}+${Math.round(fontSize * 0.6)}${from},`
        : '';
      return [
        ...source,
        '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
        '-t', String(s),
        '-vf', `${fit}${caption}format=yuv420p`,
        '-r', '24',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '35', '-pix_fmt', 'yuv420p', '-g', '48', '-threads', '1',
        '-c:a', 'aac', '-b:a', '48k',
        '-movflags', '+faststart', '-shortest', '-f', 'mp4', out,
      ];
    }
    if (kind === 'video') {
      return [
        '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=24`,
        '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
        '-t', String(s),
        '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '35', '-pix_fmt', 'yuv420p', '-g', '48',
        '-c:a', 'aac', '-b:a', '48k',
        '-movflags', '+faststart', '-shortest', '-f', 'mp4', out,
      ];
    }
    if (kind === 'thumbnail') {
      return ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=1`, '-frames:v', '1', '-c:v', 'libwebp', '-quality', '60', '-f', 'webp', out];
    }
    if (kind === 'spritesheet') {
      // 16 frames evenly spread over the clip, tiled 4x4, each a quarter of the width.
      const tw = Math.max(2, Math.round(w / 4 / 2) * 2);
      return [
        '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=16/${s}`, '-t', String(s),
        '-vf', `scale=${tw}:-2,tile=4x4`, '-frames:v', '1', '-q:v', '5', '-f', 'mjpeg', out,
      ];
    }
    throw new Error('unknown media kind ' + kind);
  }

  const EXT = { video: 'mp4', thumbnail: 'webp', spritesheet: 'jpg' };

  /**
   * Returns the path of a cached asset, generating it if needed. Concurrent calls share one promise. `look`
   * ({caption, image}) makes a video of its own: caption lines drawn in, the image as the first frame.
   */
  function ensure(kind, w, h, s, look = {}) {
    const font = captionFont();
    const caption = kind === 'video' && look.caption && font ? look.caption.join('\n') : '';
    const image = kind === 'video' && look.image ? look.image : null;
    const own = caption || image ? `-${crypto.createHash('sha256').update(caption).update(image || '').digest('hex').slice(0, 16)}` : '';
    const key = `${kind}-${w}x${h}-${s}s${own}`;
    const cached = memo.get(key);
    if (cached) return cached;
    const file = path.join(dir, `${key}.${EXT[kind]}`);
    const p = (async () => {
      try {
        const st = await fsp.stat(file);
        if (st.size > 0) return file;
      } catch { /* not cached yet */ }
      await fsp.mkdir(dir, { recursive: true });
      const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
      const extra = {};
      if (caption) {
        extra.fontFile = font;
        extra.textFile = `${tmp}.txt`;
        await fsp.writeFile(extra.textFile, caption);
      }
      if (image) {
        extra.imageFile = `${tmp}.img`;
        await fsp.writeFile(extra.imageFile, image);
      }
      try {
        await sem.run(() => {
          if (closed) throw new Error('the emulator was closed');
          return runFfmpeg(argsFor(kind, w, h, s, tmp, extra), bin, running);
        });
        await fsp.rename(tmp, file);
      } catch (err) {
        await fsp.rm(tmp, { force: true }).catch(() => {});
        throw err;
      } finally {
        for (const f of [extra.textFile, extra.imageFile]) if (f) await fsp.rm(f, { force: true }).catch(() => {});
      }
      return file;
    })();
    memo.set(key, p);
    p.catch(() => memo.delete(key)); // allow a retry after a failure
    return p;
  }

  /** Starts all three assets; resolves to {video, thumbnail, spritesheet} paths. */
  function ensureAll(size, seconds, look = {}) {
    const [w, h] = size.split('x').map(Number);
    const s = Number(seconds);
    return Promise.all([ensure('video', w, h, s, look), ensure('thumbnail', w, h, s), ensure('spritesheet', w, h, s)])
      .then(([video, thumbnail, spritesheet]) => ({ video, thumbnail, spritesheet }));
  }

  /** Stops renders in progress and refuses queued ones (the emulator is closing). */
  function close() {
    closed = true;
    for (const child of running) child.kill('SIGKILL');
  }

  return { dir, ensure, ensureAll, close };
}

// ---------- virtual files (file + optional trailing free box), streamed with ranges ----------

const ZEROS = Buffer.alloc(64 * 1024);

class VirtualFile {
  /** segments: {file, size} | {buffer} | {zeros} */
  constructor(segments) {
    this.segments = segments.map((s) => ({ ...s, size: s.buffer ? s.buffer.length : s.zeros !== undefined ? s.zeros : s.size }));
    this.size = this.segments.reduce((a, s) => a + s.size, 0);
  }

  /** Readable stream of bytes [start, end] (inclusive). */
  stream(start = 0, end = this.size - 1) {
    const segments = this.segments;
    async function* gen() {
      let offset = 0;
      for (const seg of segments) {
        const segStart = offset;
        const segEnd = offset + seg.size - 1;
        offset += seg.size;
        if (seg.size === 0 || segEnd < start || segStart > end) continue;
        const a = Math.max(start, segStart) - segStart;
        const b = Math.min(end, segEnd) - segStart;
        if (seg.file) {
          for await (const chunk of fs.createReadStream(seg.file, { start: a, end: b, highWaterMark: 256 * 1024 })) yield chunk;
        } else if (seg.buffer) {
          yield seg.buffer.subarray(a, b + 1);
        } else {
          let left = b - a + 1;
          while (left > 0) {
            const n = Math.min(left, ZEROS.length);
            yield n === ZEROS.length ? ZEROS : ZEROS.subarray(0, n);
            left -= n;
          }
        }
      }
    }
    return Readable.from(gen(), { objectMode: false });
  }
}

/** The MP4 at `file`, padded with a trailing top-level `free` box so the total is exactly `padTo` bytes. */
async function paddedMp4(file, padTo) {
  const { size } = await fsp.stat(file);
  const segs = [{ file, size }];
  const extra = padTo - size;
  if (padTo > 0 && extra >= 8) {
    let header;
    if (extra <= 0xffffffff) {
      header = Buffer.alloc(8);
      header.writeUInt32BE(extra, 0);
      header.write('free', 4, 'latin1');
    } else {
      header = Buffer.alloc(16);
      header.writeUInt32BE(1, 0);
      header.write('free', 4, 'latin1');
      header.writeBigUInt64BE(BigInt(extra), 8);
    }
    if (extra >= header.length) {
      segs.push({ buffer: header }, { zeros: extra - header.length });
    }
  }
  return new VirtualFile(segs);
}

async function fileAsVirtual(file) {
  const { size } = await fsp.stat(file);
  return new VirtualFile([{ file, size }]);
}

function sha256OfStream(readable) {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash('sha256');
    let bytes = 0;
    readable.on('data', (c) => { h.update(c); bytes += c.length; });
    readable.on('error', reject);
    readable.on('end', () => resolve({ sha256: h.digest('hex'), bytes }));
  });
}

// ---------- image header parsing ----------

/** @returns {{type:'image/png'|'image/jpeg'|'image/webp', width:number|null, height:number|null}|null} */
function detectImage(buf) {
  if (!Buffer.isBuffer(buf) || buf.length < 12) return null;
  if (buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    if (buf.length >= 24 && buf.toString('latin1', 12, 16) === 'IHDR') {
      return { type: 'image/png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
    }
    return { type: 'image/png', width: null, height: null };
  }
  if (buf[0] === 0xff && buf[1] === 0xd8) {
    let p = 2;
    while (p + 9 < buf.length) {
      if (buf[p] !== 0xff) { p++; continue; }
      const marker = buf[p + 1];
      if (marker === 0xff) { p++; continue; }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { p += 2; continue; }
      const len = buf.readUInt16BE(p + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { type: 'image/jpeg', height: buf.readUInt16BE(p + 5), width: buf.readUInt16BE(p + 7) };
      }
      if (marker === 0xd9 || marker === 0xda) break;
      p += 2 + len;
    }
    return { type: 'image/jpeg', width: null, height: null };
  }
  if (buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP' && buf.length >= 30) {
    const chunk = buf.toString('latin1', 12, 16);
    if (chunk === 'VP8 ' && buf.length >= 30) {
      return { type: 'image/webp', width: buf.readUInt16LE(26) & 0x3fff, height: buf.readUInt16LE(28) & 0x3fff };
    }
    if (chunk === 'VP8L' && buf.length >= 25) {
      const b = buf.readUInt32LE(21);
      return { type: 'image/webp', width: (b & 0x3fff) + 1, height: ((b >> 14) & 0x3fff) + 1 };
    }
    if (chunk === 'VP8X' && buf.length >= 30) {
      return { type: 'image/webp', width: buf.readUIntLE(24, 3) + 1, height: buf.readUIntLE(27, 3) + 1 };
    }
    return { type: 'image/webp', width: null, height: null };
  }
  return null;
}

// ---------- MP4 box parsing ----------

function* boxes(buf, start, end) {
  let p = start;
  while (p + 8 <= end) {
    let size = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    let header = 8;
    if (size === 1) {
      if (p + 16 > end) return;
      size = Number(buf.readBigUInt64BE(p + 8));
      header = 16;
    } else if (size === 0) {
      size = end - p;
    }
    if (size < header || p + size > end) {
      yield { type, start: p, dataStart: p + header, end: Math.min(end, p + size), truncated: true };
      return;
    }
    yield { type, start: p, dataStart: p + header, end: p + size };
    p += size;
  }
}

/**
 * Parses an MP4 buffer. @returns {{isMp4:boolean, duration:number|null, width:number|null, height:number|null}}
 */
function probeMp4(buf) {
  const out = { isMp4: false, duration: null, width: null, height: null };
  if (!Buffer.isBuffer(buf) || buf.length < 12) return out;
  const top = [...boxes(buf, 0, buf.length)];
  if (!top.length || top[0].type !== 'ftyp') return out;
  out.isMp4 = true;
  const moov = top.find((b) => b.type === 'moov' && !b.truncated);
  if (!moov) return out;
  for (const b of boxes(buf, moov.dataStart, moov.end)) {
    if (b.type === 'mvhd') {
      const v = buf[b.dataStart];
      let timescale, duration;
      if (v === 1) {
        timescale = buf.readUInt32BE(b.dataStart + 20);
        duration = Number(buf.readBigUInt64BE(b.dataStart + 24));
      } else {
        timescale = buf.readUInt32BE(b.dataStart + 12);
        duration = buf.readUInt32BE(b.dataStart + 16);
      }
      if (timescale > 0) out.duration = duration / timescale;
    } else if (b.type === 'trak' && out.width == null) {
      for (const t of boxes(buf, b.dataStart, b.end)) {
        if (t.type !== 'tkhd') continue;
        const v = buf[t.dataStart];
        const off = t.dataStart + (v === 1 ? 4 + 32 : 4 + 20) + 8 + 8 + 36;
        if (off + 8 <= t.end) {
          const w = buf.readUInt32BE(off) / 65536;
          const h = buf.readUInt32BE(off + 4) / 65536;
          if (w > 0 && h > 0) { out.width = Math.round(w); out.height = Math.round(h); }
        }
      }
    }
  }
  return out;
}

module.exports = {
  DEFAULT_MEDIA_DIR,
  captionLines,
  createMediaStore,
  runFfmpeg,
  ffmpegPath,
  VirtualFile,
  paddedMp4,
  fileAsVirtual,
  sha256OfStream,
  detectImage,
  probeMp4,
};
