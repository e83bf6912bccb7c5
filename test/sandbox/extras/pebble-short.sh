#!/usr/bin/env bash
# Sandbox extra: a second Pebble whose certificates live only $SHORT_VALIDITY seconds, so a test can watch a real
# certificate pass its renewal point (two thirds of its life) without touching the shared Pebble and its long ones.
# Same binary and HTTPS certificate as the first Pebble (its listener is trusted through HOIST_SANDBOX_ACME_CA); its
# own issuing root, made on every start. Exports HOIST_SANDBOX_ACME_SHORT_DIRECTORY, HOIST_SANDBOX_ACME_SHORT_ROOT and
# HOIST_SANDBOX_ACME_SHORT_VALIDITY in env.sh/env.json.
# usage: pebble-short.sh          start it when it does not run (idempotent)
#        pebble-short.sh --stop   stop it (a test makes the CA unreachable this way; running the script again restarts it)
# Stopped by down.sh with the other recorded daemons (start_daemon records it in the manifest; a start replaces the
# record of one that --stop ended, so status.sh and down.sh see the running one).
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
set -euo pipefail
require_root
[[ -s $MANIFEST && -s $DIR/env.sh ]] || die "the sandbox is not up (no $DIR/env.sh): run test/sandbox/up.sh first"
SHORT_PORT=14100
SHORT_MGMT_PORT=14101
# Pebble 2.4's certificateValidityPeriod, in seconds: after `hoist up`, long enough for a `hoist status` to find it
# healthy and, once renewal is overdue (a quarter of it left), for another to see it before it expires; short enough
# for a test to wait past its renewal point.
SHORT_VALIDITY=${HOIST_SANDBOX_ACME_SHORT_VALIDITY:-26}
directory="https://$HOST_IP:$SHORT_PORT/dir"

if [[ ${1:-} == --stop ]]; then
	if daemon_alive pebble-short; then
		pid=$(cat "$RUN/pebble-short.pid")
		kill -TERM "$pid"
		for _ in $(seq 50); do proc_start "$pid" >/dev/null || break; sleep 0.1; done
		! proc_start "$pid" >/dev/null || die "the short-lived Pebble (pid $pid) did not stop"
		log "short-lived Pebble stopped"
	fi
	exit 0
fi

if ! daemon_alive pebble-short; then
	jq -n --arg listen "$HOST_IP:$SHORT_PORT" --arg mgmt "$HOST_IP:$SHORT_MGMT_PORT" --arg ca "$DIR/ca" --argjson validity "$SHORT_VALIDITY" \
		'{pebble: {listenAddress: $listen, managementListenAddress: $mgmt, certificate: "\($ca)/pebble.crt", privateKey: "\($ca)/pebble.key",
			httpPort: 80, tlsPort: 443, ocspResponderURL: "", externalAccountBindingRequired: false, certificateValidityPeriod: $validity}}' \
		>"$RUN/pebble-short.json"
	sed -i '/^pid pebble-short /d' "$MANIFEST"
	# As the first Pebble: no nonce rejection and no validation sleep.
	start_daemon pebble-short env PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 \
		pebble -config "$RUN/pebble-short.json" -dnsserver "$HOST_IP:53"
	wait_for pebble-short 15 curl -sf --cacert "$DIR/ca/ca.crt" "$directory"
	# A new issuing root on every start.
	curl -sf --cacert "$DIR/ca/ca.crt" "https://$HOST_IP:$SHORT_MGMT_PORT/roots/0" -o "$RUN/pebble-short-root.pem"
	log "short-lived Pebble ($SHORT_VALIDITY s certificates) answers on $directory"
fi

{
	grep -v '^HOIST_SANDBOX_ACME_SHORT_' "$RUN/extras.env" 2>/dev/null || true
	echo "HOIST_SANDBOX_ACME_SHORT_DIRECTORY=$directory"
	echo "HOIST_SANDBOX_ACME_SHORT_ROOT=$RUN/pebble-short-root.pem"
	echo "HOIST_SANDBOX_ACME_SHORT_VALIDITY=$(jq -r .pebble.certificateValidityPeriod "$RUN/pebble-short.json")"
} >"$RUN/extras.env.tmp"
mv "$RUN/extras.env.tmp" "$RUN/extras.env"
write_env
