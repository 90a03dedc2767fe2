/** Counting where a secret shows up in what a user (or a log) can see. */

/** Occurrences of `secret` anywhere inside `value`: strings, arrays, objects and errors (cycle-safe). */
function countSecret(value, secret, seen = new WeakSet()) {
	if (!secret) return 0;
	if (typeof value === 'string') return value.split(secret).length - 1;
	if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return 0;
	if (seen.has(value)) return 0;
	seen.add(value);
	let hits = 0;
	if (value instanceof Error) {
		for (const key of ['message', 'description', 'stack']) hits += countSecret(value[key], secret, seen);
	}
	for (const key of Object.keys(value)) {
		hits += countSecret(key, secret, seen) + countSecret(value[key], secret, seen);
	}
	return hits;
}

/** Execution hints of every node in a run (n8n keeps them on the task data). */
function hintsOf(result) {
	return Object.values(result.runData ?? {}).flatMap((tasks) => tasks.flatMap((task) => task.hints ?? []));
}

/** What a user sees of one run: output items, the error (message, description, context) and hints. */
function visibleParts(result) {
	const error = result.error && {
		message: result.error.message,
		description: result.error.description,
		context: result.error.context,
		httpCode: result.error.httpCode,
		raw: result.error.raw,
	};
	return { items: result.items, error, executionError: result.executionError?.message, hints: hintsOf(result) };
}

module.exports = { countSecret, hintsOf, visibleParts };
