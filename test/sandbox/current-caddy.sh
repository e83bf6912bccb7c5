#!/bin/bash
# Puts a current Caddy in /opt/hoist-sandbox/caddy for the sandbox's stand-in of the caddy image. hoist deploys
# docker.io/library/caddy:2 (2.10 and later today); Debian 12's own caddy is 2.6.2, which a real host never runs: its
# reload can fail a handshake while the new config has no certificates yet (caddyserver/caddy#5589, fixed in 2.7),
# it has no ARI, it cannot read the {file.*} placeholders hoist's Caddyfile routes through (2.8+), and its logs read
# differently. Debian's trixie-backports builds a current Caddy; the binary needs
# only libc (>= 2.34; Debian 12 has 2.36). Checked as apt would: InRelease by Debian's archive keyring (gpgv),
# Packages.xz by InRelease's SHA256, the .deb by Packages' SHA256. Does nothing when it is there.
set -euo pipefail

DEST=${HOIST_SANDBOX_CADDY_DIR:-/opt/hoist-sandbox/caddy}
MIRROR=${HOIST_SANDBOX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=trixie-backports
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

[[ -x $DEST/usr/bin/caddy ]] && exit 0
[[ $(id -u) == 0 ]] || { echo "current-caddy.sh: $DEST/usr/bin/caddy missing; run it as root to install it" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fetch() { curl -fsS --retry 3 --max-time 300 -o "$2" "$MIRROR/$1"; }
die() { echo "current-caddy.sh: $*" >&2; exit 1; }

fetch "dists/$SUITE/InRelease" "$work/InRelease"
gpgv --keyring "$KEYRING" --output "$work/Release" "$work/InRelease" 2>/dev/null || die "$SUITE/InRelease: bad signature"
index=main/binary-amd64/Packages.xz
want=$(awk -v f="$index" '/^SHA256:/{s=1; next} /^[^ ]/{s=0} s && $3 == f {print $1}' "$work/Release")
[[ -n $want ]] || die "$SUITE/Release lists no $index"
fetch "dists/$SUITE/$index" "$work/Packages.xz"
[[ $(sha256sum "$work/Packages.xz" | cut -d' ' -f1) == "$want" ]] || die "$index: checksum differs from Release"

# The caddy stanza: its file and checksum.
read -r file sum version < <(xz -dc "$work/Packages.xz" | awk '
	/^Package: / {p = ($2 == "caddy")} p && /^Filename: / {f = $2} p && /^SHA256: / {s = $2} p && /^Version: / {v = $2}
	/^$/ && p && f {print f, s, v; exit}')
[[ -n ${file:-} && -n ${sum:-} ]] || die "$SUITE has no caddy for amd64"
fetch "$file" "$work/caddy.deb"
[[ $(sha256sum "$work/caddy.deb" | cut -d' ' -f1) == "$sum" ]] || die "$file: checksum differs from Packages"

dpkg-deb -x "$work/caddy.deb" "$work/root"
"$work/root/usr/bin/caddy" version >/dev/null || die "caddy $version from $SUITE does not run here"
rm -rf "$DEST.new" && mkdir -p "$(dirname "$DEST")" && mv "$work/root" "$DEST.new"
rm -rf "$DEST" && mv "$DEST.new" "$DEST"
echo "current-caddy.sh: caddy $version from $SUITE in $DEST" >&2
