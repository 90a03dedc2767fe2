'use strict';
// Minimal multipart/form-data parser (buffered; requests to the emulator are small) plus a helper that turns
// bracketed field names (`characters[0][id]`, `characters[][id]`, `video[id]`) into nested objects.

function getBoundary(contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType || '');
  return m ? m[1] || m[2] : null;
}

function parseHeaderParams(value) {
  const out = {};
  const re = /;\s*([a-zA-Z0-9_*-]+)=(?:"((?:\\.|[^"\\])*)"|([^;]*))/g;
  let m;
  while ((m = re.exec(value))) {
    const key = m[1].toLowerCase();
    let v = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] || '').trim();
    if (key.endsWith('*')) {
      // RFC 5987: filename*=UTF-8''name
      const mm = /^[^']*'[^']*'(.*)$/.exec(v);
      try { v = decodeURIComponent(mm ? mm[1] : v); } catch { /* keep raw */ }
      out[key.slice(0, -1)] = v;
    } else if (!(key in out)) {
      out[key] = v;
    }
  }
  return out;
}

/**
 * @returns {Array<{name:string, filename:string|undefined, contentType:string|undefined, data:Buffer, isFile:boolean}>}
 */
function parseMultipart(body, contentType) {
  const boundary = getBoundary(contentType);
  if (!boundary) throw new Error('multipart body without boundary');
  const delim = Buffer.from('--' + boundary);
  const parts = [];
  let pos = body.indexOf(delim);
  if (pos < 0) throw new Error('multipart boundary not found');
  for (;;) {
    pos += delim.length;
    // "--" after the delimiter marks the end.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    // skip transport padding + CRLF
    while (pos < body.length && (body[pos] === 0x20 || body[pos] === 0x09)) pos++;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    else if (body[pos] === 0x0a) pos += 1;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new Error('malformed multipart part headers');
    const headerText = body.subarray(pos, headerEnd).toString('utf8');
    const dataStart = headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), dataStart);
    if (next < 0) throw new Error('multipart body is truncated');
    const headers = {};
    for (const line of headerText.split(/\r\n/)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const disp = headers['content-disposition'] || '';
    const params = parseHeaderParams(disp);
    if (params.name !== undefined) {
      parts.push({
        name: params.name,
        filename: params.filename,
        contentType: headers['content-type'],
        data: body.subarray(dataStart, next),
        isFile: params.filename !== undefined,
      });
    }
    pos = next + 2;
  }
  return parts;
}

/** Split `a[b][]` into ['a', 'b', '']. */
function splitKey(name) {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
  if (!m) return [name];
  const keys = [m[1]];
  const re = /\[([^[\]]*)\]/g;
  let mm;
  while ((mm = re.exec(m[2]))) keys.push(mm[1]);
  return keys;
}

function setDeep(target, keys, value) {
  let cur = target;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const last = i === keys.length - 1;
    const nextKey = keys[i + 1];
    if (Array.isArray(cur)) {
      if (k === '') {
        if (last) { cur.push(value); return; }
        // `x[][id]`: start a new element unless the last one can still take this sub key.
        let el = cur[cur.length - 1];
        if (!el || typeof el !== 'object' || (keys.length === i + 2 && nextKey in el)) {
          el = nextKey === '' || /^\d+$/.test(nextKey) ? [] : {};
          cur.push(el);
        }
        cur = el;
        continue;
      }
      if (/^\d+$/.test(k)) {
        const idx = Number(k);
        if (last) { cur[idx] = value; return; }
        if (cur[idx] === undefined || typeof cur[idx] !== 'object') cur[idx] = nextKey === '' || /^\d+$/.test(nextKey) ? [] : {};
        cur = cur[idx];
        continue;
      }
      return; // non-numeric key on an array: ignore
    }
    if (last) {
      if (k in cur) {
        // repeated plain field: keep the last value (like most servers)
      }
      cur[k] = value;
      return;
    }
    if (cur[k] === undefined || typeof cur[k] !== 'object' || cur[k] === null || Buffer.isBuffer(cur[k]) || cur[k].isFile) {
      cur[k] = nextKey === '' || /^\d+$/.test(nextKey) ? [] : {};
    }
    cur = cur[k];
  }
}

/**
 * Turns parts into `{ fields, files }`: `fields` is a nested object of text values (bracket syntax expanded),
 * `files` maps the top-level field name to its file part. Also returns `topLevelNames`.
 */
function formToObject(parts) {
  const fields = {};
  const files = {};
  const topLevelNames = new Set();
  for (const part of parts) {
    const keys = splitKey(part.name);
    topLevelNames.add(keys[0]);
    if (part.isFile) {
      files[part.name] = part;
      if (keys.length === 1) files[keys[0]] = part;
      continue;
    }
    setDeep(fields, keys, part.data.toString('utf8'));
  }
  // arrays with holes (characters[1][id] without [0]) -> compact
  for (const k of Object.keys(fields)) {
    if (Array.isArray(fields[k])) fields[k] = fields[k].filter((x) => x !== undefined);
  }
  return { fields, files, topLevelNames: [...topLevelNames] };
}

module.exports = { parseMultipart, formToObject, getBoundary, splitKey };
