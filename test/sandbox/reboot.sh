#!/bin/bash
# Reboot the sandbox's instance host, as far as the stacks on it can tell: what a shutdown stops and a boot clears,
# then each stack's boot script started *before* the Podman API service, the order that exposes a boot script that
# does not wait for Podman's socket (OpenRC reports podman started once supervise-daemon forked it).
#   1. every container stopped (SIGTERM, then SIGKILL after 10 s), hoist's health scheduler killed;
#   2. the Podman API service stopped and its socket gone, as /run is after a reboot;
#   3. what a reboot clears: /run/hoist, and Podman's "alive" marker, so its post-reboot refresh runs;
#   4. every /srv/hoist/*/hoist-boot.sh start, as root in the instance's network with the instance's Podman
#      configuration (what the init system would run), then, HOIST_REBOOT_PODMAN_DELAY seconds later (default 3),
#      the Podman API service again, recorded in the manifest in place of the old one (status.sh and down.sh see it).
# Exits 0 when every boot script exited 0; their output is in $RUN/reboot-STACK.log (and shown when one failed).
# usage: reboot.sh
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SANDBOX_T0=$(date +%s%N)
require_root
[[ -s $MANIFEST && -s $DIR/instance/containers.conf ]] || die "the sandbox is not up"
delay=${HOIST_REBOOT_PODMAN_DELAY:-3}
# The instance's root: its network, its Podman configuration (INSTANCE_PODMAN without the podman at its end).
AS_INSTANCE_ROOT=("${INSTANCE_PODMAN[@]:0:${#INSTANCE_PODMAN[@]}-1}")
PODMAN_TMP=$(sed -n 's/^tmp_dir = "\(.*\)"$/\1/p' "$DIR/instance/containers.conf")
[[ -n $PODMAN_TMP ]] || die "no tmp_dir in $DIR/instance/containers.conf"

# 1. Shutdown: the containers, then what hoist runs beside them.
timeout 60 "${INSTANCE_PODMAN[@]}" stop --all --time 10 >/dev/null
pid=$(cat /run/hoist/health-scheduler.pid 2>/dev/null || true)
[[ -z $pid ]] || kill -KILL "$pid" 2>/dev/null || true
log "containers stopped"

# 2. The Podman API service.
if daemon_alive podman-service; then
	pid=$(cat "$RUN/podman-service.pid")
	kill -TERM "$pid"
	for _ in $(seq 100); do proc_start "$pid" >/dev/null || break; sleep 0.1; done
	proc_start "$pid" >/dev/null && kill -KILL "$pid"
fi
rm -f "$DIR/instance/podman.sock"
log "Podman API service stopped"

# 3. What a reboot clears.
rm -rf /run/hoist "$PODMAN_TMP/alive"
log "cleared /run/hoist and Podman's alive marker ($PODMAN_TMP/alive)"

# 4. Boot: the stacks' boot scripts first, Podman's API service after them.
declare -A boots=()
for script in /srv/hoist/*/hoist-boot.sh; do
	[[ -e $script ]] || continue
	stack=$(basename "$(dirname "$script")")
	"${AS_INSTANCE_ROOT[@]}" PATH="$PATH" \
		sh "$script" start >"$RUN/reboot-$stack.log" 2>&1 </dev/null &
	boots[$stack]=$!
done
log "boot scripts started: ${!boots[*]}"
sleep "$delay"
sed -i '/^pid podman-service /d' "$MANIFEST"
start_podman_service
wait_for podman-service 30 curl -sf --unix-socket "$DIR/instance/podman.sock" http://d/_ping
log "Podman API service started ${delay}s after the boot scripts"

failed=0
for stack in "${!boots[@]}"; do
	if wait "${boots[$stack]}"; then
		log "$stack: boot script done"
	else
		log "$stack: boot script failed (exit $?); its output:"
		sed 's/^/    /' "$RUN/reboot-$stack.log" >&2
		failed=1
	fi
done
log "rebooted in $(elapsed)s"
exit "$failed"
