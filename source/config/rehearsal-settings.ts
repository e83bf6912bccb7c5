import {z} from 'zod';

/**
 * hoist.yml's `rehearsal:` section: what `hoist rehearse` uses when the command line does not say it. Plain zod, no
 * imports from the rest of hoist: config/schema.ts includes it.
 */

/**
 * The stand-ins' images on a real practice VM: pinned tags of images published by the projects themselves.
 * DNS: CZ.NIC's own Knot DNS image — a real authoritative server (SOA, NS, NXDOMAIN with the SOA's negative TTL), whose
 * zone changes at runtime through `knotc` transactions without a restart or a file edit, which is what `hoist rehearse
 * dns set` needs; it is the same server the sandbox runs, so the rehearsal's DNS behaves in tests as it does on a VM.
 * ACME: Let's Encrypt's own Pebble, the test CA written for ACME clients.
 * Where the tags come from (checked 2026-12-07, never pulled by a test):
 * - Pebble: git tag v2.6.0 (2024-05-31) of github.com/letsencrypt/pebble; its .github/workflows/release.yml at that tag
 *   pushes ghcr.io/letsencrypt/pebble with docker/metadata-action `type=semver,pattern={{version}}` (so `2.6.0`, no
 *   `v`) for linux/amd64 and linux/arm64; Dockerfile.release copies test/ (test/certs/pebble.minica.pem is read).
 * - Knot: git tag v3.4.4 (2025-01-22) of github.com/CZ-NIC/knot, whose Dockerfile builds the image doc/docker.md runs as
 *   `cznic/knot` (paths /config, /storage, /rundir as templates/rehearsal/knot.conf uses). Docker Hub's cznic/knot is
 *   tagged by the git tag (`v3.5.4`, `v3.5.5` as others pin it) and by the release branch (`3.4`).
 */
export const defaultRehearsalImages = {
	dns: 'docker.io/cznic/knot:v3.4.4',
	acme: 'ghcr.io/letsencrypt/pebble:2.6.0',
} as const;

/** The DNS stand-in's port on the practice server's own address (53, as a real server; another if 53 is taken). */
export const defaultRehearsalDnsPort = 53;

const image = z
	.string({error: 'expected an image reference like "docker.io/cznic/knot:v3.4.4"'})
	.regex(/^[a-z0-9.-]+(:\d+)?\/[^\s]+$/i, {error: 'expected a fully qualified image like "docker.io/cznic/knot:v3.4.4" (with its registry)'});

const zoneName = z
	.string({error: 'expected a zone name like "example.com"'})
	.regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}\.?$/i, {error: 'expected a zone name like "example.com"'})
	.transform((value) => value.toLowerCase().replace(/\.$/, ''));

export const rehearsalSection = z.strictObject({
	/** The practice server, as `--on` takes it: user@host[:port]. */
	server: z.string({error: 'expected the practice server as user@host[:port]'}).min(1, {error: 'must not be empty'}).optional(),
	hostKey: z.string({error: 'expected the practice server\'s host key, e.g. "ssh-ed25519 AAAA…"'}).min(1, {error: 'must not be empty'}).optional(),
	/** The private key to log in with (its .pub beside it); default: hoist's own .hoist/id_ed25519. */
	identity: z.string({error: 'expected a path to a private key'}).min(1, {error: 'must not be empty'}).optional(),
	/** The zones the rehearsal DNS serves; default: the zone guessed from each name. */
	zones: z.array(zoneName, {error: 'expected a list of zones like ["example.com"]'}).min(1, {error: 'expected at least one zone (or leave rehearsal.zones out)'}).optional(),
	dnsPort: z.number({error: 'expected a port number'}).int({error: 'expected a whole port number'}).min(1, {error: 'expected a port from 1 to 65535'}).max(65535, {error: 'expected a port from 1 to 65535'}).default(defaultRehearsalDnsPort),
	images: z.strictObject({dns: image.default(defaultRehearsalImages.dns), acme: image.default(defaultRehearsalImages.acme)}, {error: 'expected images with dns and acme'})
		.default({...defaultRehearsalImages}),
}, {error: 'expected a rehearsal section'});

