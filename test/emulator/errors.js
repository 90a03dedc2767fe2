'use strict';
// The emulator's error type and the wording helpers its messages share. An ApiError carries an HTTP status and
// serialises to OpenAI's envelope `{"error":{"message","type","param","code"}}`; anything thrown that is not an
// ApiError is answered as a 500 `server_error` (see http.js). A dialect (dialects/) can give an ApiError a whole
// `body` of its own: it is then sent exactly as it is, with no translation.

class ApiError extends Error {
  constructor(status, message, { param = null, code = null, type = 'invalid_request_error', headers, body } = {}) {
    super(message);
    this.body = body;
    this.status = status;
    this.param = param;
    this.code = code;
    this.type = type;
    this.headers = headers;
  }
  toJSON() {
    if (this.body !== undefined) return this.body;
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A 400 `invalid_request_error`. */
const bad = (message, param, code) => new ApiError(400, message, { param: param ?? null, code: code ?? null });

/** How OpenAI's validation messages name a JSON value's type ("but got an integer instead"). */
function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a decimal';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'string') return 'a string';
  return 'an object';
}

/** `'a', 'b', and 'c'` — the quoted lists of supported values in OpenAI's messages. */
function oxford(list, conj = 'and') {
  const q = list.map((x) => `'${x}'`);
  if (q.length <= 1) return q.join('');
  if (q.length === 2) return `${q[0]} ${conj} ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, ${conj} ${q[q.length - 1]}`;
}

module.exports = { ApiError, bad, typeName, oxford };
