// Test certificates made with the openssl CLI in a temporary directory: a CA, leaves signed by it (current or
// expired), a self-signed leaf, and a Caddy-style local CA with an intermediate.
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface KeyPair {
	cert: string;
	key: string;
}

export interface TestPki {
	dir: string;
	ca: KeyPair;
	/** app.example.test + www.app.example.test, valid now, signed by ca. */
	leaf: KeyPair;
	/** Same names, valid in January 2020 only. */
	expired: KeyPair;
	selfSigned: KeyPair;
	caddyRoot: KeyPair;
	/** Leaf for app.example.test issued by the Caddy intermediate; cert holds leaf + intermediate. */
	caddyLeaf: KeyPair;
	cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
	execFileSync('openssl', args, {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']});
}

const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makePki(): TestPki {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'hoist-tls-'));
	const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
	const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];

	openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/CN=hoist test CA/O=hoist tests', ...caExt]);
	openssl(dir, ['req', '-x509', ...ec, '-keyout', 'caddy-root.key', '-out', 'caddy-root.crt', '-days', '30',
		'-subj', '/CN=Caddy Local Authority - 2026 ECC Root', ...caExt]);

	mkdirSync(path.join(dir, 'newcerts'));
	writeFileSync(path.join(dir, 'index.txt'), '');
	writeFileSync(path.join(dir, 'serial'), '1000\n');
	writeFileSync(path.join(dir, 'ca.cnf'), [
		'[ca]', 'default_ca = test', '[test]', `database = ${dir}/index.txt`, `new_certs_dir = ${dir}/newcerts`, `serial = ${dir}/serial`,
		'default_md = sha256', 'policy = anything', 'unique_subject = no', 'copy_extensions = none', '[anything]', 'commonName = supplied',
		'[leaf]', 'subjectAltName = DNS:app.example.test, DNS:www.app.example.test', 'basicConstraints = CA:FALSE',
		'keyUsage = digitalSignature', 'extendedKeyUsage = serverAuth',
		'[intermediate]', 'basicConstraints = critical, CA:TRUE, pathlen:0', 'keyUsage = critical, keyCertSign, cRLSign', '',
	].join('\n'));
	const sign = (name: string, caName: string, extensions: string, dates: string[]) => {
		openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'caddy-intermediate' ? 'Caddy Local Authority - ECC Intermediate' : 'app.example.test'}`]);
		openssl(dir, ['ca', '-batch', '-notext', '-config', 'ca.cnf', '-cert', `${caName}.crt`, '-keyfile', `${caName}.key`, '-in', `${name}.csr`,
			'-out', `${name}.crt`, '-extensions', extensions, ...dates]);
	};
	sign('leaf', 'ca', 'leaf', ['-days', '30']);
	sign('expired', 'ca', 'leaf', ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z']);
	sign('caddy-intermediate', 'caddy-root', 'intermediate', ['-days', '7']);
	sign('caddy-leaf', 'caddy-intermediate', 'leaf', ['-days', '1']);
	openssl(dir, ['req', '-x509', ...ec, '-keyout', 'self.key', '-out', 'self.crt', '-days', '30', '-subj', '/CN=app.example.test',
		'-addext', 'subjectAltName=DNS:app.example.test']);

	const pair = (name: string): KeyPair => ({cert: read(`${name}.crt`), key: read(`${name}.key`)});
	return {
		dir,
		ca: pair('ca'),
		leaf: pair('leaf'),
		expired: pair('expired'),
		selfSigned: pair('self'),
		caddyRoot: pair('caddy-root'),
		caddyLeaf: {cert: read('caddy-leaf.crt') + read('caddy-intermediate.crt'), key: read('caddy-leaf.key')},
		cleanup: () => rmSync(dir, {recursive: true, force: true}),
	};
}
