#!/usr/bin/env node
'use strict';
// node test/emulator/cli.js --port 4010 [--host 127.0.0.1] [--job-ms 8000] [--queued-ms 0] [--api-key KEY]
//   [--poll-after-ms 1000] [--max-running N] [--ttl SECONDS] [--pad-video-bytes N] [--accept-unknown-fields]
//   [--accept-numeric-seconds] [--ignore-idempotency-keys] [--media-dir DIR] [--media-mode eager|lazy] [--faults '{json}'] [--verbose]
//   [--dialect azure|litellm|newapi|openrouter] [--dialect-options '{json}'] [--provider openai|azure|gemini|vertex_ai]
//   [--channel sora|generic|kling] [--sweep-ms N]   (the last three: shorthands for dialectOptions, see README)
//   [--list-lag-ms N] [--clock-skew-s N] [--progress-profile linear|stall99|jumps|none|null] [--shuffle-ids]
//   [--ignore-cursor] [--omit-created-at [FRACTION]] [--status-words '{json}']
const { startEmulator } = require('./index');

function usage(msg) {
  if (msg) console.error(msg);
  console.error('usage: node test/emulator/cli.js [--port 4010] [--host 127.0.0.1] [--job-ms 8000] [--queued-ms 0] [--api-key KEY] [--no-video-access-key KEY] [--poll-after-ms 1000] [--max-running N] [--ttl SECONDS] [--pad-video-bytes N] [--accept-unknown-fields] [--accept-numeric-seconds] [--ignore-idempotency-keys] [--media-dir DIR] [--media-mode eager|lazy] [--no-captions] [--faults JSON] [--verbose] [--dialect azure|litellm|newapi|openrouter] [--dialect-options JSON] [--provider openai|azure|gemini|vertex_ai] [--channel sora|generic|kling] [--sweep-ms N] [--list-lag-ms N] [--clock-skew-s N] [--progress-profile linear|stall99|jumps|none|null] [--shuffle-ids] [--ignore-cursor] [--omit-created-at [FRACTION]] [--status-words JSON]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { port: 4010 };
  const num = (name, v) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n)) usage(`--${name} needs a number`);
    return n;
  };
  const json = (name, v) => {
    try { return JSON.parse(v); } catch { return usage(`--${name} needs a JSON object`); }
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let val;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { val = a.slice(eq + 1); a = a.slice(0, eq); }
    const next = () => (val !== undefined ? val : argv[++i]);
    switch (a) {
      case '--port': opts.port = num('port', next()); break;
      case '--host': opts.host = next(); break;
      case '--job-ms': opts.jobMs = num('job-ms', next()); break;
      case '--queued-ms': opts.queuedMs = num('queued-ms', next()); break;
      case '--api-key': opts.apiKey = next(); break;
      case '--no-video-access-key': opts.noVideoAccessKeys = [...(opts.noVideoAccessKeys || []), next()]; break;
      case '--poll-after-ms': opts.pollAfterMs = num('poll-after-ms', next()); break;
      case '--max-running': { const v = next(); opts.maxRunning = v === 'Infinity' ? Infinity : num('max-running', v); break; }
      case '--ttl': case '--asset-ttl-seconds': opts.assetTtlSeconds = num('ttl', next()); break;
      case '--pad-video-bytes': opts.padVideoBytes = num('pad-video-bytes', next()); break;
      case '--accept-unknown-fields': opts.acceptUnknownFields = true; break;
      case '--accept-numeric-seconds': opts.acceptNumericSeconds = true; break;
      case '--ignore-idempotency-keys': opts.ignoreIdempotencyKeys = true; break;
      case '--media-dir': opts.mediaDir = next(); break;
      case '--media-mode': opts.mediaMode = next(); break;
      case '--no-captions': opts.captions = false; break;
      case '--base-path': opts.basePath = next(); break;
      case '--dialect': opts.dialect = next(); break;
      case '--dialect-options': opts.dialectOptions = { ...opts.dialectOptions, ...json('dialect-options', next()) }; break;
      case '--provider': opts.dialectOptions = { ...opts.dialectOptions, provider: next() }; break; // litellm
      case '--channel': opts.dialectOptions = { ...opts.dialectOptions, channel: next() }; break; // newapi
      case '--sweep-ms': opts.dialectOptions = { ...opts.dialectOptions, sweepMs: num('sweep-ms', next()) }; break; // newapi
      case '--faults': opts.faults = json('faults', next()); break;
      case '--list-lag-ms': opts.listLagMs = num('list-lag-ms', next()); break;
      case '--clock-skew-s': opts.clockSkewS = num('clock-skew-s', next()); break;
      case '--progress-profile': opts.progressProfile = next(); break;
      case '--shuffle-ids': opts.shuffleIds = true; break;
      case '--ignore-cursor': opts.ignoreCursor = true; break;
      case '--omit-created-at': {
        // An optional fraction follows; without one every job omits it.
        const v = val !== undefined ? val : argv[i + 1];
        if (v !== undefined && /^(0|1)?(\.\d+)?$/.test(v) && v !== '') { opts.omitCreatedAt = Number(v); if (val === undefined) i++; } else opts.omitCreatedAt = true;
        break;
      }
      case '--status-words': opts.statusWords = json('status-words', next()); break;
      case '--verbose': opts.log = true; break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown argument: ${a}`);
    }
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const emu = await startEmulator(opts);
  process.stdout.write(`Sora emulator listening on ${emu.baseUrl}\n`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    emu.close().then(() => process.exit(0), () => process.exit(1));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`Sora emulator failed to start: ${err && err.message}`);
  process.exit(1);
});
