#!/usr/bin/env bash
# Installs what the end-to-end tests, the stand-ins' tests and the demo need on a fresh Debian 12 machine (root):
# - Docker Engine, the CNCF registry, htpasswd, busybox, iproute2 (the containerd-store daemon's own bridge);
# - QEMU user emulation (qemu-user-static, binfmt-support) for linux/arm64 builds;
# - Docker Engine 26 (docker.io, docker-cli), buildx and cosign from trixie, pinned low so nothing else upgrades
#   (bookworm's 20.10 engine has no containerd image store);
# - the arm64 busybox-static .deb, cached in /var/cache/ecr-build-push for the multi-platform base image;
# - trixie's source lists, for BuildKit's sources (scripts/build-buildkit-image.sh builds the driver image).
# It installs; it starts nothing: __tests__/support/local-stack.mjs starts the daemons and registers QEMU.
# Idempotent: when everything is present it only checks, in well under a second.
set -euo pipefail

cache=/var/cache/ecr-build-push

have_arm64_busybox() { compgen -G "$cache/busybox-static_*_arm64.deb" >/dev/null; }
have_all() {
  command -v dockerd >/dev/null && command -v docker-registry >/dev/null &&
    command -v htpasswd >/dev/null && command -v busybox >/dev/null && command -v ip >/dev/null &&
    command -v cosign >/dev/null && [ -x /usr/bin/qemu-aarch64-static ] &&
    [ -f /usr/lib/binfmt.d/qemu-aarch64.conf ] && have_arm64_busybox &&
    [ -f /etc/apt/sources.list.d/trixie-src.sources ] &&
    docker buildx version >/dev/null 2>&1 && engine_26
}
engine_26() { dpkg --compare-versions "$(dpkg-query -W -f '${Version}' docker.io 2>/dev/null)" ge 26; }
if have_all; then exit 0; fi

export DEBIAN_FRONTEND=noninteractive
native=$(dpkg --print-architecture)
if [ ! -f /etc/apt/sources.list.d/trixie.sources ]; then
  # Only the native architecture from trixie: the arm64 lists are needed from bookworm alone.
  cat >/etc/apt/sources.list.d/trixie.sources <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Architectures: $native
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  cat >/etc/apt/preferences.d/trixie-low <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
fi
# BuildKit's sources for the docker-container driver's image (scripts/build-buildkit-image.sh): trixie's docker.io.
if [ ! -f /etc/apt/sources.list.d/trixie-src.sources ]; then
  cat >/etc/apt/sources.list.d/trixie-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
# The arm64 busybox comes from bookworm's arm64 lists.
if [ "$native" != arm64 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
fi
apt-get update -qq
apt-get install -y -qq docker.io docker-registry apache2-utils busybox-static iproute2 \
  qemu-user-static binfmt-support >/dev/null
# Bookworm's packages (and their recommends) are in place first, so trixie brings only what these need: named
# here, since docker-buildx only recommends docker-cli and would leave bookworm's 20.10 engine in place.
apt-get install -y -qq --no-install-recommends -t trixie docker.io docker-cli docker-buildx cosign >/dev/null

if ! have_arm64_busybox; then
  install -d -m 0755 "$cache"
  # apt downloads as _apt when it can write the directory; a temporary one avoids the unsandboxed warning.
  download=$(mktemp -d)
  chown _apt "$download" 2>/dev/null || true
  (cd "$download" && apt-get download -qq busybox-static:arm64)
  mv "$download"/busybox-static_*_arm64.deb "$cache"/
  rm -rf "$download"
fi
dockerd --version
docker buildx version
cosign version 2>/dev/null | grep -m1 GitVersion || true
qemu-aarch64-static --version | head -n1
