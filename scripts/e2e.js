#!/usr/bin/env node
'use strict';
/**
 * End-to-end test in a real n8n 2.x process (`npm run e2e`).
 *
 * 1. Ensures Node 24 + n8n (cached outside the repo), builds and packs this package and installs the
 *    tarball as a community package into a fresh n8n user folder (out/e2e/n8n).
 * 2. Starts a Sora server (the emulator in this process, jobs of 3 s) unless SORA_BASE_URL is set,
 *    plus the examples' helper server (first-frame PNG + "publishing" endpoint).
 * 3. Imports the "Sora API" credential and every workflow in examples/ with the n8n CLI. Each
 *    Sora node that outputs an MP4 gets a "Read/Write Files from Disk" node attached (in the
 *    imported copy only) that writes the MP4 to out/e2e/videos, where it is probed with ffmpeg.
 * 4. Runs every Manual Trigger example with `n8n execute`.
 * 5. Publishes the Sora Trigger example, starts `n8n start`, runs "submit without waiting", and
 *    waits for the trigger's execution to deliver the MP4.
 * 6. Dialect modes: for each of azure, litellm, litellm-gemini (LiteLLM with Veo behind it), litellm-fal_ai
 *    (LiteLLM with Kling on fal.ai behind it), newapi and openrouter, an emulator in that mode, a credential with that Server preset and copies of examples 01-04 bound
 *    to it, as far as the server supports them (SERVER_TABLE below, which mirrors nodes/Sora/servers).
 * 7. Credential test (issue #2): n8n's own `POST /rest/credentials/test`, as the editor's "Test"
 *    button calls it, for every preset: a good key, a wrong key (401), a base URL with a typo (404)
 *    and a key without video access (403), each expecting the credential's sentence.
 *
 * 8. Publishing (issue 25, scripts/e2e-publish.js): examples 08 onward (YouTube, Telegram, upload-post) in real n8n
 *    against local stand-ins of the platforms' upload APIs, in the default and filesystem binary modes and one row in
 *    queue mode; its own table. SORA_E2E_PUBLISH=0 leaves it out.
 *
 * Your own server, in its dialect (issues #12, #14): SORA_BASE_URL, SORA_API_KEY, SORA_MODEL, SORA_SERVER (the
 * credential's Server preset: openai | azure | litellm | newapi | openrouter; default openai), SORA_LITELLM_PROVIDER,
 * SORA_AUTH_HEADER (bearer | apiKey | litellmKey; default apiKey for azure, else bearer), SORA_SECONDS and SORA_SIZE
 * (the clip every example makes instead of its saved one; a character's reference clip keeps its 4 s). Only the
 * examples that server supports run; each other one is a "skipped" row with the reason. Without SORA_BASE_URL,
 * SORA_SERVER runs the main examples against the emulator in that dialect mode.
 *
 * Other settings: SORA_E2E_JOB_MS (emulator job time, default 3000), SORA_E2E_TRIGGER_TIMEOUT_S (default 150, 1200 on
 * your server), SORA_E2E_ONLY (comma-separated example file prefixes, e.g. "01,03"), N8N_SORA_CACHE,
 * SORA_E2E_DIALECTS (all | none | comma-separated modes; default all with the emulator in its OpenAI mode, else none),
 * SORA_E2E_DIALECT_JOB_MS (job time of the dialect emulators, default 1000).
 * Prints a summary table and its wall time; exits 1 when anything failed.
 */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const rt = require('./n8n-runtime');
const publish = require('./e2e-publish');

const T0 = Date.now();
const OUT = path.join(rt.ROOT, 'out', 'e2e');
const USER_FOLDER = path.join(OUT, 'n8n');
const VIDEOS = path.join(OUT, 'videos');
const PUBLISHED = path.join(OUT, 'published');
const LOGS = path.join(OUT, 'logs');
const TRIGGER_WORKFLOW = 'soraExample04trg';
const SUBMIT_WORKFLOW = 'soraExample04sub';
const OWNER = { email: 'e2e@example.com', password: 'SoraE2e12345' };
/**
 * `litellm-gemini`: LiteLLM proxy with Veo behind it (provider gemini), the way most LiteLLM users reach video today;
 * `litellm-fal_ai`: LiteLLM proxy with Kling on fal.ai behind it (provider fal_ai).
 */
const DIALECTS = ['azure', 'litellm', 'litellm-gemini', 'litellm-fal_ai', 'newapi', 'openrouter'];
/** Workflow and credential id suffix of each dialect's copies. */
const DIALECT_SUFFIX = { azure: 'Az', litellm: 'Ll', 'litellm-gemini': 'Lg', 'litellm-fal_ai': 'Lf', newapi: 'Na', openrouter: 'Or' };
/** The Server preset, LiteLLM provider and model of a dialect mode (`<preset>[-<provider>]`). */
function dialectMode(dialect) {
	const [preset, provider] = dialect.split('-');
	// Veo 3.1 as LiteLLM names it behind gemini (litellm/llms/gemini/videos/transformation.py).
	// Veo's own 6 s (4/6/8 s; 1080p only at 8): the clip a Sora-only node could not ask for.
	if (provider === 'gemini') return { preset, provider, model: 'veo-3.1-generate-preview', seconds: '6' };
	// Kling 2.5 Turbo on fal.ai as the proxy's model list names it (litellm/llms/fal_ai/videos/transformation.py); Kling's
	// own 5 s (5 or 10 s). fal serves text and image to video as separate endpoints: Image to Video uses the second.
	if (provider === 'fal_ai') return { preset, provider, model: 'kling-v2-5-turbo', imageModel: 'kling-v2-5-turbo-i2v', seconds: '5' };
	return { preset, provider: provider ?? '' };
}
/** Examples the dialect modes repeat (05 adds nothing server-specific to 01: it only posts the MP4 on). */
const DIALECT_MODE_EXAMPLES = ['01', '02', '03', '04'];
/** Examples made for one server's models (06: Veo and Kling through one credential, as OpenRouter lists them). */
const SERVER_EXAMPLES = { soraExample06vk: 'openrouter' };

/**
 * What each Server preset lacks, as the node decides it. This MIRRORS nodes/Sora/servers/*.ts (`lacks`, LiteLLM's
 * provider rule in litellm.ts and `listHeaders` in index.ts): the scripts do not import TypeScript, so change both
 * together. An example whose nodes need a feature the server lacks is skipped with the node's own reason.
 */
const SERVER_TABLE = {
	openai: { name: 'OpenAI', lacks: [] },
	azure: { name: 'Azure OpenAI', lacks: ['edit', 'extend', 'characters', 'fileId'] },
	litellm: {
		name: 'LiteLLM proxy',
		// Its list passes the upstream objects on without their prompts (video_endpoints/endpoints.py).
		lacks: ['delete', 'thumbnail', 'spritesheet', 'fileId', 'listPrompts'],
		// Behind any provider but these (an empty one counts as openai) LiteLLM also lacks `lacksBehindOthers`;
		// its list needs a named provider (the custom-llm-provider header) in any case.
		fullProviders: ['openai', 'azure'],
		lacksBehindOthers: ['list', 'remix', 'edit', 'extend', 'characters'],
		listNeedsProvider: true,
	},
	newapi: { name: 'The new-api gateway', lacks: ['list', 'delete', 'edit', 'extend', 'characters', 'thumbnail', 'spritesheet', 'fileId'] },
	openrouter: {
		name: 'OpenRouter',
		lacks: ['list', 'delete', 'remix', 'edit', 'extend', 'characters', 'thumbnail', 'spritesheet', 'fileId'],
	},
};
/** The node's refusal sentences (LACK_SENTENCES in nodes/Sora/servers/index.ts), shortened. */
const LACK_WORDS = {
	list: 'has no video list',
	delete: 'cannot delete videos',
	remix: 'has no remix',
	edit: 'has no video edits',
	extend: 'has no video extensions',
	characters: 'has no characters',
	thumbnail: 'serves no thumbnails',
	spritesheet: 'serves no spritesheets',
	fileId: 'takes no file IDs',
	listPrompts: 'shows no prompts in its video list (the trigger example filters by prompt)',
};
/** Operations that need a feature (OPERATION_FEATURES in nodes/Sora/servers/index.ts). */
const OPERATION_NEEDS = {
	'video.getMany': 'list',
	'video.delete': 'delete',
	'video.remix': 'remix',
	'video.edit': 'edit',
	'video.extend': 'extend',
	'character.create': 'characters',
	'character.get': 'characters',
};

/** A key the emulators know but that may not use videos (403). */
const NO_VIDEO_ACCESS_KEY = 'sk-no-video-access';
/** How long the trigger may take to deliver: 150 s on the emulator, 20 min on a real server. */
let TRIGGER_TIMEOUT_MS = 150_000;
/** The Server preset of the main run (SORA_SERVER, default openai); the dialect column of its rows. */
let MAIN = 'openai';
/** Allowed difference between the requested and the probed duration (encoders add a frame or so). */
const DURATION_TOLERANCE = 0.5;

const rows = [];
const failures = [];

function slug(text) {
	return String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

// ---------------------------------------------------------------------------------------------------------------
// MP4 probing with the ffmpeg binary of the devDependency @ffmpeg-installer/ffmpeg

function ffmpegPath() {
	try {
		return require('@ffmpeg-installer/ffmpeg').path;
	} catch (error) {
		throw new Error(`@ffmpeg-installer/ffmpeg is not installed (npm ci first): ${error.message}`);
	}
}

/** Container, size, duration and streams of a media file, read from `ffmpeg -i` stderr. */
function probe(file) {
	const bytes = fs.statSync(file).size;
	const head = Buffer.alloc(12);
	const fd = fs.openSync(file, 'r');
	fs.readSync(fd, head, 0, 12, 0);
	fs.closeSync(fd);
	const result = spawnSync(ffmpegPath(), ['-hide_banner', '-nostdin', '-i', file], { encoding: 'utf8' });
	const text = result.stderr || '';
	const container = /Input #0, ([^\n]+?), from /.exec(text)?.[1] ?? null;
	const brand = /major_brand\s*:\s*(\S+)/.exec(text)?.[1] ?? null;
	const d = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(text);
	const seconds = d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : null;
	const video = /Stream #\d+:\d+[^\n]*?: Video: (\w+)[^\n]*?, (\d{2,5})x(\d{2,5})/.exec(text);
	const audio = /Stream #\d+:\d+[^\n]*?: Audio: (\w+)/.exec(text);
	return {
		bytes,
		ftyp: head.subarray(4, 8).toString('latin1') === 'ftyp',
		container,
		brand,
		seconds,
		videoCodec: video?.[1] ?? null,
		width: video ? Number(video[2]) : null,
		height: video ? Number(video[3]) : null,
		audioCodec: audio?.[1] ?? null,
	};
}

/** Checks a probed MP4 against what the node asked for; returns a list of problems. */
function checkMp4(info, expect) {
	const problems = [];
	if (!info.ftyp || !/mp4/.test(info.container || '')) problems.push(`not an MP4 (container ${info.container})`);
	if (!info.bytes) problems.push('empty file');
	if (!info.videoCodec) problems.push('no video stream');
	if (!info.audioCodec) problems.push('no audio track');
	if (expect.size && `${info.width}x${info.height}` !== expect.size) problems.push(`size ${info.width}x${info.height}, expected ${expect.size}`);
	if (expect.seconds && (info.seconds === null || Math.abs(info.seconds - Number(expect.seconds)) > DURATION_TOLERANCE)) {
		problems.push(`duration ${info.seconds} s, expected ${expect.seconds} s`);
	}
	if (expect.bytes !== undefined && expect.bytes !== info.bytes) problems.push(`${info.bytes} bytes on disk, n8n reported ${expect.bytes}`);
	return problems;
}

function addRow(example, step, info, problems, dialect = MAIN) {
	const pass = problems.length === 0;
	rows.push({
		example,
		dialect,
		step,
		bytes: info?.bytes ?? '-',
		size: info?.width ? `${info.width}x${info.height}` : '-',
		seconds: info?.seconds ?? '-',
		audio: info ? (info.audioCodec ? `yes (${info.audioCodec})` : 'no') : '-',
		result: pass ? 'PASS' : 'FAIL',
		note: problems.join('; '),
	});
	if (!pass) failures.push(`${example} [${dialect}] / ${step}: ${problems.join('; ')}`);
}

function printTable() {
	const headers = ['example', 'dialect', 'step', 'MP4 bytes', 'WxH', 'seconds', 'audio', 'result'];
	const data = rows.map((r) => [r.example, r.dialect, r.step, String(r.bytes), r.size, String(r.seconds), r.audio, r.result]);
	const widths = headers.map((h, i) => Math.max(h.length, ...data.map((d) => d[i].length)));
	const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	console.log('');
	console.log(line(headers));
	console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const d of data) console.log(line(d));
	for (const r of rows.filter((row) => row.note)) console.log(`  ${r.result} ${r.example} [${r.dialect}] / ${r.step}: ${r.note}`);
	console.log('');
}

// ---------------------------------------------------------------------------------------------------------------
// Preparing the imported copies of the examples

const MP4_OPERATIONS = new Set(['textToVideo', 'imageToVideo']);

/** The binary field an MP4-producing node writes, or undefined when the node yields no MP4. */
function mp4Field(node) {
	const p = node.parameters || {};
	if (node.type === 'n8n-nodes-sora.soraTrigger') {
		return p.options?.download === false ? undefined : p.options?.binaryPropertyOutput || 'data';
	}
	if (node.type !== 'n8n-nodes-sora.sora' || (p.resource ?? 'video') !== 'video') return undefined;
	if (p.operation === 'download') return (p.variant ?? 'video') === 'video' ? p.binaryPropertyOutput || 'data' : undefined;
	if (MP4_OPERATIONS.has(p.operation ?? 'textToVideo') && p.waitForCompletion !== false) return p.options?.binaryPropertyOutput || 'data';
	return undefined;
}

function upstreamOf(workflow, nodeName) {
	for (const [from, outputs] of Object.entries(workflow.connections)) {
		for (const output of outputs.main || []) {
			if ((output || []).some((c) => c.node === nodeName)) return workflow.nodes.find((n) => n.name === from);
		}
	}
	return undefined;
}

/** What a video node asked for: its own size/seconds, or those of the job it downloads. */
function expectationFor(workflow, node, examples) {
	let source = node;
	for (let guard = 0; source && guard < 10; guard++) {
		const p = source.parameters || {};
		if (source.type === 'n8n-nodes-sora.sora' && MP4_OPERATIONS.has(p.operation ?? 'textToVideo')) {
			return { size: p.size === 'matchImage' ? undefined : p.size || '720x1280', seconds: p.seconds || '4' };
		}
		source = upstreamOf(workflow, source.name);
	}
	if (node.type === 'n8n-nodes-sora.soraTrigger') {
		const submit = examples.find((e) => (e.baseId ?? e.workflow.id) === SUBMIT_WORKFLOW)?.workflow.nodes.find((n) => n.type === 'n8n-nodes-sora.sora');
		if (submit) return { size: submit.parameters.size || '720x1280', seconds: submit.parameters.seconds || '4' };
	}
	return {};
}

/**
 * Attaches a "Read/Write Files from Disk" node to every node that outputs an MP4, so the run
 * leaves the file in VIDEOS as `<workflow id>--<node>--<video id>.mp4`. Returns the savers.
 */
function attachSavers(example, examples) {
	const { workflow } = example;
	const savers = [];
	for (const node of [...workflow.nodes]) {
		const field = mp4Field(node);
		if (!field) continue;
		const prefix = `${workflow.id}--${slug(node.name)}--`;
		const saver = {
			parameters: {
				operation: 'write',
				fileName: `={{ ${JSON.stringify(path.join(VIDEOS, prefix))} + $binary[${JSON.stringify(field)}].fileName }}`,
				dataPropertyName: field,
				options: {},
			},
			id: `e2e-saver-${savers.length}-${workflow.id}`,
			name: `e2e: save ${node.name}`,
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion: 1.1,
			position: [node.position[0] + 40, node.position[1] + 220],
		};
		workflow.nodes.push(saver);
		const outputs = (workflow.connections[node.name] ??= { main: [[]] });
		outputs.main[0] = [...(outputs.main[0] || []), { node: saver.name, type: 'main', index: 0 }];
		savers.push({ node: node.name, field, prefix, expect: expectationFor(workflow, node, examples) });
	}
	return savers;
}

/**
 * n8n refuses poll intervals under a minute, but one node may have several poll times. The
 * imported copy of the trigger example polls at seconds 0, 15, 30 and 45 of every minute so the
 * test does not wait up to a minute for the next poll.
 */
function speedUpPolling(workflow) {
	for (const node of workflow.nodes) {
		if (node.type !== 'n8n-nodes-sora.soraTrigger') continue;
		node.parameters.pollTimes = {
			item: [0, 15, 30, 45].map((second) => ({ mode: 'custom', cronExpression: `${second} * * * * *` })),
		};
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Your server in its dialect: which examples it supports, and the clip it makes

const PRESETS = Object.keys(SERVER_TABLE);
const AUTH_HEADERS = ['bearer', 'apiKey', 'litellmKey'];

/**
 * The server the main run targets, from the environment: SORA_SERVER (a credential preset, default openai),
 * SORA_LITELLM_PROVIDER, SORA_AUTH_HEADER (default: api-key for Azure, Bearer otherwise), SORA_SECONDS, SORA_SIZE.
 */
function mainTarget() {
	const server = (process.env.SORA_SERVER || 'openai').trim().toLowerCase();
	if (!PRESETS.includes(server)) throw new Error(`SORA_SERVER: unknown server "${server}"; expected one of ${PRESETS.join(', ')}`);
	const provider = server === 'litellm' ? (process.env.SORA_LITELLM_PROVIDER || '').trim() : '';
	const authHeader = (process.env.SORA_AUTH_HEADER || '').trim() || (server === 'azure' ? 'apiKey' : 'bearer');
	if (!AUTH_HEADERS.includes(authHeader)) throw new Error(`SORA_AUTH_HEADER: "${authHeader}"; expected one of ${AUTH_HEADERS.join(', ')}`);
	const seconds = (process.env.SORA_SECONDS || '').trim();
	if (seconds && !/^[1-9]\d*$/.test(seconds)) throw new Error(`SORA_SECONDS: "${seconds}" is not a whole number of seconds`);
	const size = (process.env.SORA_SIZE || '').trim();
	if (size && !/^\d{2,4}x\d{2,4}$/.test(size)) throw new Error(`SORA_SIZE: "${size}" is not WIDTHxHEIGHT (for example 1280x720)`);
	return { server, provider, authHeader, seconds, size };
}

/** How a sentence names the server (nameFor in nodes/Sora/servers/litellm.ts). */
function serverName({ server, provider }, feature) {
	const entry = SERVER_TABLE[server];
	return server === 'litellm' && provider && !entry.lacks.includes(feature) ? `${entry.name} with provider ${provider}` : entry.name;
}

function lacks({ server, provider }) {
	const entry = SERVER_TABLE[server];
	const full = !provider || !entry.fullProviders || entry.fullProviders.includes(provider.toLowerCase());
	return full ? entry.lacks : [...entry.lacks, ...entry.lacksBehindOthers];
}

/** The features a workflow's Sora nodes need beyond create, get and /content. */
function featuresNeeded(workflow) {
	const needs = new Set();
	for (const node of workflow.nodes) {
		const p = node.parameters || {};
		if (node.type === 'n8n-nodes-sora.soraTrigger') needs.add('list');
		if (node.type === 'n8n-nodes-sora.soraTrigger' && p.filters?.promptContains) needs.add('listPrompts');
		if (node.type !== 'n8n-nodes-sora.sora') continue;
		const resource = p.resource ?? 'video';
		const need = OPERATION_NEEDS[`${resource}.${p.operation ?? (resource === 'video' ? 'textToVideo' : 'create')}`];
		if (need) needs.add(need);
		if (p.characters?.character?.length) needs.add('characters');
		if (p.options?.downloadThumbnail) needs.add('thumbnail');
		if (p.operation === 'download' && ['thumbnail', 'spritesheet'].includes(p.variant)) needs.add(p.variant);
	}
	return [...needs];
}

/** Why the server cannot run this workflow (the first missing feature), or undefined. */
function skipReason(target, workflow) {
	const missing = lacks(target);
	for (const feature of featuresNeeded(workflow)) {
		if (missing.includes(feature)) return `${serverName(target, feature)} ${LACK_WORDS[feature]}`;
		if (feature === 'list' && SERVER_TABLE[target.server].listNeedsProvider && !target.provider) {
			return `${SERVER_TABLE[target.server].name} lists videos only with a provider (set SORA_LITELLM_PROVIDER)`;
		}
	}
	return undefined;
}

/**
 * Splits examples into those the server runs and skipped rows ({label, reason}). The submit example (04a)
 * exists for the trigger (04b): the two go together, as one row.
 */
function splitSupported(examples, target) {
	const serverOnly = (e) => {
		const only = SERVER_EXAMPLES[e.baseId ?? e.workflow.id];
		return only && only !== target.server ? `made for ${SERVER_TABLE[only].name}'s models` : undefined;
	};
	const reasons = new Map(examples.map((e) => [e, skipReason(target, e.workflow) ?? serverOnly(e)]));
	const trigger = examples.find((e) => (e.baseId ?? e.workflow.id) === TRIGGER_WORKFLOW);
	const submit = examples.find((e) => (e.baseId ?? e.workflow.id) === SUBMIT_WORKFLOW);
	if (trigger && submit) reasons.set(submit, reasons.get(trigger) ?? reasons.get(submit));
	const skipped = [];
	for (const [example, reason] of reasons) {
		if (!reason || example === trigger) continue;
		const label = example === submit && trigger ? `${submit.file.replace(/\.json$/, '')} + ${trigger.file.slice(0, 3)}` : example.file.replace(/\.json$/, '');
		skipped.push({ label, reason });
	}
	if (trigger && reasons.get(trigger) && !submit) skipped.push({ label: trigger.file.replace(/\.json$/, ''), reason: reasons.get(trigger) });
	return { run: examples.filter((e) => !reasons.get(e)), skipped };
}

function addSkipped(skipped, dialect) {
	for (const { label, reason } of skipped) {
		rt.log(`  – ${label}${dialect === MAIN ? '' : ` [${dialect}]`} skipped: ${reason}`);
		rows.push({ example: label, dialect, step: reason, bytes: '-', size: '-', seconds: '-', audio: '-', result: 'skipped', note: '' });
	}
}

function downstreamOf(workflow, nodeName, seen = new Set()) {
	for (const output of workflow.connections[nodeName]?.main || []) {
		for (const c of output || []) {
			if (seen.has(c.node)) continue;
			seen.add(c.node);
			downstreamOf(workflow, c.node, seen);
		}
	}
	return [...seen].map((name) => workflow.nodes.find((n) => n.name === name)).filter(Boolean);
}

/**
 * SORA_SECONDS / SORA_SIZE replace the duration and size of every Sora node that makes a clip (the MP4 checks
 * follow, as they read the imported copy). A character's reference clip keeps its own duration (Character →
 * Create takes 2–4 s clips); the first frame of 02 is fetched in the new size.
 */
function overrideClip(workflow, { seconds, size }) {
	for (const node of workflow.nodes) {
		const p = node.parameters || {};
		if (node.type !== 'n8n-nodes-sora.sora' || (p.resource ?? 'video') !== 'video' || !MP4_OPERATIONS.has(p.operation ?? 'textToVideo')) continue;
		if (size) p.size = size;
		const referenceClip = downstreamOf(workflow, node.name).some((n) => n.parameters?.resource === 'character' && n.parameters?.operation === 'create');
		if (seconds && !referenceClip) p.seconds = seconds;
	}
	if (!size) return;
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.httpRequest' && /\/frame\.png$/.test(node.parameters?.url || '')) node.parameters.url += `?size=${size}`;
	}
}

/** The number of video jobs a list of examples starts (what a run on a paid server costs). */
function jobCount(examples) {
	let jobs = 0;
	for (const { workflow } of examples) {
		for (const node of workflow.nodes) {
			const p = node.parameters || {};
			if (node.type === 'n8n-nodes-sora.sora' && (p.resource ?? 'video') === 'video' && MP4_OPERATIONS.has(p.operation ?? 'textToVideo')) jobs++;
		}
	}
	return jobs;
}

// ---------------------------------------------------------------------------------------------------------------
// Running examples

/** The run data `n8n execute` logs (with N8N_LOG_OUTPUT=file it lands in the run's own log file). */
function readRunResult(logFile) {
	if (!fs.existsSync(logFile)) return undefined;
	let result;
	for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
		if (!line.startsWith('{')) continue;
		let entry;
		try {
			entry = JSON.parse(line);
		} catch {
			continue;
		}
		if (typeof entry.message !== 'string' || !entry.message.startsWith('{')) continue;
		try {
			const parsed = JSON.parse(entry.message);
			if (parsed?.data?.resultData) result = parsed;
		} catch {}
	}
	return result;
}

function logErrors(logFile) {
	if (!fs.existsSync(logFile)) return '';
	return fs
		.readFileSync(logFile, 'utf8')
		.split('\n')
		.map((line) => {
			try {
				return JSON.parse(line);
			} catch {
				return null;
			}
		})
		.filter((e) => e && e.level === 'error')
		.map((e) => e.message)
		.join(' | ')
		.slice(0, 800);
}

async function executeWorkflow(runtime, workflow) {
	const logFile = path.join(LOGS, `execute-${workflow.id}.log`);
	fs.rmSync(logFile, { force: true });
	const started = Date.now();
	const cli = await rt.n8nCliAsync(runtime, USER_FOLDER, ['execute', `--id=${workflow.id}`, '--rawOutput'], {
		allowFailure: true,
		timeoutMs: 15 * 60_000,
		env: {
			N8N_LOG_OUTPUT: 'file',
			N8N_LOG_FILE_LOCATION: logFile,
			N8N_RUNNERS_BROKER_PORT: String(await rt.freePort()),
			N8N_RESTRICT_FILE_ACCESS_TO: VIDEOS,
		},
	});
	const run = readRunResult(logFile);
	const error = run?.data?.resultData?.error;
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	if (cli.status !== 0 || !run || error || run.status !== 'success') {
		const reason = error
			? `${error.message}${error.description ? ` (${error.description})` : ''}`
			: `n8n execute exited with ${cli.signal ? `signal ${cli.signal}` : cli.status}${run ? `, status ${run.status}` : ', no run data'}: ${logErrors(logFile) || (cli.stdout + cli.stderr).slice(-500)}`;
		rt.log(`  ✗ "${workflow.name}" failed after ${seconds} s: ${reason}`);
		return { ok: false, reason, run };
	}
	rt.log(`  ✓ "${workflow.name}" ran in ${seconds} s`);
	return { ok: true, run };
}

function nodeOutput(run, nodeName) {
	return run?.data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0] ?? [];
}

function checkSavers(label, savers, run, dialect) {
	for (const saver of savers) {
		const files = fs.readdirSync(VIDEOS).filter((f) => f.startsWith(saver.prefix));
		if (!files.length) {
			addRow(label, saver.node, null, [`no MP4 was written for node "${saver.node}"`], dialect);
			continue;
		}
		for (const file of files) {
			const reported = nodeOutput(run, saver.node).find((item) => file.endsWith(item.binary?.[saver.field]?.fileName ?? '\0'));
			const bytes = reported?.binary?.[saver.field]?.bytes;
			const info = probe(path.join(VIDEOS, file));
			addRow(label, saver.node, info, checkMp4(info, { ...saver.expect, ...(typeof bytes === 'number' ? { bytes } : {}) }), dialect);
		}
	}
}

/** Example-specific checks beyond "the MP4s are fine". */
function extraChecks(label, example, run, helper, dialect) {
	const { workflow } = example;
	const publish = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.httpRequest' && /\/publish$/.test(n.parameters.url || ''));
	if (publish) {
		const answer = nodeOutput(run, publish.name)[0]?.json;
		const entry = helper.published.find((p) => p.id === answer?.id);
		if (!entry) {
			addRow(label, `${publish.name} (upload received)`, null, [`the publishing endpoint did not receive the video (node output: ${JSON.stringify(answer).slice(0, 200)})`], dialect);
		} else {
			const generator = upstreamOf(workflow, publish.name);
			const expect = generator ? expectationFor(workflow, generator, []) : {};
			const info = probe(entry.path);
			const problems = checkMp4(info, expect);
			if (entry.mimeType !== 'video/mp4') problems.push(`uploaded as ${entry.mimeType}`);
			addRow(label, `${publish.name} (upload received)`, info, problems, dialect);
		}
	}
	const character = workflow.nodes.find((n) => n.type === 'n8n-nodes-sora.sora' && n.parameters.resource === 'character' && n.parameters.operation === 'create');
	if (character) {
		const created = nodeOutput(run, character.name)[0]?.json;
		const starring = workflow.nodes.find((n) => n.parameters?.characters?.character?.length);
		const used = nodeOutput(run, starring?.name)[0]?.json;
		const problems = [];
		if (!created?.id) problems.push('no character id');
		if (created?.name !== character.parameters.name) problems.push(`character name ${created?.name}`);
		// The prompt as the job shows it, or as it was sent where the server's answer leaves it out (LiteLLM).
		if (starring && !(used?.prompt || starring.parameters.prompt || '').includes(created?.name)) problems.push('the starring prompt does not name the character');
		addRow(label, `${character.name} (${created?.id ?? 'no id'})`, null, problems, dialect);
	}
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Which dialect modes to run: SORA_E2E_DIALECTS=all|none|azure,litellm,…; default all with the emulator in its
 * OpenAI mode only (none on your server, or with SORA_SERVER set).
 */
function dialectsToRun(sora, target) {
	const wanted = (process.env.SORA_E2E_DIALECTS ?? (sora.emulated && target.server === 'openai' ? 'all' : 'none')).trim().toLowerCase();
	if (wanted === 'all') return DIALECTS;
	if (wanted === 'none' || wanted === '') return [];
	const list = wanted.split(',').map((d) => d.trim()).filter(Boolean);
	const unknown = list.filter((d) => !DIALECTS.includes(d));
	if (unknown.length) throw new Error(`SORA_E2E_DIALECTS: unknown mode(s) ${unknown.join(', ')}; expected all, none or some of ${DIALECTS.join(', ')}`);
	return list;
}

/**
 * Copies of the examples a dialect mode repeats, with their own workflow ids (`<id><suffix>`) and every Sora node
 * bound to that dialect's credential. Each carries `dialect` and `baseId` (the original id). Returns the copies the
 * server supports and the skipped ones ({label, reason}).
 */
function dialectCopies(dialect, credential, exampleServerUrl, only, model) {
	const all = [
		...rt.loadExamples({ exampleServerUrl, model, filesDir: VIDEOS }).filter((e) => DIALECT_MODE_EXAMPLES.some((prefix) => e.file.startsWith(prefix))),
		// An example made for this server's models keeps its own models.
		...rt.loadExamples({ exampleServerUrl, filesDir: VIDEOS }).filter((e) => SERVER_EXAMPLES[e.workflow.id] === dialect),
	].filter((e) => !only.length || only.some((prefix) => e.file.startsWith(prefix)));
	for (const copy of all) {
		copy.dialect = dialect;
		copy.baseId = copy.workflow.id;
		copy.workflow.id = `${copy.baseId}${DIALECT_SUFFIX[dialect]}`;
		copy.workflow.name = `${copy.workflow.name} [${dialect}]`;
		const { seconds, imageModel } = dialectMode(dialect);
		if (seconds) overrideClip(copy.workflow, { seconds });
		for (const node of copy.workflow.nodes) {
			if (imageModel && node.parameters?.operation === 'imageToVideo') node.parameters.model = { __rl: true, mode: 'id', value: imageModel };
		}
		for (const node of copy.workflow.nodes) {
			if (node.credentials?.soraApi) node.credentials.soraApi = { id: credential.id, name: credential.name };
		}
	}
	const { run, skipped } = splitSupported(all, { server: dialectMode(dialect).preset, provider: credential.data.litellmProvider || '' });
	return { copies: run, skipped };
}

/** Runs the Manual Trigger examples of one list with `n8n execute` and checks their MP4s. */
async function runManualExamples(runtime, list, saversById, helper, dialect) {
	const manual = list.filter((e) => e.workflow.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger') && (e.baseId ?? e.workflow.id) !== SUBMIT_WORKFLOW);
	for (const example of manual) {
		const label = example.file.replace(/\.json$/, '');
		rt.log(`running ${example.file}${dialect === MAIN ? '' : ` [${dialect}]`} with n8n execute`);
		const result = await executeWorkflow(runtime, example.workflow);
		if (!result.ok) {
			addRow(label, 'n8n execute', null, [result.reason], dialect);
			continue;
		}
		checkSavers(label, saversById.get(example.workflow.id), result.run, dialect);
		extraChecks(label, example, result.run, helper, dialect);
	}
}

async function main() {
	rt.log(`e2e: real n8n ${rt.N8N_VERSION} with this package installed as a community package (cache ${rt.CACHE_DIR})`);
	const runtime = await rt.ensureRuntime();

	fs.rmSync(OUT, { recursive: true, force: true });
	for (const dir of [USER_FOLDER, VIDEOS, PUBLISHED, LOGS]) fs.mkdirSync(dir, { recursive: true });
	const pack = rt.buildAndPack(path.join(OUT, 'pack'));
	const installed = rt.installPackage(USER_FOLDER, pack);

	const target = mainTarget();
	MAIN = target.server;
	// Your server (SORA_BASE_URL), or the emulator — in SORA_SERVER's dialect mode when that is not openai.
	// The emulators' shared test pattern: a captioned video per job would cost an ffmpeg render each; the MP4
	// checks (container, size, duration, sound) are the same.
	const sora = await rt.startSoraServer({
		captions: false,
		jobMs: Number(process.env.SORA_E2E_JOB_MS || 3000),
		noVideoAccessKeys: [NO_VIDEO_ACCESS_KEY],
		...(!process.env.SORA_BASE_URL && target.server !== 'openai' ? { dialect: target.server } : {}),
	});
	const provider = target.server === 'litellm' ? `, provider ${target.provider || '(none)'}` : '';
	rt.log(`${sora.emulated ? 'the emulator' : 'your Sora server'} ${sora.baseUrl} as ${SERVER_TABLE[target.server].name}${provider}, model ${sora.model}`);
	// The default run keeps the credential of before the Server presets (no `server` field): it must still work.
	const mainCredential =
		target.server === 'openai' && !process.env.SORA_AUTH_HEADER
			? rt.soraCredential(sora)
			: rt.soraPresetCredential(sora, target.server, { id: 'soraExampleCred1', name: 'Sora API', provider: target.provider, authHeader: target.authHeader });
	TRIGGER_TIMEOUT_MS = Number(process.env.SORA_E2E_TRIGGER_TIMEOUT_S || (sora.emulated ? 150 : 1200)) * 1000;
	const helper = await rt.startExampleServer({ publishDir: PUBLISHED });
	rt.log(`examples' helper server on ${helper.url} (frame.png, /publish)`);
	/** One emulator per dialect mode: {dialect, server, credential}. */
	const dialectServers = [];
	let n8n;
	try {
		for (const dialect of dialectsToRun(sora, target)) {
			const { preset, provider, model } = dialectMode(dialect);
			const server = await rt.startSoraServer({
				dialect: preset,
				dialectOptions: provider ? { provider } : undefined,
				model,
				captions: false,
				jobMs: Number(process.env.SORA_E2E_DIALECT_JOB_MS || 1000),
				noVideoAccessKeys: [NO_VIDEO_ACCESS_KEY],
			});
			const credential = rt.soraPresetCredential(server, preset, {
				id: `soraExampleCred${DIALECT_SUFFIX[dialect]}`,
				name: `Sora API (${dialect})`,
				...(provider ? { provider } : {}),
			});
			dialectServers.push({ dialect, server, credential });
		}
		const only = (process.env.SORA_E2E_ONLY || '').split(',').map((s) => s.trim()).filter(Boolean);
		const loaded = rt
			// Example 07 writes its MP4 itself (Read/Write Files from Disk): into VIDEOS, the folder n8n may write to here.
			.loadExamples({ exampleServerUrl: helper.url, model: process.env.SORA_MODEL || undefined, filesDir: VIDEOS })
			.filter((e) => !only.length || only.some((prefix) => e.file.startsWith(prefix)))
			// The publishing examples (08 onward) run in scripts/e2e-publish.js, against the platforms' stand-ins.
			.filter((e) => !publish.isPublishingExample(e.workflow));
		// Only what the server supports runs; the rest is one "skipped" row each, with the reason.
		const { run: examples, skipped } = splitSupported(loaded, target);
		for (const e of examples) overrideClip(e.workflow, target);
		if (target.seconds || target.size) rt.log(`clips of ${target.seconds || 'their saved'} s, ${target.size || 'their saved size'} (SORA_SECONDS / SORA_SIZE)`);
		if (!sora.emulated) rt.log(`this run starts ${jobCount(examples)} video job(s) on your server: they are real, paid jobs`);
		const saversById = new Map(examples.map((e) => [e.workflow.id, attachSavers(e, examples)]));
		for (const e of examples) if (e.workflow.id === TRIGGER_WORKFLOW) speedUpPolling(e.workflow);
		const copiesByDialect = new Map();
		const skippedByDialect = new Map();
		for (const { dialect, server, credential } of dialectServers) {
			const { copies, skipped: skippedCopies } = dialectCopies(dialect, credential, helper.url, only, server.model);
			for (const copy of copies) {
				saversById.set(copy.workflow.id, attachSavers(copy, copies));
				if (copy.baseId === TRIGGER_WORKFLOW) speedUpPolling(copy.workflow);
			}
			copiesByDialect.set(dialect, copies);
			skippedByDialect.set(dialect, skippedCopies);
		}
		const allCopies = [...copiesByDialect.values()].flat();

		rt.importCredentials(runtime, USER_FOLDER, [...rt.exampleCredentials(mainCredential), ...dialectServers.map((d) => d.credential)]);
		rt.importWorkflows(runtime, USER_FOLDER, [...examples, ...allCopies].map((e) => e.workflow));
		rt.registerPackage(runtime, USER_FOLDER, installed);
		checkInstalledNodes(runtime, installed);

		// Manual Trigger examples, one `n8n execute` each: the main run, then each dialect mode.
		addSkipped(skipped, MAIN);
		await runManualExamples(runtime, examples, saversById, helper, MAIN);
		for (const [dialect, copies] of copiesByDialect) {
			addSkipped(skippedByDialect.get(dialect), dialect);
			await runManualExamples(runtime, copies, saversById, helper, dialect);
		}

		// Trigger: publish it, start n8n, submit a job without waiting, wait for the delivery —
		// for the default run and every dialect mode that has a trigger copy (a server that lists videos).
		const pairs = [];
		const trigger = examples.find((e) => e.workflow.id === TRIGGER_WORKFLOW);
		const submit = examples.find((e) => e.workflow.id === SUBMIT_WORKFLOW);
		if (trigger && submit) pairs.push({ dialect: MAIN, trigger, submit });
		for (const [dialect, copies] of copiesByDialect) {
			const t = copies.find((e) => e.baseId === TRIGGER_WORKFLOW);
			const s = copies.find((e) => e.baseId === SUBMIT_WORKFLOW);
			if (t && s) pairs.push({ dialect, trigger: t, submit: s });
		}
		for (const pair of pairs) {
			const id = pair.trigger.workflow.id;
			rt.n8nCli(runtime, USER_FOLDER, ['publish:workflow', `--id=${id}`], { env: { N8N_LOG_OUTPUT: 'file', N8N_LOG_FILE_LOCATION: path.join(LOGS, `publish-${id}.log`) } });
			rt.log(`published "${pair.trigger.workflow.name}"`);
		}
		// Always: the editor must load the package, and the credential test checks the key on every server.
		{
			const port = await rt.freePort();
			rt.log(`starting n8n on port ${port}`);
			n8n = await rt.startN8n(runtime, USER_FOLDER, {
				port,
				logFile: path.join(LOGS, 'n8n-start.log'),
				env: {
					...rt.ownerEnv(runtime, OWNER),
					N8N_RUNNERS_BROKER_PORT: String(await rt.freePort()),
					N8N_RESTRICT_FILE_ACCESS_TO: VIDEOS,
					// Debug level: the publication service reports trigger activation only there.
					N8N_LOG_LEVEL: 'debug',
					N8N_LOG_OUTPUT: 'console,file',
					N8N_LOG_FILE_LOCATION: path.join(LOGS, 'n8n-start.jsonl'),
				},
			});
			await checkLoadedByServer(n8n.url, installed);
			await credentialTests(n8n.url, [
				{ dialect: MAIN, server: sora, credential: mainCredential },
				...dialectServers,
			]);
		}

		// Submit every pair's job (one after the other), then wait for all deliveries at once.
		const waits = [];
		for (const pair of pairs) {
			const { dialect } = pair;
			const label = `${pair.submit.file.replace(/\.json$/, '')} + ${pair.trigger.file.slice(0, 3)}`;
			const triggerId = pair.trigger.workflow.id;
			const activation = await waitForActivation(path.join(LOGS, 'n8n-start.jsonl'), triggerId, 90_000);
			if (activation !== 'completed') {
				addRow(label, 'trigger activation', null, [`n8n did not activate the trigger workflow (${activation}); see ${path.join(LOGS, 'n8n-start.log')}`], dialect);
				continue;
			}
			rt.log(`trigger workflow${dialect === MAIN ? '' : ` [${dialect}]`} is active; running the submit example with n8n execute (Wait for Completion off)`);
			const submitted = await executeWorkflow(runtime, pair.submit.workflow);
			const job = submitted.ok ? nodeOutput(submitted.run, pair.submit.workflow.nodes.find((n) => n.type === 'n8n-nodes-sora.sora').name)[0]?.json : undefined;
			const submitProblems = submitted.ok ? [] : [submitted.reason];
			if (submitted.ok && !(job?.id && ['queued', 'in_progress', 'completed'].includes(job.status))) {
				submitProblems.push(`expected a job id with status queued/in_progress, got ${JSON.stringify(job).slice(0, 200)}`);
			}
			if (submitted.ok && submitted.run.data.resultData.runData && Object.values(submitted.run.data.resultData.runData).some((runs) => runs[0]?.data?.main?.[0]?.[0]?.binary)) {
				submitProblems.push('the submit run already carried a binary');
			}
			const shortId = job?.id && job.id.length > 40 ? `${job.id.slice(0, 36)}…` : job?.id;
			const submitRow = [label, `submit (job ${shortId ?? '?'}, ${job?.status ?? '?'})`, null, submitProblems, dialect];
			if (!(submitted.ok && job?.id)) {
				waits.push(Promise.resolve([submitRow]));
				continue;
			}
			rt.log(`waiting for the Sora Trigger${dialect === MAIN ? '' : ` [${dialect}]`} to deliver ${job.id} (polls at :00 :15 :30 :45)`);
			const submittedAt = Date.now();
			waits.push(
				(async () => {
					const saver = saversById.get(triggerId)[0];
					const deadline = submittedAt + TRIGGER_TIMEOUT_MS;
					let file;
					while (Date.now() < deadline && !file) {
						file = fs.readdirSync(VIDEOS).find((f) => f.startsWith(saver.prefix) && f.includes(job.id));
						if (!file) await rt.sleep(1000);
					}
					if (!file) {
						return [submitRow, [label, saver.node, null, [`no execution delivered ${job.id} within ${TRIGGER_TIMEOUT_MS / 1000} s; see ${path.join(LOGS, 'n8n-start.log')}`], dialect]];
					}
					await waitForStableSize(path.join(VIDEOS, file));
					rt.log(`  ✓ trigger delivered ${file} ${((Date.now() - submittedAt) / 1000).toFixed(1)} s after the submit finished`);
					const info = probe(path.join(VIDEOS, file));
					return [submitRow, [label, `${saver.node} (trigger)`, info, checkMp4(info, saver.expect), dialect]];
				})(),
			);
		}
		for (const result of await Promise.all(waits)) for (const row of result) addRow(...row);
	} catch (error) {
		failures.push(error.message);
		console.error(error.stack || error);
	} finally {
		if (n8n) {
			rt.log('stopping n8n');
			await n8n.stop();
		}
		await helper.close();
		await sora.close();
		for (const { server } of dialectServers) await server.close();
	}

	// Publishing rows (issue 25): the publishing examples against local stand-ins, in their own module and table.
	let publishRows = [];
	if (process.env.SORA_E2E_PUBLISH !== '0') {
		const only = (process.env.SORA_E2E_ONLY || '').split(',').map((p) => p.trim()).filter(Boolean);
		const examples = rt.loadExamples().filter((e) => !only.length || only.some((prefix) => e.file.startsWith(prefix)));
		try {
			publishRows = await publish.runPublishing({ runtime, pack, out: path.join(OUT, 'publish'), examples });
		} catch (error) {
			failures.push(`publishing: ${error.message}`);
			console.error(error.stack || error);
		}
		for (const r of publishRows.filter((row) => !row.skipped && row.problems.length)) failures.push(`${r.example} [${r.mode}]: ${r.problems.join('; ')}`);
		// In CI (root on Debian, where every row can run) a skipped publishing row is a failure, not a pass.
		if (process.env.CI === 'true') for (const r of publishRows.filter((row) => row.skipped)) failures.push(`${r.example} [${r.mode}] was skipped in CI: ${r.skipped}`);
	}

	printTable();
	if (publishRows.length) publish.printRows(publishRows);
	const wall = ((Date.now() - T0) / 1000).toFixed(1);
	const passed = rows.filter((r) => r.result === 'PASS').length;
	const publishPassed = publishRows.filter((r) => !r.skipped && !r.problems.length).length;
	if (publishRows.length) console.log(`publishing: ${publishPassed} passed, ${publishRows.filter((r) => !r.skipped && r.problems.length).length} failed, ${publishRows.filter((r) => r.skipped).length} skipped`);
	const skippedRows = rows.filter((r) => r.result === 'skipped').length;
	console.log(`${passed} passed, ${rows.length - passed - skippedRows} failed${skippedRows ? `, ${skippedRows} skipped (not supported by that server)` : ''}`);
	console.log(`e2e wall time: ${wall} s (outputs in ${path.relative(process.cwd(), OUT) || OUT})`);
	if (failures.length || !rows.length) {
		console.log(`e2e FAILED:\n  ${failures.join('\n  ') || 'nothing was checked'}`);
		process.exitCode = 1;
	}
}

/** The credential's own rule sentences (credentials/SoraApi.credentials.ts), read from the built package. */
function credentialRuleMessages(installedDir) {
	const manifest = rt.readJson(path.join(installedDir, 'package.json'));
	const file = manifest.n8n.credentials.find((f) => /SoraApi\.credentials\.js$/.test(f));
	const exported = require(path.join(installedDir, file));
	const Credential = Object.values(exported).find((v) => typeof v === 'function');
	const messages = {};
	for (const rule of new Credential().test.rules || []) {
		if (rule.type === 'responseCode') messages[rule.properties.value] = rule.properties.message;
		// A base URL without a scheme: the node's own sentence, from the data: answer the test reads instead.
		else if (rule.type === 'responseSuccessBody') messages.malformed = rule.properties.message;
	}
	return messages;
}

/** The base URL with its version segment mistyped: …/v1 → …/v2 (what a user might paste). */
function typoBaseUrl(baseUrl) {
	return /\/v1$/.test(baseUrl) ? baseUrl.replace(/\/v1$/, '/v2') : `${baseUrl}/v2`;
}

/**
 * Issue #2: n8n's credential test (`POST /rest/credentials/test`, what the editor's "Test" button and
 * "Save" call) for every preset. Each case sends the stored credential's id with edited data, as the
 * editor does, and expects "OK" or the credential's own sentence for 401 / 403 / 404.
 */
let RULE_MESSAGES = null;
async function credentialTests(baseUrl, targets) {
	const installedDir = path.join(USER_FOLDER, '.n8n', 'nodes', 'node_modules', rt.readJson(path.join(rt.ROOT, 'package.json')).name);
	let cookie;
	try {
		RULE_MESSAGES ??= credentialRuleMessages(installedDir);
		const missing = [401, 403, 404, 'malformed'].filter((status) => !RULE_MESSAGES[status]);
		if (missing.length) throw new Error(`the credential has no rule for ${missing.join(', ')}`);
		cookie = await rt.login(baseUrl, OWNER);
	} catch (error) {
		addRow('credential test', 'setup', null, [error.message], '-');
		return;
	}
	const headers = { cookie, 'browser-id': 'sora-scripts', 'content-type': 'application/json' };
	for (const { dialect, server, credential } of targets) {
		// The route each preset's test request must reach (credentials/SoraApi.credentials.ts `test`).
		// LiteLLM: /models whatever the provider (its list is a 500 behind Veo).
		const testRoute = { openrouter: 'key', newapi: 'models', litellm: 'models' }[dialectMode(dialect).preset] ?? 'list';
		const cases = [{ step: `good key → OK (${testRoute === 'list' ? 'GET /videos' : `GET /${testRoute}`})`, data: {}, expect: 'OK', route: testRoute }];
		if (server.emulated) {
			cases.push(
				{ step: 'wrong key → 401 sentence', data: { apiKey: 'sk-wrong-key' }, expect: 401 },
				{ step: `base URL …${typoBaseUrl(new URL(server.baseUrl).pathname)} → 404 sentence`, data: { baseUrl: typoBaseUrl(server.baseUrl) }, expect: 404 },
				{ step: 'key without video access → 403 sentence', data: { apiKey: NO_VIDEO_ACCESS_KEY }, expect: 403 },
			);
			// LiteLLM with Veo behind it tests with GET /models too.
			if (dialect === 'litellm') cases.push({ step: 'good key, provider gemini → OK (GET /models)', data: { litellmProvider: 'gemini' }, expect: 'OK', route: 'models' });
		}
		for (const c of cases) {
			const problems = [];
			let answer;
			const counted = () => (server.emulator && c.route ? server.emulator.stats.requests[c.route] || 0 : 0);
			const before = counted();
			try {
				const response = await rt.httpRequest(`${baseUrl}/rest/credentials/test`, {
					method: 'POST',
					headers,
					body: { credentials: { id: credential.id, name: credential.name, type: credential.type, data: { ...credential.data, ...c.data } } },
				});
				answer = response.json?.data ?? response.json;
				if (response.status !== 200) problems.push(`HTTP ${response.status}: ${response.body.toString().slice(0, 300)}`);
			} catch (error) {
				problems.push(error.message);
			}
			if (!problems.length) {
				if (c.expect === 'OK') {
					if (answer?.status !== 'OK') problems.push(`expected OK, got ${answer?.status}: ${answer?.message}`);
					else if (server.emulator && c.route && counted() <= before) problems.push(`the test request did not reach the emulator's ${c.route} route`);
				} else if (answer?.status !== 'Error' || answer?.message !== RULE_MESSAGES[c.expect]) {
					problems.push(`expected Error "${RULE_MESSAGES[c.expect]}", got ${answer?.status}: "${answer?.message}"`);
				}
			}
			if (!problems.length) rt.log(`  ✓ credential test [${dialect}] ${c.step}${c.expect === 'OK' ? '' : `: "${answer.message}"`}`);
			addRow('credential test', c.step, null, problems, dialect);
		}
	}
}

/**
 * n8n 2.x activates published workflows in the background (publication outbox); it logs, at debug
 * level, when the record of a workflow was processed and with what result.
 */
async function waitForActivation(jsonLog, workflowId, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const text = fs.existsSync(jsonLog) ? fs.readFileSync(jsonLog, 'utf8') : '';
		for (const line of text.split('\n')) {
			if (!line.includes('Finished processing workflow publication outbox record')) continue;
			try {
				const entry = JSON.parse(line);
				if (entry.metadata?.workflowId === workflowId) {
					if (entry.metadata.result === 'completed') rt.log(`trigger workflow activated by n8n's publication service`);
					return entry.metadata.result;
				}
			} catch {}
		}
		await rt.sleep(500);
	}
	return `no publication result within ${timeoutMs / 1000} s`;
}

/** The write node may still be flushing when the file first appears. */
async function waitForStableSize(file) {
	let last = -1;
	for (let i = 0; i < 20; i++) {
		const size = fs.statSync(file).size;
		if (size === last && size > 0) return;
		last = size;
		await rt.sleep(250);
	}
}

/** In `n8n start`: the editor knows both node types and the credential, and lists the community package. */
async function checkLoadedByServer(baseUrl, installedDir) {
	const manifest = rt.readJson(path.join(installedDir, 'package.json'));
	const problems = [];
	try {
		const cookie = await rt.login(baseUrl, OWNER);
		const headers = { cookie, 'browser-id': 'sora-scripts' };
		const nodes = (await rt.httpGet(`${baseUrl}/types/nodes.json`, headers)).body.toString();
		for (const type of ['n8n-nodes-sora.sora', 'n8n-nodes-sora.soraTrigger']) {
			if (!nodes.includes(`"name":"${type}"`)) problems.push(`node type ${type} not known to the editor`);
		}
		const credentials = (await rt.httpGet(`${baseUrl}/types/credentials.json`, headers)).body.toString();
		if (!credentials.includes('"name":"soraApi"')) problems.push('credential type soraApi not known to the editor');
		const packages = (await rt.httpGet(`${baseUrl}/rest/community-packages`, headers)).json?.data ?? [];
		const entry = packages.find((p) => p.packageName === manifest.name);
		if (!entry) problems.push('not listed under Settings → Community nodes');
		else if (entry.installedVersion !== manifest.version) problems.push(`listed as version ${entry.installedVersion}`);
		else if ((entry.installedNodes || []).length !== manifest.n8n.nodes.length) problems.push(`lists ${(entry.installedNodes || []).length} nodes`);
	} catch (error) {
		problems.push(error.message);
	}
	addRow('install', 'loaded by n8n start (editor + community packages)', null, problems, '-');
}

/** The installed package must be the packed one, with both nodes and the credential known to n8n. */
function checkInstalledNodes(runtime, installedDir) {
	const manifest = rt.readJson(path.join(installedDir, 'package.json'));
	const problems = [];
	for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
		if (!fs.existsSync(path.join(installedDir, file))) problems.push(`${file} missing from the installed package`);
	}
	if (fs.existsSync(path.join(installedDir, 'src')) || fs.existsSync(path.join(installedDir, 'nodes'))) problems.push('sources shipped in the tarball');
	addRow('install', `${manifest.name}@${manifest.version} in .n8n/nodes`, null, problems, '-');
}

// Ctrl-C, SIGTERM, SIGHUP or the end of npm: the n8n processes go too (the servers live in this process).
rt.stopOnExit(async (reason) => {
	rt.log(`${reason}: stopping n8n`);
	await rt.stopChildren(5000);
	process.exit(130);
});

main().catch((error) => {
	console.error(error.stack || error);
	console.log(`e2e wall time: ${((Date.now() - T0) / 1000).toFixed(1)} s`);
	process.exit(1);
});
