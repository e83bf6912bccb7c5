#!/bin/sh
# hoist: starts stack @STACK@ without hoist, e.g. after a reboot (run by the init system, or by hand).
# Usage: hoist-boot.sh start|stop. Written by hoist; it is rewritten on every deploy.
set -eu

# A line in the system log (and on stderr, which the init system shows) under the tag hoist-boot.
say() {
	echo "hoist-boot: $*" >&2
	logger -t hoist-boot -- "$*" 2>/dev/null || true
}

# At boot the init system may start this before Podman's API answers: OpenRC reports the podman service started as
# soon as supervise-daemon forked it (Alpine's podman.initd: supervise-daemon, `need sysfs cgroups`, no readiness
# check; read in aports' master at 0d529811, Podman 3.2.0, and the same file by its sha512 at 011ae36f, Podman 4.2.0;
# no release branch's copy was read, the checked 3.23 line's included), and a socket can exist before the service
# behind it answers. compose fails at once without it, and nothing would retry, so wait for an answer, bounded
# (HOIST_BOOT_WAIT_SECONDS, default 60).
wait_for_podman() {
	socket=@PODMAN_SOCKET@
	limit=${HOIST_BOOT_WAIT_SECONDS:-60}
	waited=0
	until [ -S "$socket" ] && podman --remote --url "unix://$socket" version >/dev/null 2>&1; do
		[ "$waited" -gt 0 ] || say "stack @STACK@: waiting for the Podman API at $socket (up to ${limit}s)"
		if [ "$waited" -ge "$limit" ]; then
			say "stack @STACK@ not started: the Podman API at $socket did not answer within ${limit}s (rc-service podman status)"
			exit 1
		fi
		sleep 1
		waited=$((waited + 1))
	done
	[ "$waited" -eq 0 ] || say "stack @STACK@: the Podman API answered after ${waited}s"
}

case ${1:-start} in
start)
	wait_for_podman
	@BEFORE_START@
	# Caddy back on the services' names: containers get new addresses at boot, and a release cut short left one there.
	@RESET_UPSTREAMS@
	@COMPOSE_UP@
	say "stack @STACK@ started"
	;;
stop)
	@COMPOSE_STOP@
	;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac
