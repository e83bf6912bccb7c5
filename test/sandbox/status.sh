#!/bin/bash
# Exit 0 when the sandbox is up and every service answers; otherwise print what is wrong (unless --quiet), exit 1.
set -uo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
quiet=
[[ ${1:-} == --quiet ]] && quiet=1
bad=0
fail() { [[ -n $quiet ]] || echo "status: $*" >&2; bad=1; }

[[ -s $MANIFEST && -s $DIR/env.json ]] || { fail "not up (no manifest or env.json in $DIR)"; exit 1; }
while read -r kind name pid start; do
	[[ $kind == pid ]] || continue
	[[ $(proc_start "$pid" 2>/dev/null) == "$start" ]] || fail "$name (pid $pid) is not running"
done <"$MANIFEST"
[[ -e $NETNS_PATH ]] || fail "netns $NETNS missing"
for entry in "${AUTH_SERVERS[@]}"; do
	addr=${entry#*:} addr=${addr%%,*}
	dig +norec +time=1 +tries=1 "@$addr" "$ZONE" SOA 2>/dev/null | grep -q 'flags: qr aa' || fail "DNS ${entry%%:*} ($addr) does not answer"
	[[ -S $RUN/dnstap-${entry%%:*}.sock ]] || fail "query log collector of ${entry%%:*} has no socket"
done
# Resolvers: a name outside the sandbox zone must be REFUSED (answers without touching their caches), and the
# control channel must answer (dns-record.sh flush uses it).
for entry in "${RESOLVERS[@]}"; do
	name=${entry%%:*} addr=${entry#*:}
	dig +time=1 +tries=1 "@$addr" status-probe.hoist-sandbox A 2>/dev/null | grep -q 'status: REFUSED' || fail "resolver $name ($addr) does not answer"
	unbound-control -c "$(unbound_conf "$name")" status >/dev/null 2>&1 || fail "resolver $name: unbound-control does not answer"
done
curl -sf -m 3 -o /dev/null "$(cat "$RUN/moto-url" 2>/dev/null)/moto-api/data.json" || fail "moto does not answer"
[[ $(curl -s -m 3 -o /dev/null -w '%{http_code}' --cacert "$DIR/ca/ca.crt" "https://$REGISTRY/v2/") == 401 ]] || fail "registry does not answer"
[[ $(curl -s -m 3 -o /dev/null -w '%{http_code}' --cacert "$DIR/ca/ca.crt" "https://$DOCKERHUB_MIRROR/v2/") == 200 ]] || fail "docker.io mirror ($DOCKERHUB_MIRROR) does not answer anonymously"
curl -sf -m 3 -o /dev/null --cacert "$DIR/ca/ca.crt" "https://$HOST_IP:$ACME_PORT/dir" || fail "pebble does not answer"
ssh-keyscan -T 2 -t ed25519 "$INSTANCE_IP" 2>/dev/null | grep -q ssh-ed25519 || fail "sshd on $INSTANCE_IP does not answer"
curl -sf -m 3 -o /dev/null --unix-socket "$DIR/instance/podman.sock" http://d/_ping || fail "podman API socket does not answer"
# The helpers of this checkout must work on the running sandbox (another checkout's up.sh may have started it).
grep -q "$EXTRA_KEYS" "$DIR/bin/authorized-keys" 2>/dev/null || fail "the instance's authorized-keys ignores authorize-key.sh (up.sh --restart from this checkout)"
[[ $(cat "$CACHE/images.stamp" 2>/dev/null) == "$(image_stamp)" ]] || fail "the fixture images are older than test/fixtures/app (up.sh --restart builds them again)"
exit "$bad"
