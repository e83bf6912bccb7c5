/**
 * The certificate identifier of ACME Renewal Information (RFC 9773 §4.1): base64url(keyIdentifier of the Authority
 * Key Identifier extension) "." base64url(the serial number's DER INTEGER content bytes), both without padding. The
 * serial's bytes are taken as DER has them (a leading 00 stays when the first byte has its high bit set), which is
 * what certmagic and lego send; Node's X509Certificate has neither the AKI nor those bytes, so the DER is read here.
 */

interface Tlv {
	tag: number;
	/** Where the content starts and ends in the buffer. */
	start: number;
	end: number;
}

function readTlv(der: Buffer, offset: number, limit: number): Tlv {
	if (offset + 2 > limit) throw new Error('truncated DER');
	const tag = der[offset]!;
	let length = der[offset + 1]!;
	let start = offset + 2;
	if (length & 0x80) {
		const bytes = length & 0x7f;
		if (bytes === 0 || bytes > 4 || start + bytes > limit) throw new Error('unsupported DER length');
		length = der.readUIntBE(start, bytes);
		start += bytes;
	}
	if (start + length > limit) throw new Error('truncated DER');
	return {tag, start, end: start + length};
}

/** The elements directly inside a constructed element. */
function children(der: Buffer, parent: Tlv): Tlv[] {
	const found: Tlv[] = [];
	for (let offset = parent.start; offset < parent.end;) {
		const child = readTlv(der, offset, parent.end);
		found.push(child);
		offset = child.end;
	}
	return found;
}

const sequence = 0x30;
const integer = 0x02;
const extensionsTag = 0xa3; // [3] EXPLICIT in TBSCertificate
const keyIdentifierTag = 0x80; // [0] IMPLICIT in AuthorityKeyIdentifier
const objectIdentifier = 0x06;
const octetString = 0x04;
const authorityKeyIdentifierOid = Buffer.from([0x55, 0x1d, 0x23]); // 2.5.29.35

export interface AriParts {
	keyIdentifier: Buffer;
	serial: Buffer;
}

/** The AKI keyIdentifier and the serial's bytes of a DER certificate; undefined without an AKI keyIdentifier. */
export function ariParts(der: Buffer): AriParts | undefined {
	const certificate = readTlv(der, 0, der.length);
	const [tbs] = children(der, certificate);
	if (certificate.tag !== sequence || tbs?.tag !== sequence) throw new Error('not a DER certificate');
	const fields = children(der, tbs);
	const serialField = fields[0]?.tag === integer ? fields[0] : fields[1];
	if (serialField?.tag !== integer) throw new Error('no serial number in the certificate');
	const extensions = fields.find((field) => field.tag === extensionsTag);
	const list = extensions && children(der, extensions)[0];
	for (const extension of list ? children(der, list) : []) {
		const [id, ...rest] = children(der, extension);
		if (id?.tag !== objectIdentifier || !der.subarray(id.start, id.end).equals(authorityKeyIdentifierOid)) continue;
		const value = rest.find((field) => field.tag === octetString);
		if (!value) return undefined;
		const aki = readTlv(der, value.start, value.end);
		const keyIdentifier = children(der, aki).find((field) => field.tag === keyIdentifierTag);
		if (!keyIdentifier) return undefined;
		return {keyIdentifier: der.subarray(keyIdentifier.start, keyIdentifier.end), serial: der.subarray(serialField.start, serialField.end)};
	}
	return undefined;
}

/** RFC 9773's certID of a DER certificate; undefined when it has no AKI keyIdentifier (then it has no ARI). */
export function ariCertId(der: Buffer): string | undefined {
	const parts = ariParts(der);
	return parts && `${parts.keyIdentifier.toString('base64url')}.${parts.serial.toString('base64url')}`;
}
