#!/bin/bash
# Bring the hoist sandbox up: EC2 emulator (moto), the "instance" (netns 10.77.0.2 with sshd, doas, podman),
# a TLS registry, DNS (knot authoritative, unbound caching resolvers), Pebble ACME. Prints the environment hoist needs ($DIR/env.sh, $DIR/env.json).
# usage: up.sh [--restart]   (without --restart a healthy sandbox is left running as it is)
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SANDBOX_T0=$(date +%s%N)
require_root

summary() {
	# shellcheck source=/dev/null
	. "$DIR/env.sh"
	cat >&2 <<EOF
hoist sandbox is up ($DIR)
  EC2/STS/IAM  $AWS_ENDPOINT_URL_EC2   Elastic IP $HOIST_SANDBOX_EIP_ALLOCATION_ID = $HOIST_SANDBOX_EIP_ADDRESS
  instance     ssh $HOIST_SANDBOX_SSH_USER@$HOIST_SANDBOX_HOST (key of the EC2 key pair it was launched with)
  registry     $HOIST_SANDBOX_REGISTRY  user $HOIST_SANDBOX_REGISTRY_USER
  DNS          zone $HOIST_SANDBOX_DNS_ZONE  authoritative $HOIST_SANDBOX_DNS_AUTHORITATIVE  resolvers $HOIST_SANDBOX_DNS_RESOLVERS  bootstrap $HOIST_SANDBOX_DNS_BOOTSTRAP
  ACME         $HOIST_SANDBOX_ACME_DIRECTORY   domain $HOIST_SANDBOX_DOMAIN
  environment  . $DIR/env.sh   (or $DIR/env.json)
EOF
}

if [[ ${1:-} != --restart ]] && "$SANDBOX_SRC/status.sh" --quiet; then
	log "already up and healthy"
	summary
	exit 0
fi
if [[ -s $MANIFEST ]] || grep -q " $DIR/" /proc/self/mountinfo; then
	log "tearing down the previous sandbox first"
	"$SANDBOX_SRC/down.sh"
fi

"$SANDBOX_SRC/install-packages.sh"
find_moto_server() {
	local c
	[[ -n ${HOIST_SANDBOX_MOTO_SERVER:-} ]] && { echo "$HOIST_SANDBOX_MOTO_SERVER"; return; }
	for c in /root/.pyenv/versions/3.11.7/bin/moto_server /root/.pyenv/versions/*/bin/moto_server; do
		[[ -x $c ]] && { echo "$c"; return; }
	done
	command -v moto_server || die "moto_server not found (set HOIST_SANDBOX_MOTO_SERVER)"
}
MOTO_SERVER=$(find_moto_server)
if ip -4 -o addr show | grep -q ' 10\.77\.0\.'; then die "10.77.0.0/24 is already in use on this host"; fi

# Lets the lifecycle test produce a half-failed up: HOIST_SANDBOX_FAIL_AFTER=network|daemons.
checkpoint() { [[ ${HOIST_SANDBOX_FAIL_AFTER:-} != "$1" ]] || die "failing after '$1' as HOIST_SANDBOX_FAIL_AFTER asks"; }
trap 'log "up failed (line $LINENO). Logs: $RUN/*.log. Clean up with: $SANDBOX_SRC/down.sh"' ERR
install -d -m 755 "$DIR" "$CACHE" "$KEEP" "$DIR/ca" "$DIR/backup"
for d in run instance build dns ssh pebble registry bin; do rm -rf "${DIR:?}/$d"; done
install -d -m 755 "$RUN" "$DIR/bin" "$DIR/ssh" "$DIR/pebble" "$DIR/registry" "$CACHE/registry" \
	"$DIR/instance/podman/tmp" "$DIR/instance/podman/networks" "$DIR/build/tmp" "$DIR/build/networks"
install -d -m 700 "$DIR/instance/root"
: >"$MANIFEST"

# --- secrets and certificates (kept across down: stable for tests that captured them) --------------------------
CA=$DIR/ca
if [[ ! -s $CA/ca.crt ]] || ! openssl x509 -checkend 172800 -noout -in "$CA/ca.crt" >/dev/null; then
	rm -f "$CA"/*
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$CA/ca.key" -out "$CA/ca.crt" \
		-days 90 -subj "/CN=hoist sandbox CA" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
issue_cert() { # NAME SAN
	[[ -s $CA/$1.crt ]] && return
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$CA/$1.key" -out "$CA/$1.csr" \
		-subj "/CN=$1.$ZONE" 2>/dev/null
	openssl x509 -req -in "$CA/$1.csr" -CA "$CA/ca.crt" -CAkey "$CA/ca.key" -CAcreateserial -days 60 -out "$CA/$1.crt" \
		-extfile <(printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' "$2") 2>/dev/null
	rm -f "$CA/$1.csr"
}
issue_cert registry "IP:$HOST_IP,DNS:registry.$ZONE"
issue_cert pebble "IP:$HOST_IP,IP:127.0.0.1,DNS:acme.$ZONE,DNS:localhost"
[[ -s $KEEP/registry-password ]] || openssl rand -hex 16 >"$KEEP/registry-password"
REGISTRY_PASSWORD=$(cat "$KEEP/registry-password")
log "certificates ready"

# --- network: netns "hoist-instance" with eth0 10.77.0.2/25 <-> hoist-veth 10.77.0.1/25 -----------------------
# /25 leaves 10.77.0.128/25 for podman's own networks inside the instance. No default route: nothing leaves.
# Paths that the tools below create on first use (mount's utab, sshd, podman, runc): removed by down if new.
for p in /run/mount /run/sshd /run/containers /run/containers/0 /run/containers/networks /run/runc /run/libpod \
	/var/lib/containers /run/podman /etc/containers/certs.d; do
	claim_path "$p"
done
[[ -d /run/netns ]] || manifest_add rmdir /run/netns
ip netns add "$NETNS"
manifest_add netns "$NETNS"
ip link add "$VETH_HOST" type veth peer name hoist-veth-i
manifest_add link "$VETH_HOST"
ip link set hoist-veth-i netns "$NETNS"
ip -n "$NETNS" link set hoist-veth-i name "$VETH_INST"
ip addr add "$HOST_IP/25" dev "$VETH_HOST"
ip link set "$VETH_HOST" up
ip -n "$NETNS" addr add "$INSTANCE_IP/25" dev "$VETH_INST"
ip -n "$NETNS" link set "$VETH_INST" up
ip -n "$NETNS" link set lo up
# A handle on this (host) netns, so the instance's AuthorizedKeysCommand can reach moto on 127.0.0.1.
touch "$RUN/hostnet"
mount --bind "/proc/$$/ns/net" "$RUN/hostnet"
manifest_add umount "$RUN/hostnet"
log "network namespace $NETNS ready"
checkpoint network

# --- the instance's system: user alpine, doas, registry trust, runtime dirs ------------------------------------
install -d -m 755 /run/sshd
if ! id "$SSH_USER" >/dev/null 2>&1; then
	useradd -m -s /bin/sh -c "hoist sandbox cloud user" "$SSH_USER"
	manifest_add user "$SSH_USER"
	usermod -p '*' "$SSH_USER" # '*' = no password but not locked: sshd (UsePAM no) rejects locked accounts
fi
if [[ -e /etc/doas.conf ]]; then
	cp -p /etc/doas.conf "$DIR/backup/doas.conf"
	manifest_add restore /etc/doas.conf "$DIR/backup/doas.conf"
	cp /etc/doas.conf "$RUN/doas.conf"
else
	manifest_add remove /etc/doas.conf
	: >"$RUN/doas.conf"
fi
render "$CONF_SRC/doas.conf" "$RUN/doas.rule"
cat "$RUN/doas.rule" >>"$RUN/doas.conf"
install -m 400 "$RUN/doas.conf" /etc/doas.conf
for trusted in "$REGISTRY" "$DOCKERHUB_MIRROR"; do
	CERTS_D=/etc/containers/certs.d/$trusted
	claim_path "$CERTS_D"
	if [[ -e $CERTS_D/ca.crt ]]; then
		cp -p "$CERTS_D/ca.crt" "$DIR/backup/registry-ca-$trusted.crt"
		manifest_add restore "$CERTS_D/ca.crt" "$DIR/backup/registry-ca-$trusted.crt"
	fi
	install -d -m 755 "$CERTS_D"
	install -m 644 "$CA/ca.crt" "$CERTS_D/ca.crt"
done
# The "instance" is this machine: hoist's bootstrap must check and never install here (templates/bootstrap.sh reads
# this file), and what hoist deploys lives in /srv/hoist and /var/lib/hoist, wiped like an EC2 disk on terminate.
if [[ -e /etc/hoist/host.conf ]]; then
	cp -p /etc/hoist/host.conf "$DIR/backup/host.conf"
	manifest_add restore /etc/hoist/host.conf "$DIR/backup/host.conf"
fi
claim_path /etc/hoist
claim_path /etc/hoist/host.conf
install -d -m 755 /etc/hoist
printf '# hoist sandbox: this host is the developer'"'"'s machine standing in for an instance.\nservice_manager=none\n' >/etc/hoist/host.conf
for p in /srv/hoist /var/lib/hoist /usr/local/libexec/hoist; do claim_path "$p"; done
# Alpine's podman service listens on /run/podman/podman.sock; offer the same path when it is free.
if [[ ! -e /run/podman/podman.sock ]]; then
	install -d -m 755 /run/podman
	ln -s "$DIR/instance/podman.sock" /run/podman/podman.sock
	manifest_add remove /run/podman/podman.sock
fi

# --- configuration files --------------------------------------------------------------------------------------
NOFILE=$(ulimit -Hn)
[[ $NOFILE == unlimited ]] || (( NOFILE > 20000 )) && NOFILE=20000
NPROC=$(ulimit -Hu)
[[ $NPROC == unlimited ]] || (( NPROC > 32768 )) && NPROC=32768
for side in instance build; do
	pd=$DIR/$side/podman
	[[ $side == build ]] && pd=$DIR/build
	render "$CONF_SRC/containers.conf" "$DIR/$side/containers.conf" PODMAN_DIR="$pd" NOFILE="$NOFILE" NPROC="$NPROC"
	render "$CONF_SRC/registries.conf" "$DIR/$side/registries.conf"
done
render "$CONF_SRC/storage.conf" "$DIR/instance/storage.conf" PODMAN_DIR="$DIR/instance/podman" DRIVER=overlay
# vfs for the build store: no overlay mounts on the host side, and the images are small.
render "$CONF_SRC/storage.conf" "$DIR/build/storage.conf" PODMAN_DIR="$DIR/build" DRIVER=vfs

ssh-keygen -q -t ed25519 -N '' -C "hoist-sandbox-host" -f "$DIR/ssh/host_ed25519_key"
render "$CONF_SRC/sshd_config" "$DIR/ssh/sshd_config"
render "$CONF_SRC/authorized-keys" "$DIR/bin/authorized-keys" SANDBOX_SRC="$SANDBOX_SRC"
render "$CONF_SRC/current-instance" "$DIR/bin/current-instance"
chmod 755 "$DIR/bin/authorized-keys" "$DIR/bin/current-instance"
/usr/sbin/sshd -t -f "$DIR/ssh/sshd_config"

for entry in "${AUTH_SERVERS[@]}"; do
	name=${entry%%:*} addrs=${entry#*:}
	install -d -m 755 "$DIR/dns/$name/db" "$DIR/dns/$name/run"
	render "$CONF_SRC/knot.conf" "$DIR/dns/$name/knot.conf" NAME="$name" LISTEN="${addrs//,/@53, }@53" SERVFAIL_ZONE="$SERVFAIL_ZONE"
	render "$CONF_SRC/zone" "$DIR/dns/$name/$ZONE.zone"
done
install -m 755 "$SANDBOX_SRC/dnstap-log.py" "$DIR/bin/dnstap-log.py"
for entry in "${RESOLVERS[@]}"; do
	name=${entry%%:*}
	install -d -m 755 "$DIR/dns/$name"
	render "$CONF_SRC/unbound.conf" "$(unbound_conf "$name")" NAME="$name" ADDR="${entry#*:}" QUERY_LOG="$(dns_query_log "$name")" \
		NS1="$(dns_address ns1)" NS2="$(dns_address ns2)"
	unbound-checkconf "$(unbound_conf "$name")" >/dev/null
done

htpasswd -Bbn "$REGISTRY_USER" "$REGISTRY_PASSWORD" >"$DIR/registry/htpasswd"
render "$CONF_SRC/registry.yml" "$DIR/registry/config.yml"
# The docker.io mirror's storage root: the main registry's blobs and its dockerhub/ subtree, nothing else.
REGISTRY_V2=$CACHE/registry/docker/registry/v2
install -d -m 755 "$REGISTRY_V2/blobs" "$REGISTRY_V2/repositories/$DOCKERHUB_PREFIX" "$DIR/registry/mirror-root/docker/registry/v2"
ln -s "$REGISTRY_V2/blobs" "$DIR/registry/mirror-root/docker/registry/v2/blobs"
ln -s "$REGISTRY_V2/repositories/$DOCKERHUB_PREFIX" "$DIR/registry/mirror-root/docker/registry/v2/repositories"
render "$CONF_SRC/registry-mirror.yml" "$DIR/registry/mirror.yml"
render "$CONF_SRC/pebble.json" "$DIR/pebble/pebble.json"

# Reuse the previous moto port when it is free, so URLs captured by a running test stay valid after a restart.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
MOTO_PORT=$(cat "$KEEP/moto-port" 2>/dev/null || true)
if [[ -z $MOTO_PORT ]] || ! port_free "$MOTO_PORT"; then
	MOTO_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
echo "$MOTO_PORT" >"$KEEP/moto-port"
echo "http://127.0.0.1:$MOTO_PORT" >"$RUN/moto-url"
log "configuration written"

# --- daemons (all started first, then waited for) --------------------------------------------------------------
# knotd logs queries through the collector's socket: the collector comes first (a knotd that finds no socket drops
# its query log until it reconnects).
for entry in "${AUTH_SERVERS[@]}"; do
	start_daemon "dnstap-${entry%%:*}" python3 "$DIR/bin/dnstap-log.py" "$RUN/dnstap-${entry%%:*}.sock" "$(dns_query_log "${entry%%:*}")"
done
for entry in "${AUTH_SERVERS[@]}"; do wait_for "dnstap-${entry%%:*}" 10 test -S "$RUN/dnstap-${entry%%:*}.sock"; done
for entry in "${AUTH_SERVERS[@]}"; do
	start_daemon "dns-${entry%%:*}" knotd -c "$(dns_conf "${entry%%:*}")"
done
for entry in "${RESOLVERS[@]}"; do
	start_daemon "dns-${entry%%:*}" unbound -d -c "$(unbound_conf "${entry%%:*}")"
done
start_daemon moto env MOTO_AMIS_PATH="$FIXTURES/alpine-amis.json" MOTO_ENABLE_AMI_VALIDATION=true \
	MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION=true MOTO_ENABLE_KEYPAIR_VALIDATION=true \
	"$MOTO_SERVER" -H 127.0.0.1 -p "$MOTO_PORT"
start_daemon registry docker-registry serve "$DIR/registry/config.yml"
start_daemon registry-mirror docker-registry serve "$DIR/registry/mirror.yml"
# No nonce rejection and no validation sleep: ACME clients retry badNonce, but tests should not wait for it.
start_daemon pebble env PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 \
	pebble -config "$DIR/pebble/pebble.json" -dnsserver "$HOST_IP:53"
# Terminating an instance wipes what ran on it, as on EC2 (instance-reset.sh, also run at the first login to a new one).
start_daemon instance-watch "$SANDBOX_SRC/instance-watch.sh"
start_daemon sshd nsenter --net="$NETNS_PATH" /usr/sbin/sshd -D -e -f "$DIR/ssh/sshd_config"
start_podman_service
checkpoint daemons

dns_ready() { dig +norec +time=1 +tries=1 "@$1" "$ZONE" SOA | grep -q 'flags: qr aa'; }
for entry in "${AUTH_SERVERS[@]}"; do
	addrs=${entry#*:}
	for addr in ${addrs//,/ }; do wait_for "dns-${entry%%:*}" 10 dns_ready "$addr"; done
done
# A resolver is ready when it resolves the zone through its stub (ns1/ns2), then its cache is emptied again.
resolver_ready() { dig +time=1 +tries=1 "@$1" "$ZONE" SOA | grep -q 'status: NOERROR'; }
for entry in "${RESOLVERS[@]}"; do wait_for "dns-${entry%%:*}" 10 resolver_ready "${entry#*:}"; done
for entry in "${RESOLVERS[@]}"; do unbound-control -c "$(unbound_conf "${entry%%:*}")" flush_zone . >/dev/null; done
log "DNS up (ns1, ns2: knotd; r1, r2, r3, bootstrap: unbound)"
wait_for registry 15 bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' --cacert '$CA/ca.crt' https://$REGISTRY/v2/) == 401 ]]"
wait_for registry-mirror 15 bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' --cacert '$CA/ca.crt' https://$DOCKERHUB_MIRROR/v2/) == 200 ]]"
log "registry up (docker.io mirror on $DOCKERHUB_MIRROR, anonymous, read-only)"
wait_for pebble 15 curl -sf --cacert "$CA/ca.crt" "https://$HOST_IP:$ACME_PORT/dir"
# Pebble makes a new issuing root on every start: fetch it now.
curl -sf --cacert "$CA/ca.crt" "https://$HOST_IP:$ACME_MGMT_PORT/roots/0" -o "$DIR/pebble/issuing-root.pem"
log "pebble up"
keyscan() { ssh-keyscan -T 1 -t ed25519 "$INSTANCE_IP" 2>/dev/null | grep -q ssh-ed25519; }
wait_for sshd 15 keyscan
printf '%s %s\n' "$INSTANCE_IP" "$(cut -d' ' -f1,2 "$DIR/ssh/host_ed25519_key.pub")" >"$DIR/ssh/known_hosts"
log "sshd up"
wait_for podman-service 30 curl -sf --unix-socket "$DIR/instance/podman.sock" http://d/_ping
log "podman API service up"
wait_for moto 30 curl -sf -o /dev/null "http://127.0.0.1:$MOTO_PORT/moto-api/data.json"
moto_reset # also the warm-up call: the first EC2 request loads moto's EC2 backend
log "moto up, Elastic IP $(cat "$RUN/eip-allocation-id") = $INSTANCE_IP"

# --- images: built FROM scratch on the host side, pushed to the registry; cached while inputs are unchanged -----
registry_has() {
	curl -sf -o /dev/null --cacert "$CA/ca.crt" -u "$REGISTRY_USER:$REGISTRY_PASSWORD" -I \
		-H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
		"https://$REGISTRY/v2/$1/manifests/$2"
}
IMAGES=(hoist/web:v1 hoist/web:v2 hoist/web:v3 hoist/migrate:v1 hoist/caddy:2)
# What the docker.io mirror serves, as REPOSITORY:TAG (pushed under $DOCKERHUB_PREFIX/) = the image it is a copy of:
# an official image (library/…) and an owner's images, web in two versions (short names and their rollback).
DOCKERHUB_IMAGES=(library/busybox:stable=localhost/hoist-sandbox/busybox:latest hoistdemo/migrate:v1="$REGISTRY/hoist/migrate:v1"
	hoistdemo/web:v1="$REGISTRY/hoist/web:v1" hoistdemo/web:v2="$REGISTRY/hoist/web:v2")
stamp=$(image_stamp)
cached=1
[[ $(cat "$CACHE/images.stamp" 2>/dev/null) == "$stamp" ]] || cached=
wanted=("${IMAGES[@]}")
for pair in "${DOCKERHUB_IMAGES[@]}"; do wanted+=("$DOCKERHUB_PREFIX/${pair%%=*}"); done
for img in "${wanted[@]}"; do [[ -n $cached ]] && ! registry_has "${img%:*}" "${img#*:}" && cached=; done
if [[ -n $cached ]]; then
	log "images unchanged, already in the registry"
else
	base=localhost/hoist-sandbox/busybox:latest
	rootfs=$DIR/build/busybox-rootfs
	install -d -m 755 "$rootfs/bin" "$rootfs/sbin" "$rootfs/usr/bin" "$rootfs/usr/sbin" "$rootfs/etc" "$rootfs/root"
	install -d -m 1777 "$rootfs/tmp"
	cp /bin/busybox "$rootfs/bin/busybox"
	while read -r applet; do
		[[ $applet == bin/busybox || -e $rootfs/$applet ]] || ln -s /bin/busybox "$rootfs/$applet"
	done < <(/bin/busybox --list-full)
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\n' >"$rootfs/etc/group"
	tar -C "$rootfs" -cf "$DIR/build/busybox-rootfs.tar" .
	"${BUILD_PODMAN[@]}" import -q --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["/bin/sh"]' \
		"$DIR/build/busybox-rootfs.tar" "$base" >/dev/null

	ctx=$DIR/build/caddy/ctx
	install -d -m 755 "$ctx/usr/bin" "$ctx/etc/caddy" "$ctx/data" "$ctx/config" "$ctx/srv" "$ctx/root"
	install -d -m 1777 "$ctx/tmp"
	cp -L "$SANDBOX_CADDY" "$ctx/usr/bin/caddy"
	for lib in $(ldd "$SANDBOX_CADDY" | grep -o '/[^ ]*'); do cp -L --parents "$lib" "$ctx/"; done
	printf 'root:x:0:0:root:/root:/sbin/nologin\n' >"$ctx/etc/passwd"
	printf 'root:x:0:\n' >"$ctx/etc/group"
	printf ':80 {\n\trespond "caddy default page"\n}\n' >"$ctx/etc/caddy/Caddyfile"
	cp "$CONF_SRC/caddy.Containerfile" "$DIR/build/caddy/Containerfile"

	# --no-cache: the layer cache ignores build-arg values, so web:v2 would silently be web:v1.
	b() { "${BUILD_PODMAN[@]}" build -q --no-cache --network none --pull=never --build-arg BASE="$base" "$@" >/dev/null; }
	b --build-arg VERSION=v1 -t "$REGISTRY/hoist/web:v1" "$FIXTURES/app/web"
	b --build-arg VERSION=v2 -t "$REGISTRY/hoist/web:v2" "$FIXTURES/app/web"
	b --build-arg VERSION=v3 -t "$REGISTRY/hoist/web:v3" "$FIXTURES/app/web"
	b -t "$REGISTRY/hoist/migrate:v1" "$FIXTURES/app/jobs"
	# Labelled with its version as the official image is (hoist reads it to know the image can serve its Caddyfile).
	b --label "org.opencontainers.image.version=v$("$SANDBOX_CADDY" version | cut -d' ' -f1)" -t "$REGISTRY/hoist/caddy:2" "$DIR/build/caddy"
	"${BUILD_PODMAN[@]}" login -u "$REGISTRY_USER" --password-stdin "$REGISTRY" <<<"$REGISTRY_PASSWORD" >/dev/null
	for img in "${IMAGES[@]}"; do "${BUILD_PODMAN[@]}" push -q "$REGISTRY/$img"; done
	for pair in "${DOCKERHUB_IMAGES[@]}"; do
		"${BUILD_PODMAN[@]}" tag "${pair#*=}" "$REGISTRY/$DOCKERHUB_PREFIX/${pair%%=*}"
		"${BUILD_PODMAN[@]}" push -q "$REGISTRY/$DOCKERHUB_PREFIX/${pair%%=*}"
	done
	echo "$stamp" >"$CACHE/images.stamp"
	log "images built and pushed: ${IMAGES[*]} (docker.io: ${DOCKERHUB_IMAGES[*]%%=*})"
fi

write_env
"$SANDBOX_SRC/extras/checkip.sh"
"$SANDBOX_SRC/extras/rehearsal-images.sh"
"$SANDBOX_SRC/extras/pebble-short.sh"
"$SANDBOX_SRC/status.sh" || die "sandbox started but is not healthy"
log "up in $(elapsed)s"
summary
