import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {changeZone, dnsStandIns, forgetCaddyCertificates, readCaddyRootMark, unlinkAcme, linkAcmeToCaddy, listZones, neededPorts, standInFiles, standInsDown, standInsUp, type StandIns} from '../../../source/rehearsal/standins.js';
import {portConflicts} from '../../../source/rehearsal/ports.js';

const base: StandIns = {
	stack: 'shop-rehearsal', address: '192.168.64.5', dnsPort: 53, names: ['api.example.com', 'www.example.com'], zones: ['example.com'],
	images: {dns: 'docker.io/cznic/knot:v3.4.4', acme: 'ghcr.io/letsencrypt/pebble:2.6.0'}, pitfall: 'none',
};

/** Runs a builder's line in sh with a stand-in `podman` that logs its arguments (one line per call) and answers ps. */
function inShell(line: string, psAnswer = 'c0ffee', inspect = 'shop-rehearsal_default', bridge = ''): {log: string[]; code: number} {
	// `ip` logs too; `podman network inspect` names the bridge $BRIDGE (none unless a test sets it), `ip link show` its MAC.
	const fake = `podman() { printf '%s\\n' "$*" >>"$LOG"; case "$1 $2" in ps*) echo ${psAnswer} ;; inspect*|'volume inspect') echo "$INSPECT" ;; 'network inspect') echo "$BRIDGE" ;; esac; }
ip() { printf 'ip %s\\n' "$*" >>"$LOG"; case "$1 $2" in 'link show') [ -n "$BRIDGE" ] && printf '4: %s: <BROADCAST,UP> mtu 1500\\n    link/ether 92:5c:bd:8a:1f:e4 brd ff:ff:ff:ff:ff:ff\\n' "$BRIDGE" ;; esac; }`;
	const log = `/tmp/hoist-rehearsal-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
	let code = 0;
	try {
		execFileSync('sh', ['-c', `${fake}\n${line}`], {env: {...process.env, LOG: log, INSPECT: inspect, BRIDGE: bridge}, stdio: 'pipe'});
	} catch (error) {
		code = (error as {status: number}).status;
	}
	let text = '';
	try {
		text = execFileSync('cat', [log], {encoding: 'utf8'});
		execFileSync('rm', ['-f', log]);
	} catch {
		// no call at all
	}
	return {log: text.split('\n').filter(Boolean), code};
}

describe('the stand-ins\' files', () => {
	it('a compose project of their own: DNS listening on the server\'s own address in its network, the CA\'s management port bound to it, never 127.0.0.53', () => {
		const files = standInFiles(base);
		const compose = files.find((file) => file.path === '/srv/hoist/shop-rehearsal-standins/compose.yml')!.content;
		expect(compose).toContain('image: docker.io/cznic/knot:v3.4.4');
		expect(compose).toMatch(/ {2}dns:\n[\s\S]*network_mode: host\n[\s\S]* {2}acme:/);
		expect(files.find((file) => file.path.endsWith('/dns/knot.conf'))!.content).toContain('listen: 192.168.64.5@53\n');
		expect(compose).toContain('"192.168.64.5:15000:15000"');
		expect(compose).toContain('"-dnsserver", "192.168.64.5:53"');
		const v6 = standInFiles({...base, address: '2001:db8::5'}).find((file) => file.path.endsWith('/compose.yml'))!.content;
		expect(v6).toContain('"-dnsserver", "[2001:db8::5]:53"');
		const settings = compose.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n');
		expect(settings).not.toMatch(/127\.0\.0\.53|"53:53/);
	});

	it('a real zone: SOA with the negative TTL, NS with the address, and no record of the stack yet (pitfall none)', () => {
		const zone = standInFiles(base).find((file) => file.path.endsWith('/dns/example.com.zone'))!.content;
		expect(zone).toMatch(/@\s+IN SOA\s+ns1\.example\.com\. hostmaster\.example\.com\. \( 1 3600 600 604800 60 \)/);
		expect(zone).toContain('@       IN NS   ns1.example.com.');
		expect(zone).toContain('ns1     IN A    192.168.64.5');
		expect(zone).not.toContain('api.example.com');
	});

	it('each pitfall starts the zone with its mistake; stale runs a second server on the next port with the old address', () => {
		const zoneOf = (standIns: StandIns, service = 'dns') => standInFiles(standIns).find((file) => file.path.endsWith(`/${service}/example.com.zone`))!.content;
		expect(zoneOf({...base, pitfall: 'aaaa'})).toContain('api.example.com. 60 IN AAAA 2001:db8::10');
		expect(zoneOf({...base, pitfall: 'caa'})).toContain('example.com. 60 IN CAA 0 issue "sectigo.com"');
		expect(zoneOf({...base, pitfall: 'proxy'})).toContain('api.example.com. 60 IN A 104.16.0.10');
		const stale = {...base, pitfall: 'stale' as const};
		expect(dnsStandIns(stale)).toEqual([{service: 'dns', name: 'ns1', port: 53}, {service: 'dns-stale', name: 'ns2', port: 54}]);
		expect(zoneOf(stale)).not.toContain('api.example.com.');
		expect(zoneOf(stale, 'dns-stale')).toContain('api.example.com. 60 IN A 192.0.2.10');
		expect(standInFiles(stale).find((file) => file.path.endsWith('/compose.stale.yml'))!.content).toContain('network_mode: host');
		expect(standInFiles(stale).find((file) => file.path.endsWith('/dns-stale/knot.conf'))!.content).toContain('listen: 192.168.64.5@54\n');
		expect(standInsUp({command: ['docker-compose'], version: 'v1'}, stale).line).toContain('-f compose.yml -f compose.stale.yml up -d --remove-orphans');
	});

	it('knot serves every zone of the rehearsal', () => {
		const conf = standInFiles({...base, zones: ['example.com', 'example.org']}).find((file) => file.path.endsWith('/dns/knot.conf'))!.content;
		expect(conf).toContain('  - domain: example.com\n  - domain: example.org');
	});
});

describe('the stand-ins\' commands, run in sh', () => {
	it('dns set: one knotc transaction per server — begin, unset the old set (tolerated if absent), set, commit', () => {
		const servers = dnsStandIns({dnsPort: 53, pitfall: 'stale'});
		const command = changeZone('shop-rehearsal', servers, {action: 'set', zone: 'example.com', record: {name: 'api.example.com', type: 'A', value: '192.168.64.5'}});
		expect(command.root).toBe(true);
		const {log, code} = inShell(command.line);
		expect(code).toBe(0);
		const knotc = log.filter((entry) => entry.startsWith('exec'));
		const transaction = [
			'exec c0ffee knotc -s /rundir/knot.sock zone-begin example.com',
			'exec c0ffee knotc -s /rundir/knot.sock zone-unset example.com api.example.com. A',
			'exec c0ffee knotc -s /rundir/knot.sock zone-set example.com api.example.com. 60 A 192.168.64.5',
			'exec c0ffee knotc -s /rundir/knot.sock zone-commit example.com',
		];
		expect(knotc).toEqual([...transaction, ...transaction]);
		expect(log.filter((entry) => entry.startsWith('ps')).join('\n')).toContain('label=com.docker.compose.service=dns-stale');
	});

	it('a CAA value keeps its quoted part as one word', () => {
		const command = changeZone('s', dnsStandIns({dnsPort: 53, pitfall: 'none'}), {action: 'set', zone: 'example.com', record: {name: 'example.com', type: 'CAA', value: '0 issue "letsencrypt.org"'}});
		expect(inShell(command.line).log).toContain('exec c0ffee knotc -s /rundir/knot.sock zone-set example.com example.com. 60 CAA 0 issue "letsencrypt.org"');
	});

	it('a stand-in that is not running: exit 3, nothing changed', () => {
		const command = changeZone('s', dnsStandIns({dnsPort: 53, pitfall: 'none'}), {action: 'delete', zone: 'example.com', record: {name: 'api.example.com', type: 'AAAA'}});
		const {log, code} = inShell(command.line, '');
		expect(code).toBe(3);
		expect(log.filter((entry) => entry.startsWith('exec'))).toEqual([]);
		expect(inShell(listZones('s', dnsStandIns({dnsPort: 53, pitfall: 'none'})[0]!, ['example.com']).line, '').code).toBe(3);
	});

	it('links the CA into each network of the stack\'s Caddy under the name its certificate carries, once', () => {
		// The fake podman answers every inspect with shop-rehearsal_default: the CA already has the network.
		expect(inShell(linkAcmeToCaddy('shop-rehearsal', {dryRun: false}).line).log.filter((entry) => entry.startsWith('network connect'))).toEqual([]);
		const fresh = linkAcmeToCaddy('shop-rehearsal', {dryRun: false}).line.replace('have=" $(', 'have=" $(true || ');
		expect(inShell(fresh).log).toContain('network connect --alias pebble shop-rehearsal_default c0ffee');
		const dry = linkAcmeToCaddy('shop-rehearsal', {dryRun: true}).line.replace('have=" $(', 'have=" $(true || ');
		expect(inShell(dry).log.filter((entry) => entry.startsWith('network'))).toEqual([]);
	});

	it('a new rehearsal root: Caddy\'s certificates and ACME account go from its data volume, Caddy restarts, the server records the root', () => {
		const volume = mkdtempSync(join(tmpdir(), 'hoist-caddy-data-'));
		mkdirSync(join(volume, 'caddy/acme/pebble'), {recursive: true});
		mkdirSync(join(volume, 'caddy/certificates/pebble'), {recursive: true});
		mkdirSync(join(volume, 'caddy/locks'), {recursive: true});
		const mark = join(volume, 'mark');
		const forget = (rootSha256: string) => {
			const line = forgetCaddyCertificates('shop-rehearsal', rootSha256).line.replace(/>'?\/srv\/hoist\/shop-rehearsal\/hoist-caddy\/rehearsal-root\.sha256'?/, `>${mark}`);
			return inShell(line.replace(/podman volume ls -q [^)]*\)/, 'echo shop-rehearsal_hoist_caddy_data other_volume)'), 'c0ffee', volume).log;
		};
		const log = forget('ab12');
		expect(log).toContain('volume inspect --format {{.Mountpoint}} shop-rehearsal_hoist_caddy_data');
		expect(log.filter((entry) => entry.includes('other_volume'))).toEqual([]);
		expect(log.at(-1)).toBe('restart -t 2 c0ffee');
		expect(readdirSync(join(volume, 'caddy'))).toEqual(['locks']);
		expect(readFileSync(mark, 'utf8')).toBe('ab12\n');
		// Nothing stored (a first rehearsal): no restart, only the record of the root.
		expect(forget('cd34').filter((entry) => entry.startsWith('restart'))).toEqual([]);
		expect(readFileSync(mark, 'utf8')).toBe('cd34\n');
		rmSync(volume, {recursive: true});
		expect(readCaddyRootMark('shop-rehearsal').line).toBe('cat /srv/hoist/shop-rehearsal/hoist-caddy/rehearsal-root.sha256 2>/dev/null || true');
	});

	it('pins the address of the stack network\'s bridge before the CA joins it and before Caddy restarts: a new veth must not change the gateway under Pebble', () => {
		const pin = 'ip link set dev podman2 address 92:5c:bd:8a:1f:e4';
		const changes = (log: string[]) => log.filter((entry) => entry.startsWith('ip link set') || entry.startsWith('network connect') || entry.startsWith('restart'));
		const link = linkAcmeToCaddy('shop-rehearsal', {dryRun: false}).line.replace('have=" $(', 'have=" $(true || ');
		expect(changes(inShell(link, 'c0ffee', 'shop-rehearsal_default', 'podman2').log)).toEqual([pin, 'network connect --alias pebble shop-rehearsal_default c0ffee']);
		// A dry run (the step's check) changes nothing.
		const dry = linkAcmeToCaddy('shop-rehearsal', {dryRun: true}).line.replace('have=" $(', 'have=" $(true || ');
		expect(changes(inShell(dry, 'c0ffee', 'shop-rehearsal_default', 'podman2').log)).toEqual([]);
		const volume = mkdtempSync(join(tmpdir(), 'hoist-caddy-data-'));
		mkdirSync(join(volume, 'caddy/certificates/pebble'), {recursive: true});
		const forget = forgetCaddyCertificates('shop-rehearsal', 'ab12').line.replace(/>'?\/srv\/hoist\/shop-rehearsal\/hoist-caddy\/rehearsal-root\.sha256'?/, `>${join(volume, 'mark')}`)
			.replace(/podman volume ls -q [^)]*\)/, 'echo shop-rehearsal_hoist_caddy_data)');
		// The fake podman answers every inspect with $INSPECT: the volume's mount point, then the network's name.
		expect(changes(inShell(forget, 'c0ffee', volume, 'podman2').log)).toEqual([pin, 'restart -t 2 c0ffee']);
		rmSync(volume, {recursive: true});
	});

	it('--end first takes the CA out of the stack\'s network (compose cannot remove a network a container is in)', () => {
		const {log} = inShell(unlinkAcme('shop-rehearsal').line.replace(/podman inspect [^)]*\)/, 'echo shop-rehearsal-standins_default shop-rehearsal_default)'));
		expect(log.filter((entry) => entry.startsWith('network'))).toEqual(['network disconnect -f shop-rehearsal_default c0ffee']);
	});

	it('--end removes containers, volumes (unless kept), networks and the directory, all by the project\'s label', () => {
		expect(standInsDown('shop-rehearsal', false).line).toContain("podman volume ls -q --filter label\\=com.docker.compose.project\\=shop-rehearsal-standins");
		expect(standInsDown('shop-rehearsal', true).line).not.toContain('volume');
		expect(standInsDown('shop-rehearsal', true).line).toContain('rm -rf /srv/hoist/shop-rehearsal-standins');
	});
});

describe('ports the rehearsal needs', () => {
	const needed = neededPorts({dnsPort: 53, pitfall: 'none'});
	const own = ['shop-rehearsal', 'shop-rehearsal-standins'];

	it('systemd-resolved on 127.0.0.53:53 does not collide with the DNS stand-in on the server\'s address', () => {
		const listing = 'L udp UNCONN 0 0 127.0.0.53%lo:53 0.0.0.0:*\nL tcp LISTEN 0 4096 127.0.0.53%lo:53 0.0.0.0:*\nL tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*';
		expect(portConflicts(listing, '192.168.64.5', needed, own)).toEqual([]);
	});

	it('a web server on all addresses (busybox netstat) and another stack\'s Caddy are named; the rehearsal\'s own are not', () => {
		const listing = [
			'L tcp        0      0 :::80                   :::*                    LISTEN',
			'P shop|0.0.0.0:443->443/tcp, 0.0.0.0:443->443/udp',
			'P shop-rehearsal-standins|192.168.64.5:15000->15000/tcp',
		].join('\n');
		expect(portConflicts(listing, '192.168.64.5', needed, own)).toEqual([
			'80/tcp (for Caddy (HTTP)) is held by a process listening on ::',
			'443/tcp (for Caddy (HTTPS)) is published by the compose project "shop"',
		]);
	});

	it('the DNS stand-in listens in the host\'s network: its port is the rehearsal\'s own while it runs, anyone else\'s otherwise', () => {
		const knot = 'L udp UNCONN 0 0 192.168.64.5:53 0.0.0.0:*\nL tcp LISTEN 0 128 192.168.64.5:53 0.0.0.0:*';
		expect(portConflicts(`${knot}\nS shop-rehearsal-standins|dns\nS shop-rehearsal-standins|acme`, '192.168.64.5', needed, own)).toEqual([]);
		expect(portConflicts(`${knot}\nS other|dns`, '192.168.64.5', needed, own)).toEqual([
			'53/udp (for the rehearsal DNS (ns1)) is held by a process listening on 192.168.64.5',
			'53/tcp (for the rehearsal DNS (ns1)) is held by a process listening on 192.168.64.5',
		]);
	});
});
