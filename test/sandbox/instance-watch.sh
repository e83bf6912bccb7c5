#!/bin/bash
# Daemon of the sandbox: when the instance behind the Elastic IP is terminated (or the emulator is reset), the host is
# wiped as EC2 would wipe that instance. Polls twice a second; the first login to a new instance does the same check.
set -uo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here=$(dirname "${BASH_SOURCE[0]}")
while sleep 0.5; do
	recorded=$(cat "$RUN/instance-id" 2>/dev/null || true)
	# Only a recorded instance can go away; a new one is recorded by its first login.
	[[ -n $recorded ]] || continue
	# A busy emulator that does not answer says nothing: wipe only on an answer naming another instance (or none).
	current=$("$DIR/bin/current-instance") || continue
	[[ $current == "$recorded" ]] || "$here/instance-reset.sh" --if-changed
done
