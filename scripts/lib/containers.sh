# Sourced by scripts/container-test.sh and scripts/test-java21.sh: podman, and the base images they build on.
#
# Where images can be pulled, docker/Dockerfile builds from its default bases (golang, eclipse-temurin). Where no
# image registry is reachable (this project's build machines), the bases are made here instead, from Debian 13
# (trixie) packages: debootstrap a minimal system, import it into podman, then add Debian's Go, OpenJDK 21 JDK or
# JRE on top. Each made image is kept and reused until its recipe below changes (a label holds the recipe's hash),
# so only the first run pays for it (about 2 minutes).
#
# Such bases trust what this machine trusts: its CA bundle and its Java trust store are copied in, else Maven and
# the Go module proxy fail with certificate errors inside the build when the network goes through a TLS-inspecting
# proxy.

# podman with the runc runtime: the default (crun) fails on the cgroup layout of some kernels, runc works on all.
# Without systemd, podman complains on every container with a HEALTHCHECK that it cannot set up the timer that
# would run it periodically: harmless (the checks run it with `podman healthcheck run`), so those lines are dropped.
pm() { podman --runtime runc "$@" 2> >(grep -v 'unable to get systemd connection' >&2); }

# The Go toolchain the bridge is built with: Debian's go fetches it from the Go module proxy (golang.org/toolchain).
WAW_GO_TOOLCHAIN="${WAW_GO_TOOLCHAIN:-go1.26.8}"
WAW_DEBIAN_SUITE=trixie
WAW_BASE_IMAGE="localhost/waw-base/debian:$WAW_DEBIAN_SUITE"

ensure_podman() {
  if command -v podman >/dev/null 2>&1 && command -v runc >/dev/null 2>&1 && command -v debootstrap >/dev/null 2>&1; then
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "podman, runc and debootstrap are needed: install them"
  say "installing podman, runc and debootstrap (Debian packages)"
  as_root apt-get update -qq || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null \
    || die "apt-get install podman runc debootstrap failed"
}

# --ulimit options no higher than this shell's own limits: a container may not raise them, and podman's defaults
# can be above what a CI job is allowed. Processes are capped lower still (16384, plenty for one JVM): runc was
# seen refusing an nproc limit close to the shell's own ("error setting rlimit type 6").
container_limits() {
  local files processes
  files="$(ulimit -n)"; processes="$(ulimit -u)"
  [ "$files" = unlimited ] && files=65536
  { [ "$processes" = unlimited ] || [ "$processes" -gt 16384 ]; } && processes=16384
  printf '%s\n' --ulimit "nofile=$files:$files" --ulimit "nproc=$processes:$processes"
}

# The files that make a made image trust what this machine trusts.
host_trust_files() {
  local java_cacerts=""
  [ -f /etc/ssl/certs/ca-certificates.crt ] || die "no CA bundle at /etc/ssl/certs/ca-certificates.crt"
  if [ -n "${JAVA_HOME:-}" ] && [ -e "$JAVA_HOME/lib/security/cacerts" ]; then
    java_cacerts="$(readlink -f "$JAVA_HOME/lib/security/cacerts")"
  elif [ -f /etc/ssl/certs/java/cacerts ]; then
    java_cacerts=/etc/ssl/certs/java/cacerts
  fi
  [ -n "$java_cacerts" ] || die "no Java trust store found (JAVA_HOME/lib/security/cacerts)"
  cp /etc/ssl/certs/ca-certificates.crt "$1/ca-certificates.crt"
  cp "$java_cacerts" "$1/cacerts"
}

# Debian 13, minimal: debootstrap --variant=minbase, imported as $WAW_BASE_IMAGE (once).
ensure_debian_base() {
  ensure_podman
  pm image exists "$WAW_BASE_IMAGE" && return
  local root
  root="$(mktemp -d /tmp/waw-rootfs.XXXXXX)"
  say "making the base image $WAW_BASE_IMAGE (debootstrap --variant=minbase $WAW_DEBIAN_SUITE, about 30 s)"
  as_root debootstrap --variant=minbase "$WAW_DEBIAN_SUITE" "$root" http://deb.debian.org/debian >"$root.log" 2>&1 \
    || { tail -n 20 "$root.log" >&2; die "debootstrap failed (log: $root.log)"; }
  # Package installs in a container: no recommended extras, no attempt to start services.
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    | as_root tee "$root/etc/apt/apt.conf.d/90waw-no-recommends" >/dev/null
  printf '#!/bin/sh\nexit 101\n' | as_root tee "$root/usr/sbin/policy-rc.d" >/dev/null
  as_root chmod 0755 "$root/usr/sbin/policy-rc.d"
  as_root rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
  as_root tar -C "$root" -c . | pm import --quiet --change 'CMD ["/bin/bash"]' - "$WAW_BASE_IMAGE" >/dev/null \
    || die "podman import of $root failed"
  as_root rm -rf "$root" "$root.log"
}

# ensure_made_image NAME RECIPE: builds NAME from the Containerfile text RECIPE (FROM $WAW_BASE_IMAGE; its build
# context holds the host's ca-certificates.crt and cacerts), unless an image of that name was made from that very
# recipe already.
ensure_made_image() {
  local name="$1" recipe="$2" hash context
  hash="$(printf '%s' "$recipe" | sha256sum | cut -c1-16)"
  if [ "$(pm image inspect --format '{{index .Labels "waw.recipe"}}' "$name" 2>/dev/null)" = "$hash" ]; then
    return
  fi
  ensure_debian_base
  context="$(mktemp -d /tmp/waw-image.XXXXXX)"
  host_trust_files "$context"
  printf '%s\nLABEL waw.recipe=%s\n' "$recipe" "$hash" >"$context/Containerfile"
  say "making the image $name (Debian packages; once)"
  pm build --format docker --network host $(container_limits) -t "$name" -f "$context/Containerfile" "$context" \
    >"$context.log" 2>&1 || { tail -n 30 "$context.log" >&2; die "could not make $name (log: $context.log)"; }
  rm -rf "$context" "$context.log"
}

# The trust files go in after the packages: installing ca-certificates(-java) writes both files anew.
WAW_TRUST_STEPS='COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY cacerts /etc/ssl/certs/java/cacerts'

# A UTF-8 locale, as the eclipse-temurin images set one: under Debian's default POSIX locale Java reads file names
# and writes the terminal in ASCII (a data directory named "données" cannot even be opened).
WAW_UTF8='LANG=C.UTF-8'

# Stand-in for golang:1.26-bookworm: Debian's go and gcc, and the Go 1.26 toolchain from the module proxy, which
# GOTOOLCHAIN makes every go command use.
WAW_GO_IMAGE=localhost/waw-base/go:1.26
waw_go_recipe() {
  cat <<EOF
FROM $WAW_BASE_IMAGE
RUN apt-get update -qq && apt-get install -y -qq golang-go gcc libc6-dev ca-certificates git >/dev/null \\
    && rm -rf /var/lib/apt/lists/*
$WAW_TRUST_STEPS
ENV GOPATH=/go GOTOOLCHAIN=$WAW_GO_TOOLCHAIN PATH=/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN go version | grep -q "$WAW_GO_TOOLCHAIN " && chmod -R a+rwX /go
EOF
}

# Stand-in for eclipse-temurin:25-jdk-noble: Debian 13's OpenJDK 21 JDK.
WAW_JDK_IMAGE=localhost/waw-base/jdk:21
waw_jdk_recipe() {
  cat <<EOF
FROM $WAW_BASE_IMAGE
RUN apt-get update -qq && apt-get install -y -qq openjdk-21-jdk-headless >/dev/null && rm -rf /var/lib/apt/lists/*
$WAW_TRUST_STEPS
ENV JAVA_HOME=/usr/lib/jvm/java-21-openjdk-amd64 $WAW_UTF8
EOF
}

# Stand-in for eclipse-temurin:25-jre-noble: Debian 13's OpenJDK 21 JRE, nothing to build with.
WAW_JRE_IMAGE=localhost/waw-base/jre:21
waw_jre_recipe() {
  cat <<EOF
FROM $WAW_BASE_IMAGE
RUN apt-get update -qq && apt-get install -y -qq openjdk-21-jre-headless >/dev/null \\
    && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old /usr/share/doc/* /usr/share/man/*
$WAW_TRUST_STEPS
ENV $WAW_UTF8
EOF
}

# For the Java 21 leg of the tests: the JDK, Go and gcc for the bridge and the stand-in (go test -race), RabbitMQ's
# scripts for the tests that start a broker node of their own (never started as a service here), PostgreSQL's
# binaries for the test that stops a cluster of its own (no cluster is created or started here), procps for kill.
WAW_JAVA21_TEST_IMAGE=localhost/waw-base/java21-test:2
waw_java21_test_recipe() {
  cat <<EOF
FROM $WAW_GO_IMAGE
RUN mkdir -p /etc/postgresql-common && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf \\
    && apt-get update -qq && apt-get install -y -qq openjdk-21-jdk-headless rabbitmq-server postgresql procps \\
       python3 >/dev/null \\
    && rm -rf /var/lib/apt/lists/*
$WAW_TRUST_STEPS
ENV JAVA_HOME=/usr/lib/jvm/java-21-openjdk-amd64 $WAW_UTF8
EOF
}
