#!/bin/bash
# Stop or start the sandbox instance's sshd: "the server does not answer" (nothing listens on port 22 any more; sessions
# already open stay), then back. The manifest stays true: `start` replaces the record of the sshd that `stop` ended,
# so status.sh and down.sh see the running one.
# usage: sshd.sh stop|start
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_root
[[ -s $MANIFEST && -s $DIR/ssh/sshd_config ]] || die "the sandbox is not up"
keyscan() { ssh-keyscan -T 1 -t ed25519 "$INSTANCE_IP" 2>/dev/null | grep -q ssh-ed25519; }
case ${1:-} in
stop)
	if daemon_alive sshd; then
		pid=$(cat "$RUN/sshd.pid")
		kill -TERM "$pid"
		for _ in $(seq 50); do proc_start "$pid" >/dev/null || break; sleep 0.1; done
		! proc_start "$pid" >/dev/null || die "sshd (pid $pid) did not stop"
	fi
	! keyscan || die "something still answers SSH on $INSTANCE_IP"
	log "sshd stopped: $INSTANCE_IP:22 does not answer"
	;;
start)
	if daemon_alive sshd; then log "sshd already runs"; exit 0; fi
	sed -i '/^pid sshd /d' "$MANIFEST"
	start_daemon sshd nsenter --net="$NETNS_PATH" /usr/sbin/sshd -D -e -f "$DIR/ssh/sshd_config"
	wait_for sshd 15 keyscan
	log "sshd started"
	;;
*) die "usage: sshd.sh stop|start" ;;
esac
