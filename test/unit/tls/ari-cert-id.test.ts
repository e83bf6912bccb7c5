import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {X509Certificate} from 'node:crypto';
import {afterAll, describe, expect, it} from 'vitest';
import {ariCertId} from '../../../source/tls/ari-cert-id.js';

const dir = mkdtempSync(join(tmpdir(), 'hoist-ari-id-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));
const openssl = (args: string[]) => execFileSync('openssl', args, {cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A CA whose key identifier is RFC 9773's example (or openssl's own), and a leaf it signs with the given serial. */
function leafCertificate(name: string, options: {serial?: string; caKeyId?: string; aki?: boolean}): Buffer {
	openssl(['req', '-x509', ...ec, '-keyout', `${name}-ca.key`, '-out', `${name}-ca.crt`, '-days', '3', '-subj', `/CN=${name} CA`,
		...(options.caKeyId ? ['-addext', `subjectKeyIdentifier=${options.caKeyId}`] : [])]);
	openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
	writeFileSync(join(dir, `${name}.ext`), `authorityKeyIdentifier=${options.aki === false ? 'none' : 'keyid'}\nsubjectAltName=DNS:app.example.test\n`);
	openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${name}-ca.crt`, '-CAkey', `${name}-ca.key`, '-days', '3', '-extfile', `${name}.ext`,
		'-out', `${name}.crt`, ...(options.serial ? ['-set_serial', options.serial] : ['-CAcreateserial'])]);
	return new X509Certificate(readFileSync(join(dir, `${name}.crt`))).raw;
}

/** The certID computed from what openssl prints: the AKI's hex, and the serial as a positive DER INTEGER. */
function certIdFromOpenssl(name: string): string {
	const text = openssl(['x509', '-in', `${name}.crt`, '-noout', '-ext', 'authorityKeyIdentifier', '-serial']);
	const keyId = Buffer.from(/^\s+(?:keyid:)?([0-9A-F:]+)$/m.exec(text)![1]!.replaceAll(':', ''), 'hex');
	const hex = /^serial=([0-9A-F]+)$/m.exec(text)![1]!;
	let serial = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
	while (serial.length > 1 && serial[0] === 0 && !(serial[1]! & 0x80)) serial = serial.subarray(1);
	if (serial[0]! & 0x80) serial = Buffer.concat([Buffer.from([0]), serial]);
	return `${keyId.toString('base64url')}.${serial.toString('base64url')}`;
}

describe('the ARI certID of a certificate (RFC 9773 §4.1)', () => {
	it('RFC 9773\'s own example: key identifier 69:88:5B:… and serial 0x87654321 (a leading 00 in DER) give aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE', () => {
		const der = leafCertificate('rfc', {serial: '0x87654321', caKeyId: '69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4'});
		expect(ariCertId(der)).toBe('aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE');
		expect(certIdFromOpenssl('rfc')).toBe('aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE');
	});

	it('a serial without the high bit has no leading 00; openssl\'s random 20-byte serials agree with what openssl prints', () => {
		expect(ariCertId(leafCertificate('small', {serial: '0x1234'}))?.split('.')[1]).toBe(Buffer.from([0x12, 0x34]).toString('base64url'));
		for (const name of ['random1', 'random2', 'random3']) {
			const der = leafCertificate(name, {});
			expect(ariCertId(der)).toBe(certIdFromOpenssl(name));
		}
	});

	it('a certificate without an Authority Key Identifier has no certID (and so no ARI)', () => {
		expect(ariCertId(leafCertificate('no-aki', {serial: '0x42', aki: false}))).toBeUndefined();
	});

	it('bytes that are not a certificate are an error, not a made-up id', () => {
		expect(() => ariCertId(Buffer.from('not a certificate'))).toThrow();
	});
});
