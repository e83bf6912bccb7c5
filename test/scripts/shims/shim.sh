#!/bin/sh
# Recording stand-in for the commands bootstrap.sh runs (apk, rc-update, rc-service, openrc, apt-get, apt-cache,
# dpkg-query, systemctl, podman, docker, docker-compose, curl, crun). Installed under each command's name in a
# directory on PATH; it appends "<name> <args>" to $SHIM_LOG and answers from the state in $SHIM_STATE:
#   apk-installed, dpkg-installed, apt-available   package names, one a line (install/add append to them)
#   started/<svc>, enabled/<unit>, active/<unit>    OpenRC / systemd service state
#   socket-up                                       the Podman API socket answers
#   apk-upgrade                                     what `apk upgrade` prints (then nothing: it upgraded those)
#   apk-upgrade-modules                             "<old> <new>": the kernel upgrade replaces /lib/modules/<old>
#   compose-plugin-works, compose-v1-works          `docker compose` / `docker-compose` work without an install
#   fail                                            lines "<glob over 'name args'><TAB><exit code><TAB><message>":
#                                                   the first matching call prints the message and fails
# rc-update writes the runlevel symlink under $HOIST_ROOT/etc/runlevels, as the real one does.
set -u
export PATH=/usr/local/bin:/usr/bin:/bin
name=${0##*/}
S=$SHIM_STATE
call="$name $*"
printf '%s\n' "$call" >>"$SHIM_LOG"

if [ -f "$S/fail" ]; then
	tab=$(printf '\t')
	while IFS=$tab read -r pattern code message; do
		# shellcheck disable=SC2254 # the pattern is a glob on purpose
		case $call in $pattern)
			printf '%s\n' "$message" >&2
			exit "$code"
			;;
		esac
	done <"$S/fail"
fi

has() { [ -f "$S/$1" ] && grep -qx "$2" "$S/$1"; }
# Package names among the arguments: skip options and the value after -o.
packages() {
	skip=
	for a in "$@"; do
		if [ -n "$skip" ]; then skip=; continue; fi
		case $a in -o) skip=1 ;; -*) ;; *) printf '%s\n' "$a" ;; esac
	done
}

case $name in
apk)
	case ${1:-} in
	info)
		shift
		missing=0
		for p in $(packages "$@"); do if has apk-installed "$p"; then echo "$p"; else missing=$((missing + 1)); fi; done
		exit "$missing"
		;;
	add)
		shift
		packages "$@" >>"$S/apk-installed"
		echo "OK: installed $(packages "$@" | tr '\n' ' ')"
		;;
	upgrade)
		[ ! -f "$S/apk-upgrade" ] || cat "$S/apk-upgrade"
		if [ -f "$S/apk-upgrade-modules" ]; then
			read -r old new <"$S/apk-upgrade-modules"
			rm -rf "${HOIST_ROOT:?}/lib/modules/$old"
			mkdir -p "$HOIST_ROOT/lib/modules/$new"
		fi
		rm -f "$S/apk-upgrade" "$S/apk-upgrade-modules"
		echo "OK: 312 MiB in 57 packages"
		;;
	esac
	;;
rc-update)
	[ "${1:-}" = add ] || exit 0
	mkdir -p "$HOIST_ROOT/etc/runlevels/$3"
	ln -sf "/etc/init.d/$2" "$HOIST_ROOT/etc/runlevels/$3/$2"
	echo " * service $2 added to runlevel $3"
	;;
rc-service)
	case ${2:-} in
	status)
		if [ -e "$S/started/$1" ]; then echo " * status: started"; else
			echo " * status: stopped"
			exit 3
		fi
		;;
	start | restart)
		mkdir -p "$S/started"
		: >"$S/started/$1"
		[ "$1" != podman ] || : >"$S/socket-up"
		echo " * Starting $1 ... [ ok ]"
		;;
	esac
	;;
openrc) ;;
systemctl)
	case ${1:-} in
	is-enabled) exit "$([ -e "$S/enabled/$3" ] && echo 0 || echo 1)" ;;
	is-active) exit "$([ -e "$S/active/$3" ] && echo 0 || echo 1)" ;;
	enable)
		mkdir -p "$S/enabled" "$S/active"
		: >"$S/enabled/$3"
		: >"$S/active/$3"
		: >"$S/socket-up"
		;;
	esac
	;;
dpkg-query)
	pkg=$(packages "$@" | tail -n 1)
	if has dpkg-installed "$pkg"; then printf 'ii '; else
		echo "dpkg-query: no packages found matching $pkg" >&2
		exit 1
	fi
	;;
apt-cache)
	[ "${1:-}" = show ] || exit 0
	if has apt-available "$2"; then echo "Package: $2"; else
		echo "N: Unable to locate package $2" >&2
		exit 100
	fi
	;;
apt-get)
	case ${1:-} in
	update | -q) echo "Reading package lists..." ;;
	*)
		packages "$@" | grep -vx install >>"$S/dpkg-installed"
		echo "Setting up packages"
		;;
	esac
	;;
curl | podman)
	case " $* " in
	*' --unix-socket '* | *' --remote '*)
		[ -e "$S/socket-up" ] && exit 0
		echo "curl: (7) Failed to connect to the socket" >&2
		exit 7
		;;
	*' --version '*) echo "podman version 5.2.5" ;;
	esac
	;;
docker)
	[ "${1:-}" = compose ] || exit 0
	if has apk-installed docker-cli-compose || has dpkg-installed docker-compose-v2 ||
		has dpkg-installed docker-compose-plugin || [ -e "$S/compose-plugin-works" ]; then
		echo "Docker Compose version v2.29.7"
	else
		echo "docker: 'compose' is not a docker command." >&2
		exit 1
	fi
	;;
crun) echo "crun version ${SHIM_CRUN_VERSION:-1.19.1}" ;;
docker-compose)
	if has dpkg-installed docker-compose || [ -e "$S/compose-v1-works" ]; then echo "1.29.2"; else
		echo "docker-compose: not installed" >&2
		exit 127
	fi
	;;
*)
	echo "shim.sh: no behaviour for $name" >&2
	exit 127
	;;
esac
exit 0
