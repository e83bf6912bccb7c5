#!/bin/bash
# Install the Debian packages the sandbox needs, only those missing (fast no-op on a warm machine).
# moto_server is not a Debian package: it is expected preinstalled (see find_moto_server in up.sh).
set -euo pipefail

PACKAGES=(
	openssh-server openssh-client podman buildah runc conmon netavark aardvark-dns containernetworking-plugins
	busybox-static docker-registry apache2-utils docker-compose pebble knot knot-dnsutils knot-module-dnstap unbound
	iptables nftables fuse-overlayfs uidmap catatonit opendoas bind9-dnsutils curl openssl jq python3 iproute2 util-linux
	passwd shellcheck gpgv xz-utils
)

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $status == ii* ]] || missing+=("$p")
done
if (( ${#missing[@]} == 0 )); then
	# The caddy image's Caddy is not Debian 12's (see current-caddy.sh); it needs curl, gpgv and xz from the packages.
	exec "$(dirname "$0")/current-caddy.sh"
fi
# Root only when something is missing: on a prepared machine the tests that need these tools run as anyone.
[[ $(id -u) == 0 ]] || { echo "install-packages.sh: ${missing[*]} missing; run it as root to install them" >&2; exit 1; }

echo "install-packages.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Package installs must not start daemons (Debian would start sshd, knot, caddy, docker-registry on the host).
policy=/usr/sbin/policy-rc.d
created_policy=
if [[ ! -e $policy ]]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	created_policy=1
fi
cleanup() { if [[ -n $created_policy ]]; then rm -f "$policy"; fi; }
trap cleanup EXIT

apt_get() { apt-get -o DPkg::Lock::Timeout=600 -y "$@"; }
if ! apt_get install --no-install-recommends "${missing[@]}"; then
	apt_get update
	apt_get install --no-install-recommends "${missing[@]}"
fi
"$(dirname "$0")/current-caddy.sh"
