'use strict';
/**
 * A network namespace of the test's own for n8n (test fixture): a veth pair with a /30 between the host end (where
 * the stand-ins and the Sora emulator listen) and the namespace end, loopback inside, no default route — so n8n
 * inside can reach the host end and nothing else. `ip netns exec` bind-mounts /etc/netns/<name>/hosts and
 * resolv.conf over /etc/hosts and /etc/resolv.conf for the commands it runs (ip-netns(8)), which sends
 * www.googleapis.com, oauth2.googleapis.com and api.upload-post.com to the host end and leaves DNS with no server.
 *
 * Needs root (CAP_NET_ADMIN + CAP_SYS_ADMIN) and iproute2; `available()` says why not otherwise.
 */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

function ip(args) {
	const result = spawnSync('ip', args, { encoding: 'utf8' });
	if (result.error) throw new Error(`ip ${args.join(' ')}: ${result.error.message}`);
	if (result.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${result.stderr.trim()}`);
	return result.stdout;
}

/** Why a namespace cannot be made here, or undefined when it can. */
function unavailableReason() {
	if (process.platform !== 'linux') return 'network namespaces are Linux only';
	if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'creating a network namespace needs root (ip netns add)';
	const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
	if (probe.error) return `iproute2 (the ip command) is missing: ${probe.error.message}`;
	return undefined;
}

/**
 * Creates the namespace; `hostnames` resolve to the host end inside it. Returns {name, hostAddress, nsAddress,
 * wrap(command, args) → [command, args] that runs inside, remove()}.
 */
function createNamespace({ hostnames }) {
	const reason = unavailableReason();
	if (reason) throw new Error(reason);
	// Short, unique per process: interface names are at most 15 characters.
	const n = process.pid % 60000;
	const name = `sorapub${n}`;
	const hostIf = `sp${n}h`;
	const nsIf = `sp${n}n`;
	const subnet = `10.${200 + (n % 50)}.${Math.floor(n / 50) % 250}`;
	const hostAddress = `${subnet}.1`;
	const nsAddress = `${subnet}.2`;
	const etcDir = path.join('/etc/netns', name);
	const remove = () => {
		spawnSync('ip', ['netns', 'del', name]);
		spawnSync('ip', ['link', 'del', hostIf]);
		fs.rmSync(etcDir, { recursive: true, force: true });
	};
	remove();
	try {
		ip(['netns', 'add', name]);
		ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
		ip(['link', 'set', nsIf, 'netns', name]);
		ip(['addr', 'add', `${hostAddress}/30`, 'dev', hostIf]);
		ip(['link', 'set', hostIf, 'up']);
		ip(['-n', name, 'addr', 'add', `${nsAddress}/30`, 'dev', nsIf]);
		ip(['-n', name, 'link', 'set', nsIf, 'up']);
		ip(['-n', name, 'link', 'set', 'lo', 'up']);
		fs.mkdirSync(etcDir, { recursive: true });
		fs.writeFileSync(path.join(etcDir, 'hosts'), `127.0.0.1 localhost\n::1 localhost\n${hostAddress} ${hostnames.join(' ')}\n`);
		// No name server: any other name fails at once instead of leaving the machine.
		fs.writeFileSync(path.join(etcDir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
		const routes = ip(['-n', name, 'route', 'show']).trim();
		if (/default/.test(routes)) throw new Error(`the namespace has a default route: ${routes}`);
	} catch (error) {
		remove();
		throw error;
	}
	return {
		name,
		hostAddress,
		nsAddress,
		wrap: (command, args) => ['ip', ['netns', 'exec', name, command, ...args]],
		remove,
	};
}

module.exports = { createNamespace, unavailableReason };
