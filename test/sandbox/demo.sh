#!/bin/bash
# The README's demo: the real `hoist up`, end to end, against the local sandbox (EC2 emulator, the instance at
# 10.77.0.2, registry, knot DNS with unbound resolvers, Pebble). Launch, ports, SSH, Podman, the routed fixture stack
# (web on the domain and under /api, admin on its own name), the DNS watcher (the demo adds both A records 8 s after the
# watcher starts, so it is seen waiting, then ready), a certificate per name, the finish screen and the time to HTTPS.
# usage: demo.sh [--keep]
#   --keep  leave the stack and the sandbox up, and print the commands to try on them
#   without it, the stack is destroyed (hoist destroy --yes) and the sandbox stopped (down.sh) afterwards, also when
#   the run fails or is interrupted. A sandbox that was already up before the demo is left running (the e2e tests and
#   anyone who ran up.sh by hand keep theirs); only its EC2 emulator is reset.
# Exit code: hoist up's. Needs Linux and root. Traffic stays on 127.0.0.0/8 and 10.77.0.0/24: every setting of hoist
# that reaches outside (AWS, ACME, DNS resolvers, the Caddy image) points at the sandbox.
# HOIST_DEMO_DIR: where the demo stack lives (default: $HOIST_SANDBOX_DIR/demo); hoist.yml and .hoist/ there are
# rewritten on every run.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '6,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2; }
keep=
case ${1:-} in
--keep) keep=1 ;;
'') ;;
*) usage ;;
esac
(( $# <= 1 )) || usage
if [[ $(id -u) != 0 ]]; then
	echo "The demo's sandbox needs root (a network namespace, a user, daemons): run it as root." >&2
	exit 2
fi

say() { printf '\n\033[1m[demo]\033[0m %s\n' "$*"; }
[[ -t 1 ]] || say() { printf '\n[demo] %s\n' "$*"; }
cli=$REPO_ROOT/dist/bundle/hoist.js # what package.json's bin runs: the one-file bundle
[[ -f $cli ]] || { echo "No build at $cli: run npm run build (npm run demo does)." >&2; exit 2; }

# --- the sandbox ---------------------------------------------------------------------------------------------------
"$SANDBOX_SRC/install-packages.sh"
started_sandbox=
if "$SANDBOX_SRC/status.sh" --quiet; then
	say "The sandbox is already up: using it (its EC2 emulator starts empty again; it stays up afterwards)."
	"$SANDBOX_SRC/moto-reset.sh" >/dev/null
	"$SANDBOX_SRC/instance-reset.sh" # the emulator forgot the old instance: its disk goes too
else
	say "Bringing the sandbox up (about 15 s once the fixture images are built)."
	started_sandbox=1
	"$SANDBOX_SRC/up.sh"
fi
# shellcheck disable=SC1091 # written by up.sh
. "$DIR/env.sh"

# --- the stack directory -------------------------------------------------------------------------------------------
demo=${HOIST_DEMO_DIR:-$DIR/demo}
stack=demo
admin=admin.$HOIST_SANDBOX_DOMAIN
names=("$HOIST_SANDBOX_DOMAIN" "$admin")
mkdir -p "$demo"
rm -rf "$demo/.hoist" # the emulator starts empty: an earlier demo's journal names resources that are gone
cp "$FIXTURES/routed/docker-compose.yml" "$demo/docker-compose.yml"
cat >"$demo/hoist.yml" <<YAML
# The demo stack: the fixture app with an admin service (test/fixtures/routed) deployed to the sandbox's "EC2 instance".
# Every setting that would reach outside this machine points at the sandbox instead.
stack: $stack
routes:
  - {service: web, port: 8080, domains: [$HOIST_SANDBOX_DOMAIN], healthPath: /health}
  - {service: web, port: 8080, domains: [$HOIST_SANDBOX_DOMAIN], path: /api, stripPrefix: true}   # the API beside the app, no CORS
  - {service: admin, port: 8080, domains: [$admin], healthPath: /health}
aws:
  # The EC2 API is the emulator at $AWS_ENDPOINT_URL_EC2 (AWS_ENDPOINT_URL_EC2 in the environment).
  sshCidr: $HOST_IP/32                        # this machine's side of the sandbox network
  instanceType: t3.micro
  elasticIp: $HOIST_SANDBOX_EIP_ALLOCATION_ID   # pre-allocated in the emulator as $HOIST_SANDBOX_EIP_ADDRESS, the SSH host
ssh:
  waitSeconds: 30
acme:
  directory: $HOIST_SANDBOX_ACME_DIRECTORY   # Pebble, never Let's Encrypt
  caRoot: $HOIST_SANDBOX_ACME_CA                   # the CA that signed Pebble's own HTTPS certificate
  trustRoots: [$HOIST_SANDBOX_ACME_ROOT]    # Pebble's issuing root: how hoist checks the certificate
  caaIdentities: [pebble.letsencrypt.org]          # the CAA domain hoist checks the zone's CAA records against
dns:
  resolvers: [$HOIST_SANDBOX_DNS_BOOTSTRAP]                  # finds the zone's servers (knot ns1/ns2 of $HOIST_SANDBOX_DNS_ZONE)
  publicResolvers: [${HOIST_SANDBOX_DNS_RESOLVERS//,/, }]  # unbound, standing in for 1.1.1.1 and friends
  expectAddress: $HOIST_SANDBOX_HOST                 # $HOIST_SANDBOX_HOST is private: say it is the address the A record must hold
  timeoutMinutes: 3
caddy:
  image: $HOIST_SANDBOX_IMAGE_CADDY          # Caddy from the sandbox registry, not Docker Hub
registry:
  server: $HOIST_SANDBOX_REGISTRY                    # standing in for ghcr.io; the token comes from HOIST_REGISTRY_TOKEN
  username: $HOIST_SANDBOX_REGISTRY_USER
YAML

# hoist's environment: the sandbox's AWS endpoints and fake credentials, nothing from this shell's AWS setup.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION
export AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL_EC2 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true
export HOIST_REGISTRY_TOKEN=$HOIST_SANDBOX_REGISTRY_PASSWORD
hoist() { (cd "$demo" && "$cli" "$@"); }

# --- DNS: the records are absent at the start, and added while the watcher waits -----------------------------------
for name in "${names[@]}"; do "$SANDBOX_SRC/dns-record.sh" all delete "$name" A; done # "all": resolvers forget them (and their absence) too
journal=$demo/.hoist/state.json
added_log=$demo/.demo-dns.log
rm -f "$added_log"
# The dns step's record in the journal turns "running" when the watcher starts; 8 s later both records appear on both
# authoritative servers (as at a DNS provider). Printed at once only without the Ink screen (it owns the terminal).
add_record_later() {
	local deadline=$(( $(date +%s) + 600 ))
	until [[ $(jq -r '.steps.dns.status // empty' "$journal" 2>/dev/null) == running ]]; do
		(( $(date +%s) < deadline )) || return 0
		sleep 0.3
	done
	sleep 8
	local name line
	for name in "${names[@]}"; do "$SANDBOX_SRC/dns-record.sh" auth set "$name" A "$HOIST_SANDBOX_HOST"; done
	line="$(date -u +%T) the demo added the A records ${names[*]} → $HOIST_SANDBOX_HOST (8 s after the watcher started)"
	echo "$line" >"$added_log"
	[[ -t 1 ]] || say "$line"
}

# --- cleanup: always, unless --keep ---------------------------------------------------------------------------------
adder=
stop_adder() { # the background job and its sleep or dns-record.sh, by pid
	[[ -n $adder ]] || return 0
	pkill -P "$adder" 2>/dev/null || true
	kill "$adder" 2>/dev/null || true
	wait "$adder" 2>/dev/null || true
	adder=
}
# shellcheck disable=SC2317 # run by the EXIT trap (shellcheck 0.9 calls it unreachable because of the final exit)
cleanup() {
	local code=$?
	trap - EXIT INT TERM
	stop_adder
	if [[ -n $keep ]]; then exit "$code"; fi
	say "Tearing down (run with --keep to leave it up): hoist destroy --yes"
	hoist destroy --yes || say "hoist destroy failed (exit $?): the EC2 emulator may still hold the demo's resources"
	# The zone as up.sh made it: without the names (other users of the sandbox expect them absent).
	for name in "${names[@]}"; do "$SANDBOX_SRC/dns-record.sh" all delete "$name" A || say "could not remove the A record of $name again"; done
	if [[ -n $started_sandbox ]]; then
		say "Stopping the sandbox: $SANDBOX_SRC/down.sh"
		"$SANDBOX_SRC/down.sh" || say "down.sh failed: run it again"
	else
		say "The sandbox was up before the demo: left running ($SANDBOX_SRC/down.sh stops it)."
	fi
	exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the run ---------------------------------------------------------------------------------------------------------
add_record_later &
adder=$!
say "Demo stack in $demo (the fixture app on $HOIST_SANDBOX_DOMAIN and its /api, an admin service on $admin): hoist up"
status=0
hoist up || status=$?
stop_adder
[[ -t 1 && -s $added_log ]] && say "$(cat "$added_log")"

# The finish screen says the time to HTTPS; here is where it went, step by step, from the journal.
if [[ $status == 0 ]] && jq -e '.steps.certificate.status == "done"' "$journal" >/dev/null 2>&1; then
	jq -r '
		def secs: sub("\\.[0-9]+Z$"; "Z") | fromdate;
		def ms: (capture("\\.(?<f>[0-9]+)Z$").f // "0" | .[0:3] | tonumber) / 1000;
		def t: secs + ms;
		(.runs[-1].startedAt | t) as $start
		| ((.steps.certificate.finishedAt | t) - $start) as $total
		| "Where the \($total * 10 | round / 10) s to HTTPS went (from hoist up to a certificate from Pebble):",
		  (.steps | to_entries[] | select(.value.durationMs != null and .value.reused != true)
		   | "  \(.key | . + " " * (16 - length)) \(.value.durationMs / 100 | round / 10) s")' "$journal" |
		{ read -r headline; say "$headline"; cat; }
fi

if [[ -n $keep ]]; then
	cat <<TXT

[demo] Left up (--keep). To look around, in a shell with the sandbox's environment:
  cd $demo
  . $DIR/env.sh; export HOIST_REGISTRY_TOKEN=\$HOIST_SANDBOX_REGISTRY_PASSWORD
  hoist() { $cli "\$@"; }
  hoist status
  hoist logs web
  hoist logs admin
  hoist ssh -- uptime
  WEB_TAG=v2 hoist deploy          # the fixture's second release of web and admin, each swapped in with no failed request
  curl --cacert $HOIST_SANDBOX_ACME_ROOT --resolve $HOIST_SANDBOX_DOMAIN:443:$HOIST_SANDBOX_HOST https://$HOIST_SANDBOX_DOMAIN/
  curl --cacert $HOIST_SANDBOX_ACME_ROOT --resolve $HOIST_SANDBOX_DOMAIN:443:$HOIST_SANDBOX_HOST https://$HOIST_SANDBOX_DOMAIN/api/health
  curl --cacert $HOIST_SANDBOX_ACME_ROOT --resolve $admin:443:$HOIST_SANDBOX_HOST https://$admin/health
  hoist destroy --yes
  $SANDBOX_SRC/down.sh             # stops the sandbox
TXT
fi
exit "$status"
