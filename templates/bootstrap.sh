#!/bin/sh
# hoist bootstrap: makes a fresh server ready for `compose up` against rootful Podman's Docker-compatible API.
# Run as root (hoist runs it through doas or sudo). POSIX sh: busybox ash on Alpine, dash on Debian.
# Idempotent: every action checks first, so a second run changes nothing and takes about a second.
#
# Progress protocol (hoist turns these lines into sub-steps on its screen)
#   One line per event on stdout:   hoist-step <id> <start|done|skip|fail> <free text>
#   A step ends with exactly one of done, skip or fail; start comes first when the step changes something or waits
#   (checks that pass print done or skip alone).
#   A failure prints            hoist-step <id> fail <the command that failed>: <its last output line>
#   and the script exits non-zero (the exit code of that command, or 1).
#   Step ids, in order: firstboot detect swap repo packages engine cgroups podman socket tools health
#   (a host only shows the steps of its branch). Every other stdout line is log output (command output
#   included). The last line of a successful run is the summary hoist parses:
#     hoist-bootstrap os=<id> version=<v> manager=<openrc|systemd|none> compose=<v1|v2> installed=<a,b|none> compose_cmd=<argv joined by commas> migrate_req=<yes|no>
#   migrate_req: whether the kernel can hand a closing listener's queued connections to another one on its port
#   (net.ipv4.tcp_migrate_req, Linux 5.14+); hoist turns it on for Caddy, whose reloads close a listener.
#
# Settings (environment)
#   HOIST_SWAP_MB            swap file size when memory < 2 GiB; 0 = no swap (default 1024)
#   HOIST_HEALTH_SCHEDULER   health-scheduler.sh as uploaded by hoist (default: beside this script)
#   HOIST_HEALTH_INITD       hoist-health.initd as uploaded by hoist (default: openrc/ beside this script)
#   HOIST_FIRSTBOOT_TIMEOUT  seconds to wait for tiny-cloud's first boot (default 300)
#   HOIST_SOCKET_TIMEOUT     seconds to wait for the Podman API socket after starting Podman (default 60)
#   HOIST_ROOT               FOR TESTS ONLY: prefix for every file the script reads or writes (/etc, /proc,
#                            /run, /var, /swapfile, /usr/local); commands still run from PATH. Empty in real use.
#
# Host override: /etc/hoist/host.conf, lines key=value (# comments), wins over detection:
#   service_manager=openrc|systemd|none   none: install and change nothing, only check what is there
#   podman_socket=/path/to/podman.sock    the API socket to check (default /run/podman/podman.sock)

set -u
umask 022
R=${HOIST_ROOT:-}
here=$(dirname "$0")
swap_mb=${HOIST_SWAP_MB:-1024}
firstboot_timeout=${HOIST_FIRSTBOOT_TIMEOUT:-300}
socket_timeout=${HOIST_SOCKET_TIMEOUT:-60}
scheduler_src=${HOIST_HEALTH_SCHEDULER:-$here/health-scheduler.sh}
initd_src=${HOIST_HEALTH_INITD:-$here/openrc/hoist-health.initd}
scheduler_dest=/usr/local/libexec/hoist/health-scheduler
initd_dest=/etc/init.d/hoist-health
socket=/run/podman/podman.sock
installed=
compose=
compose_cmd=

step() { printf 'hoist-step %s %s %s\n' "$1" "$2" "$3"; }
begin() { step "$1" start "$2"; }
ok() { step "$1" 'done' "$2"; }
skip() { step "$1" skip "$2"; }
# fail ID EXIT_CODE TEXT: the step's fail line, then exit.
fail() {
	step "$1" fail "$3"
	exit "$2"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hoist-bootstrap.XXXXXX") || { echo 'hoist-step detect fail mktemp -d: cannot create a temporary directory'; exit 1; }
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# last_line FILE: the last non-blank line of FILE without surrounding blanks (or "(no output)").
last_line() {
	_l=$(tr -d '\r' <"$1" | grep -v '^[[:space:]]*$' | tail -n 1 | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
	printf '%s' "${_l:-(no output)}"
}

# run ID COMMAND...: runs COMMAND with its output shown as log lines; on failure, the step's fail line and exit.
run() {
	_id=$1
	shift
	{
		"$@" </dev/null 2>&1
		echo "$?" >"$tmp/rc"
	} | tee "$tmp/out"
	read -r _rc <"$tmp/rc" || _rc=1
	[ "$_rc" = 0 ] && return 0
	step "$_id" fail "$*: $(last_line "$tmp/out")"
	exit "$_rc"
}

have() { command -v "$1" >/dev/null 2>&1; }
is_uint() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }
add_installed() { installed=${installed:+$installed,}$1; }

for _v in "HOIST_SWAP_MB=$swap_mb" "HOIST_FIRSTBOOT_TIMEOUT=$firstboot_timeout" "HOIST_SOCKET_TIMEOUT=$socket_timeout"; do
	is_uint "${_v#*=}" || fail detect 2 "settings: ${_v%%=*} must be a whole number, not '${_v#*=}'"
done
[ "$(id -u)" = 0 ] || fail detect 1 "id -u: bootstrap must run as root (hoist runs it through doas or sudo)"

# --- tiny-cloud's first boot (Alpine cloud images): user-data runs at the end of the default runlevel --------------
# tiny-cloud logs each action to the system log (logger -t tiny-cloud/<phase>, facility local7; on Alpine busybox
# syslogd writes /var/log/messages) as "ACTION: failed", and writes /var/lib/cloud/.bootstrap-complete as the last
# action of its final phase (sbin/tiny-cloud and lib/tiny-cloud/common of tiny-cloud 3.x, its four-phase layout since
# v3.0.0 of 2023-05, as read at mirror commit 000f41a4; which tiny-cloud the checked 3.23 line's images carry was not
# read. Newer versions stop at the first failed action, so the marker never comes). Prints its last failed line, if any.
tiny_cloud_failure() {
	[ -r "$R/var/log/messages" ] || return 0
	grep -E 'tiny-cloud/[a-z]+\[[0-9]+\]: [^ ]+: failed[[:space:]]*$' "$R/var/log/messages" | tail -n 1 | sed 's/^.*\(tiny-cloud\/\)/\1/'
}

# The tiny-cloud services of this image that are not started (names differ between tiny-cloud versions).
tiny_cloud_stopped() {
	_stopped=
	for _svc in tiny-cloud-early tiny-cloud-net tiny-cloud-main tiny-cloud tiny-cloud-final; do
		[ -e "$R/etc/init.d/$_svc" ] || continue
		rc_started "$_svc" || _stopped="${_stopped:+$_stopped, }$_svc"
	done
	printf '%s' "${_stopped:-none}"
}

firstboot() {
	if [ ! -e "$R/sbin/tiny-cloud" ] && [ ! -e "$R/usr/sbin/tiny-cloud" ] && [ ! -d "$R/lib/tiny-cloud" ] &&
		[ ! -d "$R/usr/lib/tiny-cloud" ]; then
		skip firstboot "no tiny-cloud on this host"
		return
	fi
	_marker=$R/var/lib/cloud/.bootstrap-complete
	_how=skip
	if [ ! -e "$_marker" ]; then
		begin firstboot "waiting up to ${firstboot_timeout}s for tiny-cloud to finish the first boot"
		_tries=$(((firstboot_timeout + 1) / 2))
		_failed=
		while [ ! -e "$_marker" ]; do
			_failed=$(tiny_cloud_failure)
			if [ -n "$_failed" ] || [ "$_tries" -le 0 ]; then break; fi
			_tries=$((_tries - 1))
			sleep 2
		done
		if [ ! -e "$_marker" ]; then
			# This script runs over SSH with hoist's key: sshd answers and the key is in place, which is what hoist
			# needs of tiny-cloud. Say what stopped it, and go on.
			_why=${_failed:-"no marker after ${firstboot_timeout}s, no failed action in /var/log/messages"}
			ok firstboot "warning: tiny-cloud did not finish the first boot ($_why; services not started: $(tiny_cloud_stopped)); going on, sshd answers with hoist's key"
			return
		fi
		_how=ok
	fi
	_exit=
	[ -r "$R/var/log/user-data.exit" ] && read -r _exit <"$R/var/log/user-data.exit"
	case ${_exit:-0} in
	0) "$_how" firstboot "tiny-cloud first boot complete${_exit:+, user-data exited 0}" ;;
	*)
		_log=$R/var/log/user-data.log
		_last='(no /var/log/user-data.log)'
		[ -r "$_log" ] && _last=$(last_line "$_log")
		fail firstboot 1 "user-data: exited ${_exit} (/var/log/user-data.log: ${_last})"
		;;
	esac
}

# --- what this host is ------------------------------------------------------------------------------------------
os_id=unknown
os_like=
os_version=unknown
manager=
read_os() {
	[ -r "$R/etc/os-release" ] || return 0
	while IFS='=' read -r _k _v; do
		_v=${_v#\"}
		_v=${_v%\"}
		_v=${_v#\'}
		_v=${_v%\'}
		case $_k in
		ID) os_id=$_v ;;
		ID_LIKE) os_like=$_v ;;
		VERSION_ID) os_version=$_v ;;
		esac
	done <"$R/etc/os-release"
}

read_host_conf() {
	_conf=$R/etc/hoist/host.conf
	[ -r "$_conf" ] || return 0
	while IFS= read -r _line || [ -n "$_line" ]; do
		case $_line in '' | '#'*) continue ;; esac
		_k=${_line%%=*}
		_v=${_line#*=}
		case $_k in
		service_manager)
			case $_v in openrc | systemd | none) manager=$_v ;;
			*) fail detect 2 "/etc/hoist/host.conf: service_manager must be openrc, systemd or none, not '$_v'" ;;
			esac
			;;
		podman_socket) socket=$_v ;;
		*) echo "/etc/hoist/host.conf: ignoring unknown setting '$_k'" ;;
		esac
	done <"$_conf"
}

detect_manager() {
	_pid1=
	[ -r "$R/proc/1/comm" ] && read -r _pid1 <"$R/proc/1/comm"
	if [ -d "$R/run/systemd/system" ]; then
		manager=systemd
	elif { [ -x "$R/sbin/openrc" ] || have openrc || have rc-service; } &&
		{ [ "$_pid1" = init ] || [ "$_pid1" = openrc-init ]; }; then
		manager=openrc
	else
		manager=none
	fi
}

detect() {
	read_os
	read_host_conf
	_how=detected
	if [ -n "$manager" ]; then _how="from /etc/hoist/host.conf"; else detect_manager; fi
	case $manager in
	openrc) [ "$os_id" = alpine ] || fail detect 1 "os-release: OpenRC on '$os_id' is not supported (hoist installs Podman on Alpine with OpenRC, or Debian/Ubuntu with systemd); install Podman yourself and set service_manager=none in /etc/hoist/host.conf" ;;
	systemd)
		case " $os_id $os_like " in
		*" debian "* | *" ubuntu "*) ;;
		*) fail detect 1 "os-release: systemd on '$os_id' is not supported (hoist installs Podman on Alpine with OpenRC, or Debian/Ubuntu with systemd); install Podman yourself and set service_manager=none in /etc/hoist/host.conf" ;;
		esac
		;;
	esac
	ok detect "$os_id $os_version, service manager $manager ($_how)"
}

# --- swap: small instances need it for image pulls and builds -----------------------------------------------------
swap() {
	if [ "$swap_mb" = 0 ]; then
		skip swap "HOIST_SWAP_MB=0"
		return
	fi
	_mem_kb=
	while read -r _k _v _; do
		[ "$_k" = MemTotal: ] && _mem_kb=$_v && break
	done <"$R/proc/meminfo"
	is_uint "$_mem_kb" || fail swap 1 "/proc/meminfo: no MemTotal line"
	if [ "$_mem_kb" -ge 2097152 ]; then
		skip swap "memory $((_mem_kb / 1024)) MiB (2 GiB or more)"
		return
	fi
	_file=$R/swapfile
	_active=
	[ -r "$R/proc/swaps" ] && _active=$(awk 'NR > 1 {printf "%s%s", sep, $1; sep = " "}' "$R/proc/swaps")
	_ours=
	case " $_active " in *" /swapfile "* | *" $_file "*) _ours=1 ;; esac
	if [ -n "$_active" ] && [ -z "$_ours" ]; then
		skip swap "swap already active ($_active)"
		return
	fi
	_in_fstab=
	grep -qs '^/swapfile[[:space:]]' "$R/etc/fstab" && _in_fstab=1
	_at_boot=1
	[ "$manager" != openrc ] || rc_enabled swap || _at_boot=
	if [ -n "$_ours" ] && [ -n "$_in_fstab" ] && [ -n "$_at_boot" ]; then
		skip swap "/swapfile already active"
		return
	fi
	begin swap "memory $((_mem_kb / 1024)) MiB: ${swap_mb} MiB swap file /swapfile"
	if [ -z "$_ours" ]; then
		_size=
		# shellcheck disable=SC2012 # ls -ln is the portable way to read a size (busybox stat may lack -c)
		[ -f "$_file" ] && _size=$(ls -ln "$_file" | awk '{print $5}')
		_fresh=
		if [ "$_size" != $((swap_mb * 1048576)) ]; then
			rm -f "$_file"
			(
				umask 077
				run swap dd if=/dev/zero of="$_file" bs=1M count="$swap_mb"
			) || exit $?
			_fresh=1
		fi
		run swap chmod 600 "$_file"
		if [ -n "$_fresh" ]; then
			run swap mkswap "$_file"
			run swap swapon "$_file"
		elif ! swapon "$_file" >"$tmp/out" 2>&1; then
			# a file of the right size left by an interrupted run: give it a swap signature, then try again
			run swap mkswap "$_file"
			run swap swapon "$_file"
		fi
	fi
	if [ -z "$_in_fstab" ]; then
		printf '/swapfile none swap sw 0 0\n' >>"$R/etc/fstab" || fail swap 1 "append to /etc/fstab: cannot write"
	fi
	[ -n "$_at_boot" ] || run swap rc-update add swap boot
	ok swap "${swap_mb} MiB swap on /swapfile, in /etc/fstab"
}

# --- Podman API socket ----------------------------------------------------------------------------------------------
# busybox and GNU wget cannot talk to a unix socket, so the fallback after curl is podman's own remote client.
socket_answers() {
	if have curl; then
		curl -sf -m 5 -o /dev/null --unix-socket "$R$socket" http://d/_ping
	elif have podman; then
		podman --remote --url "unix://$R$socket" version >/dev/null
	else
		echo "neither curl nor podman to ask $socket" >&2
		return 1
	fi
}
socket_probe_cmd() {
	if have curl; then echo "curl --unix-socket $socket http://d/_ping"; else echo "podman --remote --url unix://$socket version"; fi
}

wait_socket() {
	if socket_answers >"$tmp/sock" 2>&1; then
		ok socket "Podman API answers on $socket"
		return
	fi
	begin socket "waiting up to ${socket_timeout}s for the Podman API on $socket"
	_tries=$socket_timeout
	until socket_answers >"$tmp/sock" 2>&1; do
		[ "$_tries" -gt 0 ] || fail socket 1 "$(socket_probe_cmd): $(last_line "$tmp/sock")"
		_tries=$((_tries - 1))
		sleep 1
	done
	ok socket "Podman API answers on $socket"
}

# --- compose: which one is there, and how hoist calls it --------------------------------------------------------
detect_compose() {
	if have docker && docker compose version >/dev/null 2>&1; then
		compose=v2
		compose_cmd=docker,compose
		return 0
	fi
	if have docker-compose && _cv=$(docker-compose version --short 2>/dev/null); then
		case $_cv in 1.*) compose=v1 ;; *) compose=v2 ;; esac
		compose_cmd=docker-compose
		return 0
	fi
	# Compose v2 plugin without a docker CLI: the plugin binary also works standalone, as docker-compose.
	for _p in /usr/libexec/docker/cli-plugins/docker-compose /usr/lib/docker/cli-plugins/docker-compose \
		/usr/local/lib/docker/cli-plugins/docker-compose; do
		if [ -x "$R$_p" ]; then
			compose=v2
			compose_cmd=$_p
			return 0
		fi
	done
	return 1
}

# --- OpenRC helpers -------------------------------------------------------------------------------------------------
# enabled = a link in a runlevel directory (what rc-update add makes)
rc_enabled() {
	for _lvl in sysinit boot default; do
		[ -L "$R/etc/runlevels/$_lvl/$1" ] || [ -e "$R/etc/runlevels/$_lvl/$1" ] && return 0
	done
	return 1
}
rc_started() { rc-service "$1" status >/dev/null 2>&1; }
# rc_service ID SERVICE RUNLEVEL: enabled in RUNLEVEL (unless in some runlevel already) and started.
rc_service() {
	_changed=
	if ! rc_enabled "$2"; then
		begin "$1" "enabling $2 in runlevel $3"
		run "$1" rc-update add "$2" "$3"
		_changed=1
	fi
	if ! rc_started "$2"; then
		[ -n "$_changed" ] || begin "$1" "starting $2"
		run "$1" rc-service "$2" start
		_changed=1
	fi
	if [ -n "$_changed" ]; then ok "$1" "$2 enabled and started"; else skip "$1" "$2 already enabled and started"; fi
}

# --- Alpine + OpenRC --------------------------------------------------------------------------------------------------
alpine_repo() {
	_repos=$R/etc/apk/repositories
	[ -r "$_repos" ] || fail repo 1 "/etc/apk/repositories: missing"
	if grep -Eq '^[[:space:]]*[^#[:space:]].*/community/?[[:space:]]*$' "$_repos"; then
		skip repo "community repository enabled"
		return
	fi
	_main=$(grep -E '^[[:space:]]*[^#[:space:]].*/main/?[[:space:]]*$' "$_repos" | head -n 1 |
		sed 's/^[[:space:]]*//; s/[[:space:]]*$//; s|/$||')
	[ -n "$_main" ] || fail repo 1 "/etc/apk/repositories: no enabled main repository to derive the community one from"
	_community=${_main%/main}/community
	begin repo "enabling $_community (podman is in community)"
	# Uncomment the matching line when there is one (setup-apkrepos writes it commented out), else append it.
	awk -v want="$_community" '
		!done && /^[ \t]*#/ {
			line = $0
			sub(/^[ \t]*#[ \t]*/, "", line); sub(/[ \t]*$/, "", line); sub(/\/$/, "", line)
			if (line == want) { print line; done = 1; next }
		}
		{ print }
		END { if (!done) print want }' "$_repos" >"$tmp/repositories" || fail repo 1 "awk: cannot read /etc/apk/repositories"
	cat "$tmp/repositories" >"$_repos" || fail repo 1 "write /etc/apk/repositories: cannot write"
	ok repo "enabled $_community"
}

alpine_packages() {
	# iptables/ip6tables serve netavark 1.x's iptables driver, nftables netavark 2's (Podman 6, Alpine 3.25 on, which
	# removed the iptables driver); crun is the runtime hoist pins. Podman depends only on a virtual oci-runtime.
	_want="podman podman-openrc iptables ip6tables nftables crun docker-cli docker-cli-compose"
	_missing=
	for _p in $_want; do
		# exit status, not output: apk prints the name of whatever package provides it
		apk info -e "$_p" >/dev/null 2>&1 || _missing="$_missing $_p"
	done
	if [ -z "$_missing" ]; then
		skip packages "podman, iptables, nftables, crun, docker-cli-compose already installed"
		return
	fi
	begin packages "apk add${_missing}"
	# shellcheck disable=SC2086 # one word per package
	run packages apk add --no-progress --update-cache $_missing
	for _p in $_missing; do add_installed "$_p"; done
	ok packages "installed${_missing}"
}

# install_file SRC DEST MODE [STEP]: copies when different; returns 0 when it changed DEST.
install_file() {
	[ -r "$1" ] || fail "${4:-health}" 1 "install $2: $1 not found (hoist uploads it beside bootstrap.sh)"
	if [ -f "$R$2" ] && cmp -s "$1" "$R$2"; then return 1; fi
	if mkdir -p "$(dirname "$R$2")" && cp "$1" "$R$2.tmp" && chmod "$3" "$R$2.tmp" && mv -f "$R$2.tmp" "$R$2"; then
		return 0
	fi
	fail "${4:-health}" 1 "install $2: cannot write"
}

# Podman's engine settings on Alpine, in a containers.conf drop-in hoist owns, written before Podman starts (and Podman
# restarted when it changed):
# - netavark's firewall driver, explicitly: iptables for netavark 1.x (its default, what hoist was checked with on the
#   3.23 line), nftables for netavark 2 (Podman 6 on 3.25), whose iptables driver is gone. Checked against aports'
#   netavark APKBUILD (1.16.0 at 3657963e: the binary is /usr/libexec/podman/netavark, the package depends on no
#   firewall tool) and the pkgs index of 3.21-3.25 (Podman 5.3.2 ... 6.2.1, netavark 2.1.0 on 3.25);
# - crun as the OCI runtime (Alpine's podman depends on a virtual oci-runtime; crun fails on hybrid cgroups, which
#   Alpine's OpenRC does not use: it mounts the unified hierarchy);
# - a size cap on every container's log (k8s-file driver; unlimited by default), also where compose's `logging`
#   options are not honoured.
# Prints the versions it found. Sets engine_changed when the drop-in changed.
engine_conf=/etc/containers/containers.conf.d/50-hoist.conf
engine_changed=
alpine_engine() {
	_netavark=$("$R/usr/libexec/podman/netavark" --version 2>/dev/null | awk '{print $NF}')
	[ -n "$_netavark" ] || fail engine 1 "/usr/libexec/podman/netavark --version: no netavark after installing podman"
	case $_netavark in 0.* | 1.*) _driver=iptables ;; *) _driver=nftables ;; esac
	_crun=$(crun --version 2>/dev/null | awk 'NR == 1 {print $NF}')
	[ -n "$_crun" ] || fail engine 1 "crun --version: no crun after installing it"
	printf '%s\n' "# Written by hoist bootstrap: netavark $_netavark's firewall driver, the OCI runtime, a cap on container logs." \
		'[containers]' 'log_size_max = 10485760' '[engine]' 'runtime = "crun"' '[network]' "firewall_driver = \"$_driver\"" >"$tmp/engine.conf"
	_what="netavark $_netavark (firewall driver $_driver), crun $_crun, container logs capped at 10 MiB"
	if install_file "$tmp/engine.conf" "$engine_conf" 644 engine; then
		engine_changed=1
		ok engine "wrote $engine_conf: $_what"
	else
		skip engine "$_what"
	fi
}

alpine_health() {
	_new_files=
	install_file "$scheduler_src" "$scheduler_dest" 755 && _new_files=1
	install_file "$initd_src" "$initd_dest" 755 && _new_files=1
	_enable=
	rc_enabled hoist-health || _enable=1
	_start=
	rc_started hoist-health || _start=1
	if [ -z "$_new_files$_enable$_start" ]; then
		skip health "hoist-health already installed and running"
		return
	fi
	_what=
	[ -z "$_new_files" ] || _what="installing the scheduler"
	[ -z "$_enable" ] || _what="${_what:+$_what, }enabling it"
	if [ -n "$_start" ]; then _what="${_what:+$_what, }starting it"; elif [ -n "$_new_files" ]; then _what="$_what, restarting it"; fi
	begin health "hoist-health: $_what"
	[ -z "$_enable" ] || run health rc-update add hoist-health default
	if [ -n "$_start" ]; then
		run health rc-service hoist-health start
	elif [ -n "$_new_files" ]; then
		run health rc-service hoist-health restart
	fi
	ok health "hoist-health runs Podman healthchecks (Podman needs systemd timers for them)"
}

alpine() {
	alpine_repo
	alpine_packages
	alpine_engine
	rc_service cgroups cgroups boot
	_podman_was_started=
	rc_started podman && _podman_was_started=1
	rc_service podman podman default
	if [ -n "$engine_changed" ] && [ -n "$_podman_was_started" ]; then
		begin podman "restarting podman for $engine_conf"
		run podman rc-service podman restart
		ok podman "podman restarted with hoist's engine settings"
	fi
	wait_socket
	detect_compose || fail tools 1 "docker compose version: no compose after installing docker-cli-compose"
	ok tools "podman $(podman --version 2>/dev/null | awk '{print $NF}'), compose $compose"
	alpine_health
}

# --- Debian/Ubuntu + systemd ------------------------------------------------------------------------------------------
deb_installed() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'; }

debian() {
	export DEBIAN_FRONTEND=noninteractive
	_missing=
	for _p in podman iptables; do deb_installed "$_p" || _missing="$_missing $_p"; done
	_need_compose=
	detect_compose || _need_compose=1
	if [ -z "$_missing" ] && [ -z "$_need_compose" ]; then
		skip packages "podman, iptables and compose already installed"
	else
		begin packages "apt-get install${_missing}${_need_compose:+ and a compose}"
		run packages apt-get -q update
		if [ -n "$_need_compose" ]; then
			_compose_pkg=
			for _c in docker-compose-v2 docker-compose-plugin docker-compose; do
				if apt-cache show "$_c" >/dev/null 2>&1; then
					_compose_pkg=$_c
					break
				fi
			done
			[ -n "$_compose_pkg" ] || fail packages 1 "apt-cache show docker-compose: no compose package (docker-compose-v2, docker-compose-plugin or docker-compose) in the configured repositories"
			_missing="$_missing $_compose_pkg"
		fi
		# shellcheck disable=SC2086 # one word per package
		run packages apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends $_missing
		for _p in $_missing; do add_installed "$_p"; done
		ok packages "installed${_missing}"
	fi
	if systemctl is-enabled --quiet podman.socket 2>/dev/null && systemctl is-active --quiet podman.socket 2>/dev/null; then
		skip podman "podman.socket already enabled and active"
	else
		begin podman "systemctl enable --now podman.socket"
		run podman systemctl enable --now podman.socket
		ok podman "podman.socket enabled and active"
	fi
	wait_socket
	detect_compose || fail tools 1 "docker-compose version: no compose after installing one"
	ok tools "podman $(podman --version 2>/dev/null | awk '{print $NF}'), compose $compose"
	skip health "Podman runs healthchecks through systemd timers"
}

# --- no service manager (containers, the sandbox, hosts set up by hand): check only, change nothing -------------------
unmanaged() {
	skip packages "installed nothing (no service manager on this host)"
	if socket_answers >"$tmp/sock" 2>&1; then
		ok socket "Podman API answers on $socket"
	else
		fail socket 1 "$(socket_probe_cmd): $(last_line "$tmp/sock") (hoist starts no service on a host without a service manager: run 'podman system service --time 0 unix://$socket' yourself)"
	fi
	_missing=
	have podman || _missing="podman"
	detect_compose || _missing="${_missing:+$_missing and }a compose (docker compose plugin or docker-compose)"
	[ -z "$_missing" ] || fail tools 1 "command -v: $_missing not found (hoist installs nothing on a host without a service manager: install it yourself)"
	ok tools "podman $(podman --version 2>/dev/null | awk '{print $NF}'), compose $compose"
	skip health "no service manager to run the health scheduler (run health-scheduler.sh yourself if you need healthchecks)"
}

firstboot
detect
[ "$manager" = none ] || swap
case $manager in
openrc) alpine ;;
systemd) debian ;;
none) unmanaged ;;
esac
migrate_req=no
[ -e "$R/proc/sys/net/ipv4/tcp_migrate_req" ] && migrate_req=yes
echo "hoist-bootstrap os=$os_id version=$os_version manager=$manager compose=$compose installed=${installed:-none} compose_cmd=$compose_cmd migrate_req=$migrate_req"
