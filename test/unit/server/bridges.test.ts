// The bridge pin run in sh, with a stand-in `podman` and `ip` that log what they were asked (the real ones need root
// and a Podman network; test/e2e/releases.test.ts checks the sandbox host's bridge after a release).
import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {pinStackBridges} from '../../../source/server/commands/bridges.js';

function inShell(line: string, caddy: string): string[] {
	const fake = `podman() { printf 'podman %s\\n' "$*" >&2; case "$1 $2" in ps*) echo "$CADDY" ;; 'inspect --format') echo 'shop_front shop_back ' ;; 'network inspect') case "$5" in shop_front) echo podman1 ;; shop_back) echo podman2 ;; esac ;; esac; }
ip() { printf 'ip %s\\n' "$*" >&2; case "$1 $2" in 'link show') printf '4: %s: <BROADCAST,UP> mtu 1500\\n    link/ether 92:5c:bd:8a:1f:0%s brd ff:ff:ff:ff:ff:ff\\n' "$4" "\${4#podman}" ;; esac; }`;
	const result = execFileSync('sh', ['-c', `${fake}\n${line} 2>&1`], {env: {...process.env, CADDY: caddy}, encoding: 'utf8'});
	return result.split('\n').filter((entry) => entry.startsWith('ip link set'));
}

describe('pinStackBridges', () => {
	it('sets the bridge of each network Caddy is in to the address it has now (an address set once stays for its life)', () => {
		expect(inShell(pinStackBridges('shop').line, 'c0ffee')).toEqual([
			'ip link set dev podman1 address 92:5c:bd:8a:1f:01',
			'ip link set dev podman2 address 92:5c:bd:8a:1f:02',
		]);
	});

	it('changes nothing when the stack\'s Caddy does not run', () => {
		expect(inShell(pinStackBridges('shop').line, '')).toEqual([]);
	});
});
