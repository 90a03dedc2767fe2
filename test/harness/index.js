'use strict';
/**
 * Engine test harness: runs community-package nodes inside n8n-core's real execution engine
 * (WorkflowExecute, PollContext, PackageDirectoryLoader, filesystem BinaryDataService).
 *
 * Plain CommonJS, no build step. See ./README.md.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { createRequire } = require('node:module');

// ---------------------------------------------------------------------------------------------
// Process-wide sandbox: a temp dir for n8n's user folder and the binary-data store.
// Must be in place before n8n-core reads its config (InstanceSettings reads N8N_USER_FOLDER).
// ---------------------------------------------------------------------------------------------
const DEBUG = process.env.HARNESS_DEBUG === '1';
const TMP_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-harness-'));
if (!process.env.N8N_USER_FOLDER) process.env.N8N_USER_FOLDER = path.join(TMP_ROOT, 'user');
fs.mkdirSync(process.env.N8N_USER_FOLDER, { recursive: true });
const BINARY_DIR = path.join(TMP_ROOT, 'binary-data');
fs.mkdirSync(BINARY_DIR, { recursive: true });

function cleanup() {
	if (process.env.HARNESS_KEEP_TMP === '1') return;
	try {
		fs.rmSync(TMP_ROOT, { recursive: true, force: true, maxRetries: 3 });
	} catch (error) {
		if (DEBUG) console.error('[harness] temp cleanup failed', error);  
	}
}
process.on('exit', cleanup);
// Jest workers do not reliably run 'exit' listeners registered from inside a test file.
if (typeof afterAll === 'function') {
	try {
		afterAll(cleanup);  
	} catch {
		/* required from inside a test: the 'exit' listener still applies */
	}
}

// Trap 1: `@n8n/di` (and `@n8n/backend-common`) exist twice in node_modules. n8n-core only sees
// the copies resolved from its own location, so every Container.get/set must go through those.
const CORE_DIR = path.dirname(require.resolve('n8n-core/package.json'));
const requireFromCore = createRequire(path.join(CORE_DIR, 'package.json'));
const { Container } = requireFromCore('@n8n/di');
// The Container that prepareBinaryData actually consults (resolved from that very file).
const { Container: BinaryHelpersContainer } = createRequire(
	path.join(CORE_DIR, 'dist/execution-engine/node-execution-context/utils/binary-helper-functions.js'),
)('@n8n/di');
const { Logger } = requireFromCore('@n8n/backend-common');
const core = require('n8n-core');
const wf = require('n8n-workflow');

const {
	BinaryDataService,
	BinaryDataConfig,
	ErrorReporter,
	ExecutionLifecycleHooks,
	PackageDirectoryLoader,
	PollContext,
	TriggersAndPollers,
	WorkflowExecute,
	Credentials,
} = core;
const {
	ICredentialsHelper,
	LoggerProxy,
	NodeHelpers,
	Workflow,
	UnexpectedError,
	isExpression,
} = wf;

function createDeferredPromise() {
	let resolve;
	let reject;
	const promise = new Promise((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

// ---------------------------------------------------------------------------------------------
// Logger (silent unless HARNESS_DEBUG=1) and error reporter
// ---------------------------------------------------------------------------------------------

/** Functions that receive every log line n8n writes (see captureLogs). */
const logSinks = new Set();

/** Collects n8n's log lines (level, message, meta) until `stop()`; for tests that scan them. */
function captureLogs() {
	const lines = [];
	const sink = (level, message, meta) => lines.push({ level, message: String(message), meta });
	logSinks.add(sink);
	return { lines, stop: () => logSinks.delete(sink) };
}

function makeLogger(scope = []) {
	const print =
		(level) =>
		(message, meta) => {
			for (const sink of logSinks) sink(level, message, meta);
			if (!DEBUG) return;
			const tag = scope.length ? `[${scope.join(',')}] ` : '';
			 
			console.error(`[harness:${level}] ${tag}${message}`, meta && Object.keys(meta).length ? meta : '');
		};
	const logger = Object.create(Logger.prototype);
	Object.assign(logger, {
		error: print('error'),
		warn: print('warn'),
		info: print('info'),
		debug: print('debug'),
		verbose: print('verbose'),
		scoped: (scopes) => makeLogger([...scope, ...[].concat(scopes)]),
		getInternalLogger: () => undefined,
	});
	return logger;
}

const logger = makeLogger();
const errorReporter = Object.assign(Object.create(ErrorReporter.prototype), {
	error: (e) => DEBUG && console.error('[harness:errorReporter]', e),  
	warn: () => {},
	info: () => {},
	init: async () => {},
	shutdown: async () => {},
});

// ---------------------------------------------------------------------------------------------
// One-time engine bootstrap
// ---------------------------------------------------------------------------------------------
let bootPromise;
let binaryDataService;

function boot() {
	if (!bootPromise) {
		bootPromise = (async () => {
			Container.set(Logger, logger);
			LoggerProxy.init(logger);
			Container.set(ErrorReporter, errorReporter);

			// Filesystem binary store (n8n 2.x regular mode). Registered on n8n-core's Container,
			// otherwise prepareBinaryData silently falls back to base64 in memory (no `id`).
			const config = Object.assign(Object.create(BinaryDataConfig.prototype), {
				mode: 'filesystem',
				availableModes: ['filesystem'],
				localStoragePath: BINARY_DIR,
				signingSecret: crypto.randomBytes(32).toString('hex'),
				dbMaxFileSize: 512,
			});
			Container.set(BinaryDataConfig, config);
			binaryDataService = new BinaryDataService(config, errorReporter, logger);
			await binaryDataService.init();
			Container.set(BinaryDataService, binaryDataService);
			if (BinaryHelpersContainer !== Container || Container.get(BinaryDataService) !== binaryDataService) {
				throw new UnexpectedError('harness: BinaryDataService not visible to n8n-core');
			}
		})();
	}
	return bootPromise;
}

// ---------------------------------------------------------------------------------------------
// Built-in-like nodes the harness provides
// ---------------------------------------------------------------------------------------------
const INPUT_TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';
const pendingInputs = new Map(); // inputKey -> inputItems

/**
 * Stand-in for n8n's Manual Trigger. Emits the items the test gave (default: one empty item),
 * storing their binaries through the real `prepareBinaryData` path so they get an `id`.
 */
class HarnessManualTrigger {
	constructor() {
		this.description = {
			displayName: 'When clicking ‘Execute workflow’',
			name: 'manualTrigger',
			group: ['trigger'],
			version: 1,
			description: 'Harness input trigger',
			defaults: { name: 'Trigger' },
			inputs: [],
			outputs: ['main'],
			properties: [{ displayName: 'Input Key', name: 'inputKey', type: 'string', default: '' }],
		};
	}

	async execute() {
		const key = this.getNodeParameter('inputKey', 0);
		const given = pendingInputs.get(key);
		const items = given && given.length ? given : [{ json: {} }];
		const out = [];
		for (let i = 0; i < items.length; i++) {
			const src = items[i] || {};
			const item = { json: { ...(src.json || {}) }, pairedItem: { item: 0 } };
			if (src.binary) {
				item.binary = {};
				for (const [field, spec] of Object.entries(src.binary)) {
					item.binary[field] = await storeInputBinary(this, spec);
				}
			}
			out.push(item);
		}
		return [out];
	}
}

async function storeInputBinary(ctx, spec) {
	const { fileName, mimeType } = spec;
	let data;
	if (spec.filePath) data = fs.createReadStream(spec.filePath);
	else if (Buffer.isBuffer(spec.buffer)) data = spec.buffer;
	else if (spec.buffer && typeof spec.buffer.pipe === 'function') data = spec.buffer;
	else if (typeof spec.data === 'string') data = Buffer.from(spec.data, 'base64');
	else if (typeof spec.text === 'string') data = Buffer.from(spec.text, 'utf8');
	else throw new UnexpectedError('harness: binary input needs buffer, filePath, data (base64) or text');
	return await ctx.helpers.prepareBinaryData(data, fileName, mimeType);
}


const AGENT_TYPE = 'n8n-nodes-base.harnessAgent';

/**
 * Stand-in for n8n's AI Agent: takes the tool connected to its ai_tool input (n8n-core builds it
 * with createNodeAsTool, exactly as for a real agent) and invokes it once with the given args.
 */
class HarnessAgent {
	constructor() {
		this.description = {
			displayName: 'Harness Agent',
			name: 'harnessAgent',
			group: ['transform'],
			version: 1,
			description: 'Invokes one connected tool',
			defaults: { name: 'Agent' },
			inputs: ['main', { type: 'ai_tool', displayName: 'Tools', required: true }],
			outputs: ['main'],
			properties: [{ displayName: 'Tool Args', name: 'toolArgs', type: 'json', default: '{}' }],
		};
	}

	async execute() {
		const tools = await this.getInputConnectionData('ai_tool', 0);
		const tool = Array.isArray(tools) ? tools[0] : tools;
		const args = this.getNodeParameter('toolArgs', 0);
		const output = await tool.invoke(typeof args === 'string' ? JSON.parse(args) : args);
		return [[{ json: { toolName: tool.name, toolDescription: tool.description, output } }]];
	}
}

/** The `<name>Tool` variant n8n's loader derives from a node with `usableAsTool: true`. */
function toolVariant(type) {
	const description = { ...type.description, name: `${type.description.name}Tool`, displayName: `${type.description.displayName} Tool`, inputs: [], outputs: ['ai_tool'] };
	description.properties = [
		{ displayName: 'Description', name: 'toolDescription', type: 'string', default: type.description.description },
		...type.description.properties,
	];
	const variant = Object.create(type);
	variant.description = description;
	return variant;
}

const harnessNodeTypes = {
	[INPUT_TRIGGER_TYPE]: new HarnessManualTrigger(),
	[AGENT_TYPE]: new HarnessAgent(),
};

// ---------------------------------------------------------------------------------------------
// Package loading
// ---------------------------------------------------------------------------------------------
const packageCache = new Map();

/** INodeTypes over the harness's own nodes plus every loaded package. */
const allNodeTypes = {
	byFullName: new Map(Object.entries(harnessNodeTypes)),
	getByName(nodeType) {
		const t = this.byFullName.get(nodeType);
		if (!t) throw new UnexpectedError(`harness: unknown node type "${nodeType}"`);
		return t;
	},
	getByNameAndVersion(nodeType, version) {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	},
	getKnownTypes() {
		const known = {};
		for (const [name, type] of this.byFullName) {
			known[name] = { className: type.constructor.name, sourcePath: '' };
		}
		return known;
	},
};
// Method binding so the object can be passed around like n8n's NodeTypes service.
for (const k of ['getByName', 'getByNameAndVersion', 'getKnownTypes']) {
	allNodeTypes[k] = allNodeTypes[k].bind(allNodeTypes);
}

/** Credential types of all loaded packages, by name (ICredentialTypes-like). */
const credentialTypes = {
	byName: new Map(),
	recognizes(name) {
		return this.byName.has(name);
	},
	getByName(name) {
		const t = this.byName.get(name);
		if (!t) throw new UnexpectedError(`harness: unknown credential type "${name}"`);
		return t;
	},
	getSupportedNodes(name) {
		return this.supportedNodes.get(name) ?? [];
	},
	getParentTypes(name) {
		const extendsArr = this.byName.get(name)?.extends ?? [];
		if (!extendsArr.length) return [];
		const out = [...extendsArr];
		for (const parent of extendsArr) out.push(...this.getParentTypes(parent));
		return out;
	},
	supportedNodes: new Map(),
};

/**
 * Load an n8n community package directory through n8n-core's PackageDirectoryLoader.
 * Node type names are `<packageName>.<nodeName>` as in a real install.
 */
async function loadPackage(packageDir) {
	await boot();
	const dir = path.resolve(packageDir);
	if (packageCache.has(dir)) return packageCache.get(dir);

	const loader = new PackageDirectoryLoader(dir);
	await loader.loadAll();
	const name = loader.packageName;

	const nodeTypes = {};
	for (const [shortName, { type }] of Object.entries(loader.nodeTypes)) {
		const full = `${name}.${shortName}`;
		nodeTypes[full] = type;
		allNodeTypes.byFullName.set(full, type);
	}
	const creds = {};
	for (const [credName, { type }] of Object.entries(loader.credentialTypes)) {
		creds[credName] = type;
		credentialTypes.byName.set(credName, type);
		credentialTypes.supportedNodes.set(
			credName,
			(loader.known.credentials[credName]?.supportedNodes ?? []).map((n) =>
				n.includes('.') ? n : `${name}.${n}`,
			),
		);
	}

	const pkg = {
		name,
		dir,
		loader,
		packageJson: loader.packageJson,
		nodeTypes, // { '<pkg>.<node>': INodeType | IVersionedNodeType }
		credentialTypes: creds, // { '<credName>': ICredentialType }
		// INodeTypes view (includes the harness's built-in trigger)
		getByName: allNodeTypes.getByName,
		getByNameAndVersion: allNodeTypes.getByNameAndVersion,
		getKnownTypes: allNodeTypes.getKnownTypes,
		fullType: (nodeType) => (nodeType.includes('.') ? nodeType : `${name}.${nodeType}`),
	};
	packageCache.set(dir, pkg);
	return pkg;
}

/** The loaded type of `<pkg>.<nodeType>` and the version to run: the given one, else the newest. */
async function resolveNodeType(pkgOption, nodeType, typeVersion) {
	const pkg = await resolvePkg(pkgOption);
	const fullType = pkg.fullType(nodeType);
	const typeDef = allNodeTypes.getByName(fullType);
	const { version: declared, defaultVersion } = typeDef.description;
	const version = typeVersion ?? typeDef.currentVersion ?? defaultVersion ?? (Array.isArray(declared) ? Math.max(...declared) : declared);
	return { pkg, fullType, typeDef, version };
}

async function resolvePkg(pkg) {
	if (typeof pkg === 'string') return await loadPackage(pkg);
	if (!pkg || !pkg.name) throw new UnexpectedError('harness: pass `pkg` (loadPackage result or directory)');
	await boot();
	return pkg;
}

// ---------------------------------------------------------------------------------------------
// Credentials helper: mirrors packages/cli/src/credentials-helper.ts for what nodes can observe
// ---------------------------------------------------------------------------------------------
const MOCK_NODE = { name: '', typeVersion: 1, type: 'mock', position: [0, 0], parameters: {} };

class HarnessCredentialsHelper extends ICredentialsHelper {
	/** @param {Record<string, object>} store credential data by type name (mutated by updates) */
	constructor(store) {
		super();
		this.store = store;
		this.updates = []; // { type, data } recorded by updateCredentials*
	}

	getParentTypes(typeName) {
		return credentialTypes.getParentTypes(typeName);
	}

	isCredentialUsableByNode(credentialType, nodeType) {
		let typeDef;
		try {
			typeDef = credentialTypes.getByName(credentialType);
		} catch {
			return true;
		}
		if (!typeDef.restrictToSupportedNodes) return true;
		return credentialTypes.getSupportedNodes(credentialType).includes(nodeType);
	}

	async authenticate(credentials, typeName, incomingRequestOptions, workflow, node) {
		const requestOptions = incomingRequestOptions;
		const credentialType = credentialTypes.getByName(typeName);
		if (credentialType.authenticate) {
			if (typeof credentialType.authenticate === 'function') {
				return await credentialType.authenticate(credentials, requestOptions);
			}
			if (typeof credentialType.authenticate === 'object') {
				if (!workflow || !node) {
					throw new UnexpectedError('Workflow and node are required for declarative credential authentication');
				}
				const { authenticate } = credentialType;
				if (requestOptions.headers === undefined) requestOptions.headers = {};
				if (authenticate.type === 'generic') {
					for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
						for (const [key, value] of Object.entries(outerValue)) {
							const keyResolved = this.resolveValue(key, { $credentials: credentials }, workflow, node);
							const valueResolved = this.resolveValue(value, { $credentials: credentials }, workflow, node);
							if (!requestOptions[outerKey]) requestOptions[outerKey] = {};
							requestOptions[outerKey][keyResolved] = valueResolved;
						}
					}
				}
			}
		}
		return requestOptions;
	}

	resolveValue(parameterValue, additionalKeys, workflow, node) {
		if (!isExpression(parameterValue)) return parameterValue;
		const returnValue = workflow.expression.getSimpleParameterValue(
			node,
			parameterValue,
			'internal',
			additionalKeys,
			undefined,
			'',
		);
		if (!returnValue) return '';
		return returnValue.toString();
	}

	async preAuthentication(helpers, credentials, typeName, node, credentialsExpired) {
		const credentialType = credentialTypes.getByName(typeName);
		const expirableProperty = credentialType.properties.find(
			(p) => p.type === 'hidden' && p?.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirableProperty.name] === '' || credentialsExpired) {
			const output = await credentialType.preAuthentication.call(helpers, credentials);
			if (output[expirableProperty.name] === undefined) return undefined;
			if (node.credentials) {
				await this.updateCredentials(node.credentials[credentialType.name], credentialType.name, {
					...(this.store[credentialType.name] ?? {}),
					...output,
				});
				return Object.assign(credentials, output);
			}
		}
		return undefined;
	}

	async runPreAuthentication(helpers, credentials, typeName) {
		const credentialType = credentialTypes.getByName(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		return (await credentialType.preAuthentication.call(helpers, credentials)) ?? undefined;
	}

	getCredentialsProperties(type) {
		const credentialTypeData = credentialTypes.getByName(type);
		if (credentialTypeData.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
				return [
					...credentialTypeData.properties,
					{ displayName: 'oauthTokenData', name: 'oauthTokenData', type: 'json', required: false, default: {} },
				];
			}
			return credentialTypeData.properties;
		}
		const combined = [];
		for (const parent of credentialTypeData.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialTypeData.properties);
		return combined;
	}

	async getCredentials(nodeCredentials, type) {
		const c = new Credentials({ id: nodeCredentials?.id ?? null, name: nodeCredentials?.name ?? type }, type);
		c.setData(this.store[type] ?? {});
		return c;
	}

	/** Decrypted data with credential-type defaults applied and expressions resolved, like n8n. */
	async getDecrypted(additionalData, nodeCredentials, type, mode, executeData, raw, expressionResolveValues) {
		if (!(type in this.store)) {
			throw new UnexpectedError(`harness: no credentials of type "${type}" given to runNode/runPoll`);
		}
		const original = { ...this.store[type] };
		if (raw === true) return original;

		const props = this.getCredentialsProperties(type);
		let data = NodeHelpers.getNodeParameters(props, original, true, false, null, null);
		if (original.oauthTokenData !== undefined) data.oauthTokenData = original.oauthTokenData;

		const additionalKeys = core.getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			try {
				data = expressionResolveValues.workflow.expression.getParameterValue(
					data,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					data,
				);
			} catch (e) {
				e.message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const workflow = new Workflow({
				nodes: [MOCK_NODE],
				connections: {},
				active: false,
				nodeTypes: mockNodeTypes,
			});
			data = workflow.expression.getComplexParameterValue(
				MOCK_NODE,
				data,
				mode,
				additionalKeys,
				undefined,
				undefined,
				data,
			);
		}
		return data;
	}

	async updateCredentials(_nodeCredentials, type, data) {
		this.updates.push({ type, data });
		this.store[type] = { ...data };
	}

	async updateCredentialsOauthTokenData(_nodeCredentials, type, data) {
		this.updates.push({ type, data: { oauthTokenData: data.oauthTokenData } });
		this.store[type] = { ...(this.store[type] ?? {}), oauthTokenData: data.oauthTokenData };
	}
}

const mockNodeTypes = {
	getByName: () => ({ description: { properties: [] } }),
	getByNameAndVersion: () => ({ description: { properties: [] } }),
	getKnownTypes: () => ({}),
};

// ---------------------------------------------------------------------------------------------
// additionalData (trap 2: real URLs, or parameter resolution fails with "Invalid URL")
// ---------------------------------------------------------------------------------------------
function makeAdditionalData({ credentialsHelper, hooks, executionId, workflowId }) {
	const base = 'http://localhost:5678';
	return {
		credentialsHelper,
		hooks,
		executionId,
		workflowId,
		userId: 'harness-user',
		projectId: 'harness-project',
		currentNodeExecutionIndex: 0,
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		variables: {},
		executeWorkflow: async () => {
			throw new UnexpectedError('harness: sub-workflows are not supported');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		startRunnerTask: async () => {
			throw new UnexpectedError('harness: task runners are not supported');
		},
	};
}

let executionCounter = 0;

function credentialRefs(credentials) {
	const refs = {};
	for (const type of Object.keys(credentials || {})) refs[type] = { id: `cred-${type}`, name: `${type} (harness)` };
	return refs;
}

function normalizeError(error) {
	if (!error) return undefined;
	const ctx = error.context || {};
	return {
		name: error.name,
		message: error.message,
		description: error.description,
		itemIndex: ctx.itemIndex ?? error.itemIndex,
		httpCode: error.httpCode,
		context: ctx,
		node: error.node?.name,
		raw: error,
	};
}

// ---------------------------------------------------------------------------------------------
// runNode / startNode
// ---------------------------------------------------------------------------------------------

/**
 * Start a 2-node workflow (harness input trigger → node under test) in `manual` mode.
 * Returns `{ promise, cancel() }`; `promise` resolves to the same result as runNode.
 */
function startNode(options) {
	let runPromise; // PCancelable<IRun>
	let cancelRequested = false;
	const ready = createDeferredPromise();

	const promise = (async () => {
		const {
			nodeType,
			parameters = {},
			credentials = {},
			inputItems,
			continueOnFail = false,
			typeVersion,
			abortAfterMs,
			nodeName = 'Node Under Test',
			workflowStaticData,
			settings = {},
		} = options;
		const { fullType, typeDef, version } = await resolveNodeType(options.pkg, nodeType, typeVersion);

		const executionId = String(++executionCounter);
		const workflowId = `harness-wf-${executionId}`;
		const inputKey = `input-${executionId}`;
		if (inputItems) pendingInputs.set(inputKey, inputItems);

		const triggerNode = {
			id: crypto.randomUUID(),
			name: 'Trigger',
			type: INPUT_TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { inputKey },
		};
		const testNode = {
			id: crypto.randomUUID(),
			name: nodeName,
			type: fullType,
			typeVersion: version,
			position: [200, 0],
			parameters,
			credentials: credentialRefs(credentials),
			...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		};
		let connections = {
			Trigger: { main: [[{ node: nodeName, type: 'main', index: 0 }]] },
		};
		const nodes = [triggerNode, testNode];
		// More nodes of the same type in series after the node under test, in the same execution.
		let previous = nodeName;
		for (const [index, follower] of (options.followers ?? []).entries()) {
			const name = follower.name ?? `${nodeName} ${index + 2}`;
			nodes.push({
				id: crypto.randomUUID(),
				name,
				type: fullType,
				typeVersion: version,
				position: [400 + 200 * index, 0],
				parameters: follower.parameters ?? parameters,
				credentials: credentialRefs(credentials),
				...(follower.continueOnFail ?? continueOnFail ? { onError: 'continueRegularOutput' } : {}),
			});
			connections[previous] = { main: [[{ node: name, type: 'main', index: 0 }]] };
			previous = name;
		}
		let resultNodeName = nodeName;
		if (options.toolArgs) {
			// Tool mode: Trigger → Agent, with the node under test plugged into the agent's ai_tool input.
			const toolType = `${fullType}Tool`;
			if (!allNodeTypes.byFullName.has(toolType)) allNodeTypes.byFullName.set(toolType, toolVariant(typeDef));
			testNode.type = toolType;
			nodes.push({ id: crypto.randomUUID(), name: 'Agent', type: AGENT_TYPE, typeVersion: 1, position: [400, 0], parameters: { toolArgs: JSON.stringify(options.toolArgs) } });
			connections = {
				Trigger: { main: [[{ node: 'Agent', type: 'main', index: 0 }]] },
				[nodeName]: { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] },
			};
			resultNodeName = 'Agent';
		}
		const workflow = new Workflow({
			id: workflowId,
			name: 'Harness workflow',
			nodes,
			connections,
			active: false,
			nodeTypes: allNodeTypes,
			staticData: workflowStaticData,
			settings: { executionOrder: 'v1', ...settings },
		});

		const credentialsHelper = new HarnessCredentialsHelper(JSON.parse(JSON.stringify(credentials)));
		const hooks = new ExecutionLifecycleHooks('manual', executionId, {
			id: workflowId,
			name: workflow.name,
			nodes,
			connections,
			active: false,
			settings: workflow.settings,
			createdAt: new Date(),
			updatedAt: new Date(),
		});
		const finished = createDeferredPromise();
		hooks.addHandler('workflowExecuteAfter', (fullRunData) => finished.resolve(fullRunData));
		const additionalData = makeAdditionalData({ credentialsHelper, hooks, executionId, workflowId });

		const workflowExecute = new WorkflowExecute(additionalData, 'manual');
		let timer;
		try {
			runPromise = workflowExecute.run({ workflow, startNode: triggerNode });
			ready.resolve();
			if (cancelRequested) runPromise.cancel();
			if (abortAfterMs !== undefined) timer = setTimeout(() => runPromise.cancel(), abortAfterMs);

			// On cancel, p-cancelable does not reject (n8n sets shouldReject=false); the run still
			// settles once the node stops. Wait for that, with the hook result as fallback.
			const runResult = await Promise.race([
				runPromise,
				finished.promise.then(async (hookResult) => {
					if (hookResult.status !== 'canceled') return await runPromise;
					const settled = await Promise.race([
						runPromise.then((r) => r),
						new Promise((r) => setTimeout(() => r(undefined), 10_000).unref()),
					]);
					return settled ?? hookResult;
				}),
			]);
			return buildResult(runResult, resultNodeName, credentialsHelper, workflow);
		} finally {
			clearTimeout(timer);
			pendingInputs.delete(inputKey);
			ready.resolve();
		}
	})();
	promise.catch(() => ready.resolve());

	return {
		promise,
		async cancel() {
			cancelRequested = true;
			await ready.promise;
			if (runPromise) runPromise.cancel();
		},
	};
}

function buildResult(run, nodeName, credentialsHelper, workflow) {
	const { runData } = run.data.resultData;
	/** Output main[0] of any node of the workflow (for example a follower). */
	const itemsOf = (name) => runData[name]?.[0]?.data?.main?.[0] ?? [];
	const task = runData[nodeName]?.[0];
	const outputs = task?.data?.main ?? [];
	const nodeError = task?.error ?? (run.data.resultData.lastNodeExecuted === nodeName ? run.data.resultData.error : undefined);
	return {
		items: outputs[0] ?? [],
		outputs,
		error: normalizeError(nodeError),
		executionError: normalizeError(run.data.resultData.error),
		status: run.status,
		finished: run.finished,
		runData,
		run,
		staticData: workflow.staticData,
		credentialUpdates: credentialsHelper.updates,
		itemsOf,
	};
}

/**
 * Run a node once inside the real engine.
 * @returns {Promise<{items, outputs, error, executionError, status, runData, run}>}
 */
async function runNode(options) {
	return await startNode(options).promise;
}

// ---------------------------------------------------------------------------------------------
// runPoll
// ---------------------------------------------------------------------------------------------

/**
 * Run a polling trigger's poll() through n8n-core's PollContext.
 * `staticData` is the *workflow* static data object (`{ 'node:<name>': {...} }` inside); it is
 * updated in place after the poll, so a test can keep it between calls (JSON round-trip it to
 * simulate a reload). Returns what poll() returned: `INodeExecutionData[][]` or null.
 */
async function runPoll(options) {
	const res = await runPollDetailed(options);
	return res.items;
}

async function runPollDetailed(options) {
	const {
		nodeType,
		parameters = {},
		credentials = {},
		staticData = {},
		mode = 'trigger',
		typeVersion,
		nodeName = 'Poll Trigger',
		activation,
	} = options;
	const { fullType, version } = await resolveNodeType(options.pkg, nodeType, typeVersion);

	const executionId = mode === 'manual' ? String(++executionCounter) : undefined;
	const workflowId = options.workflowId ?? 'harness-poll-wf';
	const { node, workflow } = pollWorkflow({ ...options, nodeName, fullType, version, parameters, credentials, staticData }, workflowId, 'Harness poll workflow', mode !== 'manual');
	const credentialsHelper = new HarnessCredentialsHelper(JSON.parse(JSON.stringify(credentials)));
	const hooks = new ExecutionLifecycleHooks(mode, executionId ?? 'poll', {
		id: workflowId,
		name: workflow.name,
		nodes: [node],
		connections: {},
		active: workflow.active,
		settings: workflow.settings,
	});
	const additionalData = makeAdditionalData({ credentialsHelper, hooks, executionId, workflowId });

	let items;
	if (mode === 'manual') {
		// What WorkflowExecute.executePollNode does for a manual run.
		const ctx = new PollContext(workflow, node, additionalData, 'manual', 'manual');
		const nodeTypeImpl = allNodeTypes.getByNameAndVersion(fullType, version);
		items = await nodeTypeImpl.poll.call(ctx);
	} else {
		// What an active workflow does on each tick (ActiveWorkflows → TriggersAndPollers).
		const ctx = new PollContext(workflow, node, additionalData, 'trigger', activation ?? 'activate');
		items = await Container.get(TriggersAndPollers).runPollFunction(workflow, node, ctx);
	}

	// Persist static data the way n8n does after a poll (only if it changed), into the caller's object.
	const changed = workflow.staticData.__dataChanged === true;
	const plain = JSON.parse(JSON.stringify(workflow.staticData));
	delete plain.__dataChanged;
	if (changed) {
		for (const k of Object.keys(staticData)) delete staticData[k];
		Object.assign(staticData, plain);
	}
	return { items: items ?? null, staticData, staticDataChanged: changed, credentialUpdates: credentialsHelper.updates };
}

// ---------------------------------------------------------------------------------------------
// activeWorkflow: the polls of one active workflow, sharing its static data
// ---------------------------------------------------------------------------------------------

/** A one-node workflow around a polling trigger, as runPoll and activeWorkflow both need it. */
function pollWorkflow(o, workflowId, name, active) {
	const node = {
		id: o.nodeId ?? 'poll-node-id',
		name: o.nodeName,
		type: o.fullType,
		typeVersion: o.version,
		position: [0, 0],
		parameters: o.parameters,
		credentials: credentialRefs(o.credentials),
	};
	const workflow = new Workflow({
		id: workflowId,
		name,
		nodes: [node],
		connections: {},
		active,
		nodeTypes: allNodeTypes,
		staticData: JSON.parse(JSON.stringify(o.staticData)),
		settings: { executionOrder: 'v1' },
	});
	return { node, workflow };
}

/**
 * An active workflow with one polling trigger, kept the way n8n keeps it between ticks: one Workflow
 * object whose live static data every poll works on — polls that overlap included, as
 * `TriggersAndPollers.runPollFunction` runs them. After each poll the static data is "saved" (a JSON
 * copy, only if a top-level key was assigned), as n8n saves it; `saved()` is what a restart would load.
 * `ticks` counts n8n-core's own poll ticks of this node type, `overlapped` those that started while
 * another poll of this workflow was still running.
 */
async function activeWorkflow(options) {
	const { parameters = {}, credentials = {}, staticData = {}, typeVersion, nodeName = 'Poll Trigger' } = options;
	const { fullType, version } = await resolveNodeType(options.pkg, options.nodeType, typeVersion);
	const workflowId = options.workflowId ?? `harness-active-${++executionCounter}`;
	const { node, workflow } = pollWorkflow({ ...options, nodeName, fullType, version, parameters, credentials, staticData }, workflowId, 'Harness active workflow', true);
	const plain = () => {
		const copy = JSON.parse(JSON.stringify(workflow.staticData));
		delete copy.__dataChanged;
		return copy;
	};
	let saved = JSON.stringify(plain());
	const stats = { ticks: 0, overlapped: 0, errors: 0 };
	const pollers = Container.get(TriggersAndPollers);
	const onTick = (tick) => {
		if (tick.nodeType !== fullType) return;
		stats.ticks++;
		if (tick.overlapped) stats.overlapped++;
		if (tick.status === 'error') stats.errors++;
	};
	pollers.events.on('poll-tick-completed', onTick);
	async function poll() {
		const credentialsHelper = new HarnessCredentialsHelper(JSON.parse(JSON.stringify(credentials)));
		const hooks = new ExecutionLifecycleHooks('trigger', 'poll', {
			id: workflowId,
			name: workflow.name,
			nodes: [node],
			connections: {},
			active: true,
			settings: workflow.settings,
		});
		const additionalData = makeAdditionalData({ credentialsHelper, hooks, executionId: undefined, workflowId });
		const ctx = new PollContext(workflow, node, additionalData, 'trigger', 'activate');
		const items = await pollers.runPollFunction(workflow, node, ctx);
		// What n8n does after a poll: save the static data if it changed, then clear the flag.
		if (workflow.staticData.__dataChanged === true) {
			saved = JSON.stringify(plain());
			workflow.staticData.__dataChanged = false;
		}
		return items ?? null;
	}
	return {
		poll,
		workflow,
		stats,
		/** The static data as last saved (what n8n would load after a restart). */
		saved: () => JSON.parse(saved),
		/** The live static data, as a plain copy. */
		live: plain,
		close: () => pollers.events.off('poll-tick-completed', onTick),
	};
}

// ---------------------------------------------------------------------------------------------
// Binary helpers for assertions
// ---------------------------------------------------------------------------------------------
async function readBinary(binaryData) {
	await boot();
	return await binaryDataService.getAsBuffer(binaryData);
}

async function binaryStream(binaryData) {
	await boot();
	if (!binaryData.id) {
		const { Readable } = require('node:stream');
		return Readable.from(Buffer.from(binaryData.data, 'base64'));
	}
	return await binaryDataService.getAsStream(binaryData.id);
}

function binaryFilePath(binaryData) {
	if (!binaryData?.id || !binaryDataService) return undefined;
	try {
		return binaryDataService.getPath(binaryData.id);
	} catch {
		return undefined;
	}
}

async function sha256OfBinary(binaryData) {
	const hash = crypto.createHash('sha256');
	let size = 0;
	for await (const chunk of await binaryStream(binaryData)) {
		hash.update(chunk);
		size += chunk.length;
	}
	return { sha256: hash.digest('hex'), size };
}

/**
 * Calls a node's listSearch method (a resource locator's "From List") through n8n-core's
 * LoadOptionsContext, with the credential applied as in the editor.
 */
async function runListSearch({ pkg: pkgOption, nodeType, method, credentials = {}, parameters = {}, filter, paginationToken }) {
	const { fullType, typeDef } = await resolveNodeType(pkgOption, nodeType);
	const node = {
		id: crypto.randomUUID(),
		name: 'Node Under Test',
		type: fullType,
		typeVersion: typeDef.description.version,
		position: [0, 0],
		parameters,
		credentials: credentialRefs(credentials),
	};
	const workflow = new Workflow({ id: 'harness-list-search', nodes: [node], connections: {}, active: false, nodeTypes: allNodeTypes, settings: {} });
	const credentialsHelper = new HarnessCredentialsHelper(JSON.parse(JSON.stringify(credentials)));
	const additionalData = makeAdditionalData({ credentialsHelper, hooks: undefined, executionId: undefined, workflowId: workflow.id });
	const ctx = new core.LoadOptionsContext(workflow, node, additionalData, 'parameters');
	return await typeDef.methods.listSearch[method].call(ctx, filter, paginationToken);
}

module.exports = {
	runListSearch,
	loadPackage,
	runNode,
	startNode,
	runPoll,
	runPollDetailed,
	activeWorkflow,
	readBinary,
	binaryStream,
	binaryFilePath,
	sha256OfBinary,
	captureLogs,
	boot,
	cleanup,
	INPUT_TRIGGER_TYPE,
	HarnessCredentialsHelper,
	paths: { tmpRoot: TMP_ROOT, binaryDir: BINARY_DIR, userFolder: process.env.N8N_USER_FOLDER },
	Container,
};
