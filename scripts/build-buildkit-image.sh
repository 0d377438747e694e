#!/usr/bin/env bash
# build-buildkit-image.sh - build BuildKit (buildkitd + buildctl) offline from Debian's
# docker.io source package (trixie) with Debian's Go toolchain and golang-*-dev packages,
# then make a local image usable as buildx's docker-container driver image.
#
# Assumes a Debian 12 (bookworm) machine with docker.io installed and a trixie apt source
# pinned low (priority 100), as on this project's machines. Needs root.
# Nothing is installed system-wide except golang-1.24-go/golang-1.24-src from trixie
# (arch-independent Go toolchain, no libc dependency); the golang-*-dev packages are
# only downloaded and unpacked into a private GOPATH under $BK_WORK.
#
# Environment knobs:
#   BK_WORK         work directory            (default /var/tmp/bk-build)
#   BK_IMAGE        image tag to create       (default moby/buildkit:buildx-stable-1)
#   BK_APT_UPDATE   1 = run apt-get update    (default 1; set 0 if done already)
#   BK_FORCE        1 = rebuild everything    (default 0: reuse what is already there)
#   BK_NO_IMAGE     1 = only build binaries   (default 0)
#   BK_CLEAN        1 = delete intermediates (sources, debs, GOPATH, Go cache) at the end (default 0)
#   DOCKER_HOST     daemon to load the image into (docker's default if unset)
#
# Outputs: $BK_WORK/out/{buildkitd,buildctl}, $BK_WORK/rootfs, the image $BK_IMAGE.
# Idempotent: each step is skipped when its result is already present (BK_FORCE=1 redoes all).
set -euo pipefail
SELF=$(readlink -f "$0")

BK_WORK=${BK_WORK:-/var/tmp/bk-build}
BK_IMAGE=${BK_IMAGE:-moby/buildkit:buildx-stable-1}
BK_APT_UPDATE=${BK_APT_UPDATE:-1}
BK_FORCE=${BK_FORCE:-0}
BK_NO_IMAGE=${BK_NO_IMAGE:-0}
SRC_PKG=docker.io
SRC_REL=trixie
GO_PKG=golang-1.24-go
GOROOT_DIR=/usr/lib/go-1.24
BUILDKIT_PKG=github.com/moby/buildkit

# golang-*-dev packages (Debian trixie) that cmd/buildkitd and cmd/buildctl import, found with
# `go list -deps` against the whole golang build-dependency closure of docker.io. BuildKit's own
# (partial) vendor/ dir and the engine source (github.com/docker/docker) from the same source
# package cover the rest.
GODEV_PKGS=(
  golang-github-agext-levenshtein-dev golang-github-appc-cni-dev golang-github-armon-circbuf-dev
  golang-github-aws-aws-sdk-go-v2-dev golang-github-aws-smithy-go-dev golang-github-beorn7-perks-dev
  golang-github-cenkalti-backoff-dev golang-github-cespare-xxhash-dev golang-github-containerd-console-dev
  golang-github-containerd-containerd-dev golang-github-containerd-continuity-dev
  golang-github-containerd-errdefs-dev golang-github-containerd-fifo-dev golang-github-containerd-go-cni-dev
  golang-github-containerd-go-runc-dev golang-github-containerd-log-dev golang-github-containerd-platforms-dev
  golang-github-containerd-ttrpc-dev golang-github-containerd-typeurl-dev golang-github-coreos-bbolt-dev
  golang-github-coreos-go-systemd-dev golang-github-dimchansky-utfbom-dev
  golang-github-distribution-reference-dev golang-github-docker-docker-credential-helpers-dev
  golang-github-docker-go-connections-dev golang-github-docker-go-events-dev
  golang-github-docker-go-metrics-dev golang-github-docker-go-units-dev golang-github-felixge-httpsnoop-dev
  golang-github-go-logr-logr-dev golang-github-go-logr-stdr-dev golang-github-gofrs-flock-dev
  golang-github-gogo-googleapis-dev golang-github-gogo-protobuf-dev golang-github-golang-groupcache-dev
  golang-github-golang-jwt-jwt-dev golang-github-golang-protobuf-1-5-dev golang-github-google-go-cmp-dev
  golang-github-google-shlex-dev golang-github-google-uuid-dev golang-github-grpc-ecosystem-grpc-gateway-dev
  golang-github-hashicorp-errwrap-dev golang-github-hashicorp-go-immutable-radix-dev
  golang-github-hashicorp-go-multierror-dev golang-github-hashicorp-golang-lru-dev
  golang-github-in-toto-in-toto-golang-dev golang-github-klauspost-compress-dev
  golang-github-mitchellh-hashstructure-dev golang-github-moby-docker-image-spec-dev
  golang-github-moby-locker-dev golang-github-moby-patternmatcher-dev golang-github-moby-sys-dev
  golang-github-morikuni-aec-dev golang-github-munnerz-goautoneg-dev golang-github-opencontainers-go-digest-dev
  golang-github-opencontainers-image-spec-dev golang-github-opencontainers-selinux-dev
  golang-github-opencontainers-specs-dev golang-github-pelletier-go-toml-dev golang-github-pkg-errors-dev
  golang-github-prometheus-client-golang-dev golang-github-prometheus-client-model-dev
  golang-github-prometheus-common-dev golang-github-prometheus-procfs-dev
  golang-github-secure-systems-lab-go-securesystemslib-dev golang-github-shibumi-go-pathspec-dev
  golang-github-sirupsen-logrus-dev golang-github-tonistiigi-units-dev golang-github-vbatts-tar-split-dev
  golang-github-vishvananda-netlink-dev golang-github-vishvananda-netns-dev golang-golang-x-crypto-dev
  golang-golang-x-net-dev golang-golang-x-sync-dev golang-golang-x-sys-dev golang-golang-x-text-dev
  golang-golang-x-time-dev golang-google-genproto-dev golang-google-grpc-dev golang-google-protobuf-dev
  golang-opentelemetry-contrib-dev golang-opentelemetry-otel-dev golang-opentelemetry-proto-dev
)

log() { printf '[build-buildkit-image %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
T0=$(date +%s)
step_t=$T0
step() { local now; now=$(date +%s); log "step done in $((now - step_t))s: $1"; step_t=$now; }

[ "$(id -u)" = 0 ] || die "must run as root (apt-get, docker import)"
if [ "$BK_FORCE" = 1 ]; then log "BK_FORCE=1: removing $BK_WORK"; rm -rf "$BK_WORK"; fi
mkdir -p "$BK_WORK"/{dl,debs,gocode,gopath,out,stamps}
cd "$BK_WORK"
# let apt's _apt user write the downloads (avoids "Download is performed unsandboxed" warnings)
id _apt >/dev/null 2>&1 && chown _apt dl debs
export DEBIAN_FRONTEND=noninteractive

# --- 0. apt indices -----------------------------------------------------------------------
if [ "$BK_APT_UPDATE" = 1 ] && [ ! -e stamps/apt-update ]; then
  log "apt-get update"
  apt-get update -q >/dev/null
  touch stamps/apt-update
fi
apt-cache policy "$GO_PKG" | grep -q "$SRC_REL" || die "no $SRC_REL apt source with $GO_PKG (see /etc/apt/sources.list.d)"
step "apt indices"

# --- 1. Go toolchain (trixie, no libc dependency) -----------------------------------------
if [ ! -x "$GOROOT_DIR/bin/go" ]; then
  log "installing $GO_PKG/$SRC_REL"
  # Only the toolchain comes from trixie; check first that apt would not pull anything else.
  extra=$(apt-get install -s --no-install-recommends "$GO_PKG/$SRC_REL" | awk '/^Inst /{print $2}' | grep -v '^golang-1\.24-' || true)
  [ -z "$extra" ] || die "installing $GO_PKG/$SRC_REL would also install/upgrade: $extra"
  apt-get install -y -q --no-install-recommends "$GO_PKG/$SRC_REL" >/dev/null
fi
export PATH="$GOROOT_DIR/bin:$PATH"
go version >&2
# runc and busybox for the image (runc comes with docker.io; busybox-static from bookworm)
need=()
command -v runc >/dev/null || need+=(runc)
[ -x /bin/busybox ] || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then log "installing ${need[*]}"; apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null; fi
step "toolchain"

if [ -x out/buildkitd ] && [ -x out/buildctl ] && [ -s stamps/built ]; then
  read -r BK_VERSION DEB_VERSION < stamps/built
  log "buildkitd/buildctl $BK_VERSION already built in $BK_WORK/out (BK_FORCE=1 to rebuild)"
else
  # --- 2. source: docker.io (trixie) component tarballs + Debian patches ---------------------
  SRC_DIR=$BK_WORK/src
  if [ ! -e stamps/source ]; then
    log "downloading $SRC_PKG source from $SRC_REL"
    # `apt-get source` would also fetch the .dsc, which the archive mirror here does not always
    # serve (404): fetch the tarballs listed by --print-uris with apt's own helper, hash-checked.
    apt-get source -q --print-uris -t "$SRC_REL" "$SRC_PKG" | grep "^'" | grep -v '\.dsc'"'" > dl/uris
    [ -s dl/uris ] || die "apt-get source --print-uris gave nothing"
    while read -r uri name _size hash; do
      uri=${uri//\'/}
      [ -s "dl/$name" ] || /usr/lib/apt/apt-helper download-file "$uri" "dl/$name" "$hash" >/dev/null
    done < dl/uris
    rm -rf "$SRC_DIR"; mkdir -p "$SRC_DIR"/{buildkit,cli}
    # Layout as dpkg-source would make it: engine/, buildkit/, cli/, debian/
    tar -xf dl/*dfsg1.orig.tar.xz -C "$SRC_DIR" --strip-components=2          # ./moby-moby-*/engine
    tar -xf dl/*.orig-buildkit.tar.xz -C "$SRC_DIR/buildkit" --strip-components=2
    tar -xf dl/*.orig-cli.tar.xz -C "$SRC_DIR/cli" --strip-components=2
    tar -xf dl/*.debian.tar.xz -C "$SRC_DIR"
    (cd "$SRC_DIR" && grep -v '^#' debian/patches/series | grep . | while read -r p; do
       patch -p1 -s -N --batch < "debian/patches/$p" || { echo "patch $p failed" >&2; exit 1; }
     done)
    touch stamps/source
  fi
  BK_VERSION=$(awk '$1=="github.com/moby/buildkit"{print $2}' "$SRC_DIR/engine/vendor.mod")
  DEB_VERSION=$(sed -n '1s/.*(\(.*\)).*/\1/p' "$SRC_DIR/debian/changelog")
  log "BuildKit $BK_VERSION from $SRC_PKG $DEB_VERSION"
  step "source"

  # --- 3. golang-*-dev packages unpacked into a private GOPATH entry -------------------------
  if [ ! -e stamps/gocode ]; then
    log "downloading ${#GODEV_PKGS[@]} golang-*-dev packages from $SRC_REL"
    rm -rf debs gocode; mkdir -p debs gocode
    id _apt >/dev/null 2>&1 && chown _apt debs
    (cd debs && apt-get download -q $(printf '%s/'"$SRC_REL"' ' "${GODEV_PKGS[@]}") >/dev/null 2>debs.err) \
      || { cat debs/debs.err >&2; die "apt-get download failed"; }
    for d in debs/*.deb; do dpkg-deb -x "$d" gocode; done
    touch stamps/gocode
  fi
  # GOPATH: ours first (buildkit + engine from the source package), then the unpacked Debian gocode
  GP=$BK_WORK/gopath
  if [ ! -e stamps/gopath ]; then
    rm -rf "$GP"; mkdir -p "$GP/src/github.com/moby" "$GP/src/github.com/docker"
    cp -a "$SRC_DIR/buildkit" "$GP/src/github.com/moby/buildkit"
    # github.com/docker/docker = engine, without its (partial) vendor dir, as Debian's
    # golang-github-docker-docker-dev package ships it.
    cp -a "$SRC_DIR/engine" "$GP/src/github.com/docker/docker"
    rm -rf "$GP/src/github.com/docker/docker/vendor"
    touch stamps/gopath
  fi
  step "gopath"

  # --- 4. compile ---------------------------------------------------------------------------
  export GO111MODULE=off GOPROXY=off GOFLAGS= GOTOOLCHAIN=local CGO_ENABLED=0
  export GOPATH="$GP:$BK_WORK/gocode/usr/share/gocode" GOCACHE="$BK_WORK/gocache"
  LDFLAGS="-s -w -X $BUILDKIT_PKG/version.Version=$BK_VERSION -X $BUILDKIT_PKG/version.Revision=debian-$DEB_VERSION -X $BUILDKIT_PKG/version.Package=$BUILDKIT_PKG"
  cd "$GP/src/$BUILDKIT_PKG"
  if [ ! -x "$BK_WORK/out/buildkitd" ] || ! "$BK_WORK/out/buildkitd" --version 2>/dev/null | grep -q "$BK_VERSION"; then
    log "go build ./cmd/buildkitd"
    # tags as in BuildKit's own Dockerfile (buildkitd stage)
    go build -trimpath -o "$BK_WORK/out/buildkitd" -ldflags "$LDFLAGS -extldflags -static" \
      -tags "osusergo netgo static_build seccomp" ./cmd/buildkitd
  fi
  if [ ! -x "$BK_WORK/out/buildctl" ] || ! "$BK_WORK/out/buildctl" --version 2>/dev/null | grep -q "$BK_VERSION"; then
    log "go build ./cmd/buildctl"
    go build -trimpath -o "$BK_WORK/out/buildctl" -ldflags "$LDFLAGS" ./cmd/buildctl
  fi
  cd "$BK_WORK"
  "$BK_WORK/out/buildkitd" --version >&2 2>/dev/null
  "$BK_WORK/out/buildctl" --version >&2 2>/dev/null
  step "compile"
  echo "$BK_VERSION $DEB_VERSION" > "$BK_WORK/stamps/built"
fi
[ "$BK_NO_IMAGE" = 1 ] && { log "BK_NO_IMAGE=1: binaries in $BK_WORK/out (total $(( $(date +%s) - T0 ))s)"; exit 0; }

# --- 5. image rootfs: buildkitd, buildctl, runc (+ its shared libs), busybox ---------------
command -v docker >/dev/null || die "docker CLI not found"
docker info >/dev/null 2>&1 || die "docker daemon not reachable (DOCKER_HOST=${DOCKER_HOST:-default})"
RUNC=$(readlink -f "$(command -v runc)")
# content key: skip the import when the image already holds exactly these binaries
KEY=$(cat "$BK_WORK/out/buildkitd" "$BK_WORK/out/buildctl" "$RUNC" /bin/busybox "$SELF" | sha256sum | cut -c1-32)
have=$(docker image inspect -f '{{index .Config.Labels "local.buildkit.content-key"}}' "$BK_IMAGE" 2>/dev/null || true)
if [ "$have" = "$KEY" ] && [ "$BK_FORCE" != 1 ]; then
  log "$BK_IMAGE is up to date (content key $KEY)"
else
  R=$BK_WORK/rootfs
  rm -rf "$R"
  mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc/buildkit,etc/ssl/certs,var/lib/buildkit,run,tmp,root,proc,sys,dev}
  chmod 1777 "$R/tmp"
  install -m 0755 "$BK_WORK/out/buildkitd" "$BK_WORK/out/buildctl" "$R/usr/bin/"
  # Debian's runc (bookworm 1.1.x, installed with docker.io) and the shared libraries it needs
  # (libseccomp, libc, the dynamic loader), at their real paths
  install -m 0755 "$RUNC" "$R/usr/bin/runc"
  for lib in $(ldd "$RUNC" | grep -o '/[^ ]*'); do
    real=$(readlink -f "$lib")
    mkdir -p "$R$(dirname "$lib")" "$R$(dirname "$real")"
    cp -L "$real" "$R$real"
    [ "$lib" = "$real" ] || ln -sf "$real" "$R$lib"
  done
  # busybox (static): a shell and the usual tools, for `docker exec` debugging
  install -m 0755 /bin/busybox "$R/bin/busybox"
  for app in $(/bin/busybox --list); do
    [ -e "$R/bin/$app" ] || [ -e "$R/usr/bin/$app" ] || ln -s busybox "$R/bin/$app"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$R/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"
  printf 'hosts: files dns\n' > "$R/etc/nsswitch.conf"
  if [ -s /etc/ssl/certs/ca-certificates.crt ]; then cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/"; fi
  # self-test of runc inside the rootfs (catches a missing library)
  chroot "$R" /usr/bin/runc --version >/dev/null || die "runc does not run inside the rootfs"
  step "rootfs"

  # --- 6. import as image (laid out like BuildKit's Dockerfile target buildkit-linux) -----
  log "docker import -> $BK_IMAGE"
  tar -C "$R" --numeric-owner -c . | docker import \
    --change 'ENTRYPOINT ["buildkitd"]' \
    --change 'VOLUME /var/lib/buildkit' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV BUILDKIT_SETUP_CGROUPV2_ROOT=1' \
    --change "LABEL org.opencontainers.image.version=$BK_VERSION org.opencontainers.image.source=debian:$SRC_PKG=$DEB_VERSION local.buildkit.content-key=$KEY" \
    - "$BK_IMAGE" >/dev/null
fi
docker run --rm --entrypoint buildkitd "$BK_IMAGE" --version >&2 2>/dev/null
docker run --rm --entrypoint buildctl "$BK_IMAGE" --version >&2 2>/dev/null
docker image ls "$BK_IMAGE" >&2
step "image"
if [ "${BK_CLEAN:-0}" = 1 ]; then
  log "BK_CLEAN=1: removing intermediates (sources, debs, GOPATH, Go build cache, rootfs)"
  rm -rf "$BK_WORK"/{dl,debs,gocode,gopath,gocache,src,rootfs} "$BK_WORK"/stamps/{source,gocode,gopath}
fi
log "done in $(( $(date +%s) - T0 ))s: $BK_IMAGE (BuildKit $BK_VERSION)"
