#!/usr/bin/env bash
# Installs what the end-to-end tests and the demo need on a fresh Debian 12 machine:
# Docker Engine, buildx (static binary from trixie, pinned low so nothing else upgrades),
# the CNCF registry and htpasswd. Idempotent: does nothing when everything is present.
set -euo pipefail

have_all() {
  command -v dockerd >/dev/null && command -v docker-registry >/dev/null &&
    command -v htpasswd >/dev/null && command -v busybox >/dev/null &&
    docker buildx version >/dev/null 2>&1
}
if have_all; then exit 0; fi

export DEBIAN_FRONTEND=noninteractive
if [ ! -f /etc/apt/sources.list.d/trixie.sources ]; then
  cat >/etc/apt/sources.list.d/trixie.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  cat >/etc/apt/preferences.d/trixie-low <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
fi
apt-get update -qq
apt-get install -y -qq docker.io docker-registry apache2-utils busybox-static >/dev/null
apt-get install -y -qq -t trixie docker-buildx >/dev/null
docker buildx version
