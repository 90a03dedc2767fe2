'use strict';
/**
 * A Playwright Test reporter that writes the JSON summary of `npm run e2e:editor -- --json <file>`
 * ($SORA_EDITOR_JSON): each test with its final status (after a retry), its steps (test.step) with pass/fail and
 * error, "what it saw" (the `saw` attachments the tests add) and its screenshots; plus the wall time, which it also
 * prints.
 */
const fs = require('fs');
const path = require('path');

class SummaryReporter {
	constructor() {
		this.started = Date.now();
		this.tests = new Map();
	}

	onTestEnd(test, result) {
		const steps = [];
		const walk = (list) => {
			for (const step of list) {
				if (step.category === 'test.step') {
					steps.push({ title: step.title, ok: !step.error, ...(step.error ? { error: clean(step.error.message) } : {}), ms: step.duration });
				}
				walk(step.steps || []);
			}
		};
		walk(result.steps);
		const saw = {};
		const screenshots = [];
		for (const attachment of result.attachments) {
			if (attachment.name.startsWith('saw:') && attachment.body) Object.assign(saw, { [attachment.name.slice(4)]: JSON.parse(attachment.body.toString()) });
			else if (attachment.contentType === 'image/png' && attachment.path) screenshots.push(path.relative(process.cwd(), attachment.path));
		}
		// The last try decides (a passing retry makes the test "flaky", which passes).
		this.tests.set(test.id, {
			title: test.titlePath().slice(2).join(' › '),
			project: test.parent.project()?.name,
			status: result.status,
			ok: result.status === 'passed' || result.status === 'skipped' ? result.status === 'passed' : false,
			tries: result.retry + 1,
			ms: result.duration,
			...(result.error ? { error: clean(result.error.message) } : {}),
			steps,
			saw,
			screenshots,
		});
	}

	onEnd(result) {
		const wallSeconds = (Date.now() - this.started) / 1000;
		const tests = [...this.tests.values()];
		const summary = {
			status: result.status,
			passed: tests.filter((t) => t.ok).length,
			failed: tests.filter((t) => !t.ok).length,
			wallSeconds: Math.round(wallSeconds * 10) / 10,
			tests,
		};
		const file = process.env.SORA_EDITOR_JSON;
		if (file) {
			fs.mkdirSync(path.dirname(file), { recursive: true });
			fs.writeFileSync(file, JSON.stringify(summary, null, 2));
		}
		console.log(`\neditor suite: ${summary.passed} passed, ${summary.failed} failed; wall time ${summary.wallSeconds.toFixed(1)} s${file ? `; summary ${file}` : ''}`);
		for (const t of tests.filter((x) => !x.ok)) console.log(`  ✗ ${t.title}${t.error ? `: ${t.error.split('\n')[0]}` : ''}`);
	}
}

/** Error text without terminal colours, shortened. */
function clean(text) {
	return String(text || '').replace(/\u001b\[[0-9;]*m/g, '').slice(0, 1500);
}

module.exports = SummaryReporter;
