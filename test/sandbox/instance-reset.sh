#!/bin/bash
# What EC2 does to an instance that is terminated: its disk is gone. One host stands in for every sandbox instance,
# so this wipes what ran on it (containers, pods, networks, volumes, /srv/hoist and /var/lib/hoist, the health
# scheduler) when the instance behind the sandbox's Elastic IP changes, and records the new one.
# usage: instance-reset.sh [--if-changed]   (without it: wipe now, whatever the emulator says)
set -uo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_root
[[ -d $RUN ]] || exit 0
exec 9>"$RUN/instance-reset.lock"
flock 9
recorded=$(cat "$RUN/instance-id" 2>/dev/null || true)
if ! current=$("$DIR/bin/current-instance"); then
	# The emulator did not answer (busy): only a reset asked for outright goes on without knowing the instance.
	[[ ${1:-} == --if-changed ]] && exit 0
	current=$recorded
fi
if [[ ${1:-} == --if-changed && $current == "$recorded" ]]; then exit 0; fi
if [[ -e $NETNS_PATH ]]; then
	timeout 60 "${INSTANCE_PODMAN[@]}" rm --all --force --time 0 >/dev/null 2>&1
	timeout 30 "${INSTANCE_PODMAN[@]}" pod rm --all --force >/dev/null 2>&1
	timeout 30 "${INSTANCE_PODMAN[@]}" volume rm --all --force >/dev/null 2>&1
	timeout 30 "${INSTANCE_PODMAN[@]}" network prune --force >/dev/null 2>&1
fi
pkill -f 'hoist/.*health-scheduler' 2>/dev/null
rm -rf /srv/hoist /var/lib/hoist /usr/local/libexec/hoist /run/hoist
printf '%s\n' "$current" >"$RUN/instance-id"
printf '%s reset (instance %s -> %s)\n' "$(date -u +%FT%TZ)" "${recorded:-none}" "${current:-none}" >>"$RUN/instance-resets.log"
