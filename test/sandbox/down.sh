#!/bin/bash
# Stop what up.sh started and undo what it changed on the machine, as recorded in the manifest (newest first).
# Safe at any time: after a half-failed up, twice in a row, or when nothing is up (exit 0).
# Kept for the next up: $DIR/ca, $DIR/keep, $DIR/cache (registry blobs). `down.sh --purge` removes $DIR entirely.
set -uo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SANDBOX_T0=$(date +%s%N)
require_root
purge=
[[ ${1:-} == --purge ]] && purge=1
[[ -d $DIR ]] || exit 0
touch "$MANIFEST"

# 1. Containers first, through podman, so it releases their network namespaces and mounts cleanly.
if [[ -e $NETNS_PATH && -s $DIR/instance/storage.conf ]]; then
	timeout 30 "${INSTANCE_PODMAN[@]}" rm --all --force --time 0 >/dev/null 2>&1 || log "podman rm failed (continuing)"
	timeout 15 "${INSTANCE_PODMAN[@]}" pod rm --all --force >/dev/null 2>&1 || true
fi

# 2. Recorded daemons: TERM, then KILL what is still there after 5 s. A pid counts only with its recorded start
#    time, so a reused pid is never touched.
declare -a pids=()
while read -r kind _ pid start; do
	[[ $kind == pid && $(proc_start "$pid" 2>/dev/null) == "$start" ]] && pids+=("$pid")
done <"$MANIFEST"
stop_pids() {
	local -a live=("$@")
	(( ${#live[@]} )) || return 0
	kill -TERM "${live[@]}" 2>/dev/null
	for _ in $(seq 50); do
		local -a still=()
		local p
		for p in "${live[@]}"; do proc_start "$p" >/dev/null && still+=("$p"); done
		(( ${#still[@]} )) || return 0
		live=("${still[@]}")
		sleep 0.1
	done
	log "killing ${live[*]} (did not stop on TERM)"
	kill -KILL "${live[@]}" 2>/dev/null
	sleep 0.2
}
stop_pids "${pids[@]}"

# 3. Sandbox processes nobody recorded (SSH sessions, conmon, container processes if podman failed above).
mapfile -t strays < <(stray_pids)
(( ${#strays[@]} )) && log "stopping unrecorded sandbox processes: $(ps -o pid=,comm= -p "${strays[*]}" | xargs)"
stop_pids "${strays[@]}"

# 4. Mounts under $DIR (podman's overlay/shm mounts, the host-netns handle), deepest first.
mapfile -t mounts < <(awk -v d="$DIR/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)
for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "cannot unmount $m"; done

# 5. Undo the recorded changes, newest first.
tac "$MANIFEST" | while read -r kind a b; do
	case $kind in
	netns) ip netns delete "$a" 2>/dev/null ;;
	link) ! ip link show "$a" >/dev/null 2>&1 || ip link delete "$a" ;;
	umount) ! mountpoint -q "$a" || umount "$a" ;;
	user) userdel -r "$a" 2>/dev/null || userdel "$a" || log "cannot remove user $a" ;;
	restore) cp -p "$b" "$a" && rm -f "$b" ;;
	remove) rm -rf "$a" ;;
	rmdir)
		if [[ -d $a && -z $(ls -A "$a") ]]; then
			while mountpoint -q "$a"; do umount "$a" || break; done
			rmdir "$a"
		fi
		;;
	pid) ;;
	*) log "unknown manifest entry: $kind $a $b" ;;
	esac
done

# 6. Runtime files. The netns and veth are gone; a leftover means something above failed.
for d in run instance build dns ssh pebble registry bin env.sh env.json; do rm -rf "${DIR:?}/$d"; done
# The instance's own runtime directory (health scheduler pid): what a stopped instance no longer has, whoever made it
# (instance-reset.sh and reboot.sh clear it too), so the machine looks the same after every down.
rm -rf /run/hoist
if [[ -n $purge ]]; then rm -rf "${DIR:?}"; else rm -f "$MANIFEST"; fi
status=0
[[ -e $NETNS_PATH ]] && { log "netns $NETNS still exists"; status=1; }
ip link show "$VETH_HOST" >/dev/null 2>&1 && { log "link $VETH_HOST still exists"; status=1; }
log "down in $(elapsed)s"
exit "$status"
