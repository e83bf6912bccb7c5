#!/bin/sh
# hoist host-upgrade: brings every package of an Alpine host to the newest version of its release line
# (`apk upgrade --available`) and says whether the running kernel is still the installed one. It never reboots:
# hoist sends the reboot as a command of its own, so a run that was stopped in between can tell from the host
# whether the reboot already happened. Run as root (hoist runs it through doas or sudo). POSIX sh (busybox ash).
# Idempotent: a second run upgrades nothing and reports the same kernel state (the world, not a memory of the run).
#
# Output (stdout; every other line is apk's own output, shown as log lines):
#   hoist-upgraded <package> <old version> <new version>    one line per package apk upgraded, replaced or downgraded
#   hoist-upgrade skip <why>                                nothing was changed (no apk on this host); exit 0
#   hoist-upgrade fail <command>: <its last output line>    exit non-zero
#   hoist-upgrade done upgraded=<n> running=<uname -r> reboot=<no|kernel release to boot into>
#
# The kernel check (Alpine's linux-virt and linux-lts, as in aports main/linux-lts at 3.21-3.23): a kernel package
# installs its modules under /lib/modules/<release>-<flavor>; an upgrade removes the old release's directory, so
# when /lib/modules/$(uname -r) is gone the running kernel can no longer load a module (netfilter, overlay) and
# the host must boot the installed one.
#
# Settings (environment)
#   HOIST_ROOT   FOR TESTS ONLY: prefix for the files read (/etc, /proc, /lib/modules). Empty in real use.

set -u
R=${HOIST_ROOT:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hoist-upgrade.XXXXXX") || { echo 'hoist-upgrade fail mktemp -d: cannot create a temporary directory'; exit 1; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

have() { command -v "$1" >/dev/null 2>&1; }
last_line() {
	_l=$(tr -d '\r' <"$1" | grep -v '^[[:space:]]*$' | tail -n 1 | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
	printf '%s' "${_l:-(no output)}"
}

if ! have apk; then
	_os=unknown
	# shellcheck disable=SC1091 # the host's own file
	[ -r "$R/etc/os-release" ] && _os=$(. "$R/etc/os-release" && printf '%s' "${PRETTY_NAME:-${ID:-unknown}}")
	echo "hoist-upgrade skip no apk on this host ($_os): hoist upgrades the packages of Alpine hosts only; nothing changed"
	exit 0
fi

{
	apk upgrade --available --update-cache --no-progress </dev/null 2>&1
	echo "$?" >"$tmp/rc"
} | tee "$tmp/out"
read -r _rc <"$tmp/rc" || _rc=1
if [ "$_rc" != 0 ]; then
	echo "hoist-upgrade fail apk upgrade --available: $(last_line "$tmp/out")"
	exit "$_rc"
fi
# apk's lines: "(3/12) Upgrading linux-virt (6.12.1-r0 -> 6.12.13-r0)"; a package from a tagged repository is
# "name@tag" (apk-tools src/commit.c, v2 and v3).
sed -n -E 's/^\([0-9]+\/[0-9]+\) (Upgrading|Replacing|Downgrading) ([^ @]+)[^ ]* \(([^ ]+) -> ([^ )]+)\)$/hoist-upgraded \2 \3 \4/p' "$tmp/out" >"$tmp/upgraded"
cat "$tmp/upgraded"
_count=$(wc -l <"$tmp/upgraded" | tr -d ' ')

_running=
[ -r "$R/proc/sys/kernel/osrelease" ] && read -r _running <"$R/proc/sys/kernel/osrelease"
_reboot=no
for _pkg in linux-virt linux-lts; do
	apk info -e "$_pkg" >/dev/null 2>&1 || continue
	[ -n "$_running" ] && [ -d "$R/lib/modules/$_running" ] && break
	# The installed kernel's release: its modules directory, named <version>-<flavor> (virt, lts).
	_installed=
	for _dir in "$R"/lib/modules/*-"${_pkg#linux-}"; do [ -d "$_dir" ] && _installed=${_dir##*/}; done
	_reboot=${_installed:-unknown}
	break
done
echo "hoist-upgrade done upgraded=$_count running=${_running:-unknown} reboot=$_reboot"
