#!/bin/bash
# The stand-ins of `hoist rehearse` for the sandbox, built from Debian's packages and pushed to the sandbox registry:
# a DNS server image (knotd + knotc, laid out like CZ.NIC's cznic/knot: binaries on PATH, /config /rundir /storage)
# and a Pebble image laid out like ghcr.io/letsencrypt/pebble (entrypoint /app, test/config and test/certs under /test,
# working directory /), so hoist runs both the same way as the published images. Exports
# HOIST_SANDBOX_IMAGE_REHEARSAL_DNS and HOIST_SANDBOX_IMAGE_REHEARSAL_ACME in the env file.
# Idempotent: builds only when the registry lacks the images or their inputs changed; runs nothing afterwards.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
SANDBOX_T0=$(date +%s%N)
require_root
[[ -s $DIR/env.sh ]] || die "the sandbox is not up (no $DIR/env.sh): run test/sandbox/up.sh first"

BUILD=$DIR/build/rehearsal
REGISTRY_PASSWORD=$(cat "$KEEP/registry-password")
stamp=$( { sha256sum /usr/sbin/knotd /usr/sbin/knotc /usr/bin/pebble "${BASH_SOURCE[0]}"; } | sha256sum | cut -c1-64)
# The tag follows the inputs: an instance that pulled an older build by the same tag would keep running it.
TAG=${stamp:0:12}
DNS_IMAGE=$REGISTRY/hoist/rehearsal-dns:$TAG
ACME_IMAGE=$REGISTRY/hoist/rehearsal-pebble:$TAG

registry_has() {
	curl -sf -o /dev/null --cacert "$DIR/ca/ca.crt" -u "$REGISTRY_USER:$REGISTRY_PASSWORD" -I \
		-H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
		"https://$REGISTRY/v2/$1/manifests/$2"
}

if registry_has hoist/rehearsal-dns "$TAG" && registry_has hoist/rehearsal-pebble "$TAG"; then
	log "rehearsal images unchanged, already in the registry"
else
	rm -rf "$BUILD"
	# A binary and the shared libraries it links, into a FROM-scratch build context.
	copy_binary() {
		local ctx=$1 bin=$2 dest=${3:-$2}
		install -D -m 755 "$bin" "$ctx$dest"
		for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do cp -L --parents "$lib" "$ctx/"; done
	}

	dns=$BUILD/dns/ctx
	install -d -m 755 "$dns/config" "$dns/rundir" "$dns/storage" "$dns/etc"
	install -d -m 1777 "$dns/tmp"
	copy_binary "$dns" /usr/sbin/knotd
	copy_binary "$dns" /usr/sbin/knotc
	printf 'root:x:0:0:root:/root:/sbin/nologin\nknot:x:53:53:knot:/storage:/sbin/nologin\n' >"$dns/etc/passwd"
	printf 'root:x:0:\nknot:x:53:\n' >"$dns/etc/group"
	cat >"$BUILD/dns/Containerfile" <<'CF'
FROM scratch
COPY ctx/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
VOLUME ["/config", "/rundir", "/storage"]
CMD ["knotd", "-c", "/config/knot.conf"]
CF

	acme=$BUILD/pebble/ctx
	install -d -m 755 "$acme/test/config" "$acme/test/certs/localhost" "$acme/etc"
	install -d -m 1777 "$acme/tmp"
	copy_binary "$acme" /usr/bin/pebble /app
	printf 'root:x:0:0:root:/root:/sbin/nologin\n' >"$acme/etc/passwd"
	# Like Pebble's published test certificates: a "minica" root and a listener certificate for localhost and pebble.
	certs=$acme/test/certs
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$BUILD/pebble/minica.key" \
		-out "$certs/pebble.minica.pem" -days 3650 -subj "/CN=minica root ca (hoist sandbox)" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$certs/localhost/key.pem" \
		-out "$BUILD/pebble/localhost.csr" -subj "/CN=localhost" 2>/dev/null
	openssl x509 -req -in "$BUILD/pebble/localhost.csr" -CA "$certs/pebble.minica.pem" -CAkey "$BUILD/pebble/minica.key" \
		-CAcreateserial -days 3650 -out "$certs/localhost/cert.pem" \
		-extfile <(printf 'subjectAltName=DNS:localhost,DNS:pebble,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n') 2>/dev/null
	chmod 644 "$certs/localhost/key.pem"
	cat >"$acme/test/config/pebble-config.json" <<'JSON'
{
  "pebble": {
    "listenAddress": "0.0.0.0:14000",
    "managementListenAddress": "0.0.0.0:15000",
    "certificate": "test/certs/localhost/cert.pem",
    "privateKey": "test/certs/localhost/key.pem",
    "httpPort": 5002,
    "tlsPort": 5001,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
JSON
	cat >"$BUILD/pebble/Containerfile" <<'CF'
FROM scratch
COPY ctx/ /
WORKDIR /
ENTRYPOINT ["/app"]
CMD ["-config", "test/config/pebble-config.json"]
CF

	b() { "${BUILD_PODMAN[@]}" build -q --no-cache --network none --pull=never "$@" >/dev/null; }
	b -t "$DNS_IMAGE" "$BUILD/dns"
	b -t "$ACME_IMAGE" "$BUILD/pebble"
	"${BUILD_PODMAN[@]}" login -u "$REGISTRY_USER" --password-stdin "$REGISTRY" <<<"$REGISTRY_PASSWORD" >/dev/null
	"${BUILD_PODMAN[@]}" push -q "$DNS_IMAGE"
	"${BUILD_PODMAN[@]}" push -q "$ACME_IMAGE"
	log "rehearsal images built and pushed: $DNS_IMAGE $ACME_IMAGE"
fi

# env.sh / env.json: replace this script's variables, keep everything else (up.sh and other extras write there too).
env_set() {
	local name=$1 value=$2
	grep -v "^export $name=" "$DIR/env.sh" >"$DIR/env.sh.tmp" || true
	printf "export %s='%s'\n" "$name" "$value" >>"$DIR/env.sh.tmp"
	mv "$DIR/env.sh.tmp" "$DIR/env.sh"
	jq --arg k "$name" --arg v "$value" '. + {($k): $v}' "$DIR/env.json" >"$DIR/env.json.tmp"
	mv "$DIR/env.json.tmp" "$DIR/env.json"
}
env_set HOIST_SANDBOX_IMAGE_REHEARSAL_DNS "$DNS_IMAGE"
env_set HOIST_SANDBOX_IMAGE_REHEARSAL_ACME "$ACME_IMAGE"
log "rehearsal images exported in $DIR/env.sh"
