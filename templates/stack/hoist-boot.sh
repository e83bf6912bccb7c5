#!/bin/sh
# hoist: starts stack @STACK@ without hoist, e.g. after a reboot (run by the init system, or by hand).
# Usage: hoist-boot.sh start|stop. Written by hoist; it is rewritten on every deploy.
set -eu
case ${1:-start} in
start)
	@BEFORE_START@
	@COMPOSE_UP@
	;;
stop)
	@COMPOSE_STOP@
	;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac
