# shellcheck shell=bash disable=SC2034  # (variables are used by the scripts that source this file)
# Shared settings and helpers for the sandbox scripts (sourced, never run).
# Every path is absolute; every change made outside $DIR is written to the manifest so down.sh can undo it.

SANDBOX_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SANDBOX_SRC/../.." && pwd)
CONF_SRC=$SANDBOX_SRC/conf
FIXTURES=$REPO_ROOT/test/fixtures

# Not under /tmp: sshd's AuthorizedKeysCommand needs root-owned, non-world-writable path components.
DIR=${HOIST_SANDBOX_DIR:-/var/lib/hoist-sandbox}
# The Caddy the stand-in caddy image is built from (current-caddy.sh puts it there; not Debian 12's 2.6).
SANDBOX_CADDY=${HOIST_SANDBOX_CADDY_DIR:-/opt/hoist-sandbox/caddy}/usr/bin/caddy
RUN=$DIR/run            # pid files, logs, rendered state; recreated by every up
CACHE=$DIR/cache        # kept across down: registry blobs (so a warm up skips the image build)
KEEP=$DIR/keep          # kept across down: registry password, preferred moto port (and $DIR/ca: the sandbox CA)
MANIFEST=$DIR/manifest  # what up changed; down undoes it line by line, newest first
EXTRA_KEYS=$DIR/ssh/extra_authorized_keys  # keys authorize-key.sh authorised directly (a user's own server)

NETNS=hoist-instance
NETNS_PATH=/run/netns/$NETNS
VETH_HOST=hoist-veth    # host end, 10.77.0.1/25
VETH_INST=eth0          # instance end (renamed inside the netns), 10.77.0.2/25
HOST_IP=10.77.0.1
INSTANCE_IP=10.77.0.2
SSH_USER=alpine
ZONE=example.test
DOMAIN=app.example.test
REGISTRY=$HOST_IP:5000
REGISTRY_USER=deployer
# docker.io as the instance sees it: an anonymous, read-only registry serving $REGISTRY/$DOCKERHUB_PREFIX/… .
DOCKERHUB_MIRROR=$HOST_IP:5001
DOCKERHUB_PREFIX=dockerhub
ACME_PORT=14000
ACME_MGMT_PORT=15000
# name:listen-addresses (comma separated).
# ns1/ns2: knotd, authoritative for $ZONE (and for $SERVFAIL_ZONE, which never loads: every name in it is SERVFAIL).
AUTH_SERVERS=("ns1:10.77.0.1,127.0.0.2" ns2:127.0.0.3)
# unbound caching resolvers that know only $ZONE (stub zone -> ns1/ns2) and refuse everything else: r1..r3 stand in
# for public resolvers, bootstrap is the resolver hoist discovers the zone with.
RESOLVERS=(r1:127.0.0.4 r2:127.0.0.5 r3:127.0.0.6 bootstrap:127.0.0.7)
DNS_SERVERS=("${AUTH_SERVERS[@]}" "${RESOLVERS[@]}")
SERVFAIL_ZONE=servfail.$ZONE
# moto accepts any credentials while auth is off; these are the AWS documentation examples.
FAKE_KEY_ID=AKIAIOSFODNN7EXAMPLE
FAKE_SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
# Seeding moto's random source right after a reset makes the Elastic IP allocation id the same on every reset.
MOTO_SEED=77

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

log() { printf '[sandbox %5.1fs] %s\n' "$(elapsed)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
elapsed() { local now; now=$(date +%s%N); echo "$(( (now - ${SANDBOX_T0:-$now}) / 1000000 ))" | awk '{printf "%.1f", $1/1000}'; }
require_root() { [[ $(id -u) == 0 ]] || die "must run as root (it creates a network namespace, a user and daemons)"; }

# --- manifest -------------------------------------------------------------------------------------------
manifest_add() { printf '%s\n' "$*" >>"$MANIFEST"; }

# Start time of a live pid in clock ticks since boot: with the pid it identifies the process even after pid reuse.
# Zombies count as gone (PID 1 on this VM reaps orphans only every couple of seconds).
proc_start() {
	local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	awk '$1 != "Z" {print $20; ok = 1} END {exit !ok}' <<<"${stat##*) }"
}

# Record a path that does not exist yet so down removes it; no-op when it already exists.
claim_path() { [[ -e $1 || -L $1 ]] || manifest_add remove "$1"; }

# start_daemon NAME COMMAND... : runs detached (own session, no stdin), log in $RUN/NAME.log, pid recorded.
# Descriptors above 2 are closed first: a daemon must not keep its starter's pipes or locks (a `flock` around up.sh
# would otherwise be held for as long as the sandbox runs).
start_daemon() {
	local name=$1; shift
	(
		for fd in /proc/"$BASHPID"/fd/*; do
			fd=${fd##*/}
			((fd > 2)) && eval "exec $fd>&-"
		done
		exec setsid "$@"
	) >"$RUN/$name.log" 2>&1 </dev/null &
	local pid=$!
	echo "$pid" >"$RUN/$name.pid"
	manifest_add pid "$name" "$pid" "$(proc_start "$pid" || echo 0)"
}

daemon_alive() { local pid; pid=$(cat "$RUN/$1.pid" 2>/dev/null) && proc_start "$pid" >/dev/null; }

# wait_for NAME SECONDS COMMAND... : poll until COMMAND succeeds; fail early if daemon NAME died.
wait_for() {
	local name=$1 secs=$2; shift 2
	local deadline=$(( $(date +%s) + secs ))
	until "$@" >/dev/null 2>&1; do
		if [[ -e $RUN/$name.pid ]] && ! daemon_alive "$name"; then
			tail -n 20 "$RUN/$name.log" >&2 || true
			die "$name exited during start (log: $RUN/$name.log)"
		fi
		(( $(date +%s) < deadline )) || { tail -n 20 "$RUN/$name.log" >&2 || true; die "$name not ready after ${secs}s (log: $RUN/$name.log)"; }
		sleep 0.1
	done
}

# Commands run in the instance's netns with nsenter, not `ip netns exec`: the latter remounts /sys in a new mount
# namespace, which hides /sys/fs/cgroup from podman/runc (and from SSH sessions of an sshd started that way).
# Podman as the instance's root uses it: config files under $DIR, always inside the netns.
INSTANCE_PODMAN=(nsenter --net="$NETNS_PATH" env CONTAINERS_CONF="$DIR/instance/containers.conf"
	CONTAINERS_STORAGE_CONF="$DIR/instance/storage.conf" CONTAINERS_REGISTRIES_CONF="$DIR/instance/registries.conf"
	HOME="$DIR/instance/root" podman)
# The instance's Podman API service (Alpine's podman.initd runs `podman system service --time 0` as root).
start_podman_service() { start_daemon podman-service "${INSTANCE_PODMAN[@]}" system service --time=0 "unix://$DIR/instance/podman.sock"; }
# Podman on the "developer machine" side: a separate vfs store (no mounts), used only to build, push and pull.
BUILD_PODMAN=(env CONTAINERS_CONF="$DIR/build/containers.conf" CONTAINERS_STORAGE_CONF="$DIR/build/storage.conf"
	CONTAINERS_REGISTRIES_CONF="$DIR/build/registries.conf" REGISTRY_AUTH_FILE="$DIR/build/auth.json" podman)

# Pids of sandbox processes nobody recorded: anything in the instance netns (SSH sessions, conmon, containers with
# host networking), anything whose root is under $DIR (containers), and podman's helpers working on $DIR.
stray_pids() {
	python3 - "$DIR" "$NETNS_PATH" <<'PY'
import os, sys
top, netns = sys.argv[1], sys.argv[2]
helpers = {"conmon", "podman", "catatonit", "aardvark-dns", "netavark", "runc", "sshd", "knotd", "unbound"}
try:
    ns = os.stat(netns).st_ino
except OSError:
    ns = None
me = {os.getpid(), os.getppid()}
for pid in filter(str.isdigit, os.listdir("/proc")):
    if int(pid) in me:
        continue
    try:
        if ns is not None and os.stat(f"/proc/{pid}/ns/net").st_ino == ns:
            print(pid); continue
        if os.readlink(f"/proc/{pid}/root").startswith(top + "/"):
            print(pid); continue
        exe = os.path.basename(os.readlink(f"/proc/{pid}/exe"))
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().decode(errors="replace")
        if (exe in helpers or exe.startswith("python3")) and top + "/" in cmd:
            print(pid)
    except OSError:
        pass
PY
}

# render TEMPLATE DEST [NAME=VALUE...] : substitute @NAME@ placeholders (sshd, knot, registry, pebble and
# containers.conf expand no variables, so configs are written with real paths).
render() {
	local src=$1 dest=$2 kv; shift 2
	local -a expr=()
	for kv in DIR="$DIR" HOST_IP="$HOST_IP" INSTANCE_IP="$INSTANCE_IP" ZONE="$ZONE" ACME_PORT="$ACME_PORT" \
		ACME_MGMT_PORT="$ACME_MGMT_PORT" "$@"; do
		expr+=(-e "s|@${kv%%=*}@|${kv#*=}|g")
	done
	sed "${expr[@]}" "$src" >"$dest"
	! grep -n '@[A-Z_]*@' "$dest" >&2 || die "unrendered placeholder in $dest"
}

# What the fixture images are built from: when it changes, up.sh builds them again and status.sh says the sandbox is stale.
# Contents and paths inside the fixture only: another checkout of the same commit (a worktree, a CI clone) finds the
# running sandbox current instead of restarting it under the others.
image_stamp() {
	{ sha256sum /bin/busybox "$SANDBOX_CADDY" "$CONF_SRC/caddy.Containerfile" "$SANDBOX_SRC/up.sh" | cut -d' ' -f1
		(cd "$FIXTURES/app" && find . -type f -print0 | sort -z | xargs -0 sha256sum); } | sha256sum | cut -c1-64
}

dns_conf() { echo "$DIR/dns/$1/knot.conf"; }
unbound_conf() { echo "$DIR/dns/$1/unbound.conf"; }
# One query log per DNS server: knotd's via its dnstap collector (dnstap-log.py), unbound's own log-queries file.
dns_query_log() { echo "$RUN/dns-$1.queries.log"; }
is_resolver() { local e; for e in "${RESOLVERS[@]}"; do [[ ${e%%:*} == "$1" ]] && return 0; done; return 1; }
dns_address() { local e; for e in "${DNS_SERVERS[@]}"; do [[ ${e%%:*} == "$1" ]] && { e=${e#*:}; echo "${e##*,}"; }; done; }

# moto_ec2 PARAM=VALUE... : one EC2 Query API call against moto with fake SigV4 credentials (region us-east-1).
moto_ec2() {
	local url; url=$(cat "$RUN/moto-url")
	local args=() kv
	for kv in Version=2016-11-15 "$@"; do args+=(--data-urlencode "$kv"); done
	curl -sS -m 20 -X POST "$url/" "${args[@]}" \
		-H "Authorization: AWS4-HMAC-SHA256 Credential=$FAKE_KEY_ID/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0"
}

moto_api() { curl -sS -m 10 -X POST -H 'Content-Type: text/plain' "$(cat "$RUN/moto-url")/moto-api/$1" ${2:+--data "$2"}; }

# Reset moto to a fresh account, and pre-allocate the Elastic IP whose address is the sandbox host.
moto_reset() {
	moto_api reset >/dev/null
	moto_api reset-auth inf >/dev/null
	moto_api "seed?a=$MOTO_SEED" >/dev/null
	local out id
	out=$(moto_ec2 Action=AllocateAddress Domain=vpc Address="$INSTANCE_IP")
	id=$(sed -n 's|.*<allocationId>\([^<]*\)</allocationId>.*|\1|p' <<<"$out")
	[[ $id == eipalloc-* ]] || die "AllocateAddress failed: $out"
	echo "$id" >"$RUN/eip-allocation-id"
}

# env.sh / env.json: everything hoist and the tests need. Values come from $RUN files written by up.
write_env() {
	local moto; moto=$(cat "$RUN/moto-url")
	local -a kv=(
		HOIST_SANDBOX_DIR="$DIR"
		AWS_ENDPOINT_URL_EC2="$moto" AWS_ENDPOINT_URL_STS="$moto" AWS_ENDPOINT_URL_IAM="$moto" AWS_ENDPOINT_URL_S3="$moto"
		AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID="$FAKE_KEY_ID" AWS_SECRET_ACCESS_KEY="$FAKE_SECRET"
		AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
		HOIST_SANDBOX_MOTO_URL="$moto"
		HOIST_SANDBOX_EIP_ALLOCATION_ID="$(cat "$RUN/eip-allocation-id")"
		HOIST_SANDBOX_EIP_ADDRESS="$INSTANCE_IP"
		HOIST_SANDBOX_HOST="$INSTANCE_IP"
		HOIST_SANDBOX_SSH_USER="$SSH_USER"
		HOIST_SANDBOX_HOST_KEY="$DIR/ssh/host_ed25519_key.pub"
		HOIST_SANDBOX_KNOWN_HOSTS="$DIR/ssh/known_hosts"
		HOIST_SANDBOX_NETNS="$NETNS"
		HOIST_SANDBOX_PODMAN_SOCKET="$DIR/instance/podman.sock"
		HOIST_SANDBOX_REGISTRY="$REGISTRY"
		HOIST_SANDBOX_REGISTRY_USER="$REGISTRY_USER"
		HOIST_SANDBOX_REGISTRY_PASSWORD="$(cat "$KEEP/registry-password")"
		HOIST_SANDBOX_REGISTRY_CA="$DIR/ca/ca.crt"
		HOIST_SANDBOX_IMAGE_WEB_V1="$REGISTRY/hoist/web:v1"
		HOIST_SANDBOX_IMAGE_WEB_V2="$REGISTRY/hoist/web:v2"
		HOIST_SANDBOX_IMAGE_WEB_V3="$REGISTRY/hoist/web:v3"
		HOIST_SANDBOX_IMAGE_MIGRATE="$REGISTRY/hoist/migrate:v1"
		HOIST_SANDBOX_IMAGE_CADDY="$REGISTRY/hoist/caddy:2"
		HOIST_SANDBOX_DOCKERHUB_MIRROR="$DOCKERHUB_MIRROR"
		HOIST_SANDBOX_DOCKERHUB_PUSH_PREFIX="$REGISTRY/$DOCKERHUB_PREFIX"
		HOIST_SANDBOX_SHORT_NAMES_COMPOSE_FILE="$FIXTURES/app/short-names.compose.yml"
		HOIST_SANDBOX_COMPOSE_FILE="$FIXTURES/app/docker-compose.yml"
		HOIST_SANDBOX_DNS_ZONE="$ZONE"
		"HOIST_SANDBOX_DNS_AUTHORITATIVE=127.0.0.2,127.0.0.3"
		"HOIST_SANDBOX_DNS_RESOLVERS=127.0.0.4,127.0.0.5,127.0.0.6"
		HOIST_SANDBOX_DNS_BOOTSTRAP="$(dns_address bootstrap)"
		HOIST_SANDBOX_DNS_SERVFAIL_ZONE="$SERVFAIL_ZONE"
		HOIST_SANDBOX_ACME_DIRECTORY="https://$HOST_IP:$ACME_PORT/dir"
		HOIST_SANDBOX_ACME_CA="$DIR/ca/ca.crt"
		HOIST_SANDBOX_ACME_ROOT="$DIR/pebble/issuing-root.pem"
		HOIST_SANDBOX_DOMAIN="$DOMAIN"
	)
	# The settings of the services in extras/ (KEY=value lines each extra writes when it starts).
	[[ -s $RUN/extras.env ]] && mapfile -t -O "${#kv[@]}" kv <"$RUN/extras.env"
	local item
	local -a named=()
	: >"$DIR/env.sh.tmp"
	for item in "${kv[@]}"; do
		local value=${item#*=}
		printf "export %s='%s'\n" "${item%%=*}" "${value//\'/\'\\\'\'}" >>"$DIR/env.sh.tmp"
		named+=(--arg "${item%%=*}" "$value")
	done
	# One jq for the whole object: every moto reset (before each e2e test) writes it, and a jq per key took 0.4–2 s.
	jq -n '$ARGS.named' "${named[@]}" >"$DIR/env.json.tmp"
	mv "$DIR/env.sh.tmp" "$DIR/env.sh"
	mv "$DIR/env.json.tmp" "$DIR/env.json"
}
