# Shared by the project's scripts: find a JDK 21+, Go and a C compiler for the native bridge, and make sure a
# RabbitMQ broker answers on localhost.
# Source it; every function prints what it does and stops the script with a clear message when it cannot.

WAW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# ensure_postgresql, for the tests and benchmarks that run several workers on one database.
source "$WAW_ROOT/scripts/lib/postgresql.sh"

say() { printf '\033[1m[whatsapp-worker]\033[0m %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise (GitHub runners, developer laptops).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    die "need root to run: $* (no sudo available)"; fi
}

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

# Exports JAVA_HOME and PATH for a JDK 21 or newer: JAVA_HOME's if it is one, else the newest under
# /usr/lib/jvm (Debian and Ubuntu put every JDK package there), else Debian/Ubuntu's openjdk-21 is installed.
select_java() {
  local candidate major best="" best_major=0
  # A JAVA_HOME of 21 or newer is the user's (or CI's) choice: used as it is, even when a newer JDK is installed.
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major="$(java_major "$JAVA_HOME/bin/java")"
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
      say "using JDK $major at $JAVA_HOME (JAVA_HOME)"
      return
    fi
  fi
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null)" /usr/lib/jvm/*/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    [ -x "$(dirname "$candidate")/javac" ] || continue
    major="$(java_major "$candidate")"
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  if [ -z "$best" ] && command -v apt-get >/dev/null 2>&1; then
    say "no JDK 21+ found: installing openjdk-21-jdk-headless"
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-21-jdk-headless \
      || die "could not install a JDK 21: install one (https://adoptium.net) and set JAVA_HOME"
    select_java
    return
  fi
  [ -n "$best" ] || die "a JDK 21 or newer is needed: install one and set JAVA_HOME"
  JAVA_HOME="$(cd "$(dirname "$best")/.." && pwd)"
  export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
  say "using JDK $best_major at $JAVA_HOME"
}

rabbitmq_answers() {
  # A TCP connect to the AMQP port is enough to know a broker listens (ours or one started by other means).
  (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null
}

management_answers() {
  (exec 3<>/dev/tcp/127.0.0.1/15672) 2>/dev/null
}

# wait_until PROBE SECONDS WHAT: runs PROBE every second until it succeeds, else stops the script saying WHAT did not
# come; sets WAITED to the seconds it took.
wait_until() {
  WAITED=0
  until "$1"; do
    [ "$WAITED" -ge "$2" ] && die "$3 within $2 s"
    sleep 1; WAITED=$((WAITED + 1))
  done
}

# Makes sure RabbitMQ listens on localhost:5672 with its management API on :15672 (used by scripts/command.sh and
# scripts/events.sh): installs Debian/Ubuntu's rabbitmq-server where missing, starts it, and enables the management
# plugin whenever it is off, also on a broker that was already running.
ensure_rabbitmq() {
  if rabbitmq_answers; then
    say "RabbitMQ answers on localhost:5672"
  else
    if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
      command -v apt-get >/dev/null 2>&1 || die "RabbitMQ is not running and this is not a Debian/Ubuntu machine: start a broker on localhost:5672"
      say "installing rabbitmq-server (Debian package)"
      as_root apt-get update -qq || die "apt-get update failed"
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null \
        || die "apt-get install rabbitmq-server failed"
    fi
    say "starting RabbitMQ"
    as_root env PATH="/usr/sbin:$PATH" rabbitmq-server -detached || die "rabbitmq-server -detached failed"
    wait_until rabbitmq_answers 90 "RabbitMQ did not open port 5672 (see /var/log/rabbitmq)"
    say "RabbitMQ is up (${WAITED}s)"
  fi
  ensure_rabbitmq_management
}

# The management plugin, enabled on the local broker when its API does not answer. A broker that is not this
# machine's own install (a container, another host) cannot be changed from here: the message says what to run.
ensure_rabbitmq_management() {
  management_answers && return
  local plugins
  plugins="$(command -v rabbitmq-plugins 2>/dev/null || true)"
  [ -n "$plugins" ] || [ ! -x /usr/sbin/rabbitmq-plugins ] || plugins=/usr/sbin/rabbitmq-plugins
  if [ -z "$plugins" ]; then
    say "WARNING: RabbitMQ's management API does not answer on :15672 and this machine has no rabbitmq-plugins:" \
      "run 'rabbitmq-plugins enable rabbitmq_management' where the broker runs (scripts/command.sh and scripts/events.sh need it)"
    return
  fi
  say "enabling RabbitMQ's management plugin (scripts/command.sh and scripts/events.sh use its API)"
  as_root env PATH="/usr/sbin:$PATH" "$plugins" enable --quiet rabbitmq_management >/dev/null \
    || die "could not enable the management plugin: run 'sudo rabbitmq-plugins enable rabbitmq_management'"
  wait_until management_answers 60 "the management API did not open port 15672 (see /var/log/rabbitmq)"
  say "RabbitMQ's management API answers on localhost:15672 (${WAITED}s)"
}

# The native bridge (src/main/go/wabridge) needs Go with cgo, hence a C compiler too. go.mod asks for Go 1.26: any
# go command from 1.21 on fetches that toolchain from the Go module proxy by itself when it is older.
ensure_go() {
  local go_bin version minor
  go_bin="$(command -v go 2>/dev/null || true)"
  [ -n "$go_bin" ] || [ ! -x /usr/local/go/bin/go ] || go_bin=/usr/local/go/bin/go
  if [ -z "$go_bin" ] && command -v apt-get >/dev/null 2>&1; then
    say "no Go found: installing golang-go (Debian/Ubuntu package)"
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null \
      || die "could not install Go: install Go 1.26 (https://go.dev/dl) and put it on the PATH"
    go_bin="$(command -v go)"
  fi
  [ -n "$go_bin" ] || die "Go is needed to build the native bridge: install Go 1.26 (https://go.dev/dl)"
  export PATH="$(dirname "$go_bin"):$PATH"
  version="$(go env GOVERSION 2>/dev/null || go version | awk '{print $3}')"
  minor="$(printf '%s' "$version" | sed -E 's/^go1\.([0-9]+).*/\1/')"
  case "$minor" in ''|*[!0-9]*) die "cannot read the Go version from '$version'" ;; esac
  [ "$minor" -ge 21 ] || die "$version is too old to fetch Go 1.26 by itself: install Go 1.26 (https://go.dev/dl)"
  if ! command -v gcc >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "a C compiler (gcc) is needed for cgo: install one"
    say "installing gcc for cgo"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null || die "could not install gcc"
  fi
  say "using $version ($go_bin) for the native bridge"
}

# Everything a build that runs the worker or its tests needs: JDK, Go and gcc, a broker. Leaves us in the
# repository's root.
prepare_to_build_and_run() {
  cd "$WAW_ROOT"
  select_java
  ensure_go
  ensure_rabbitmq
}

# Builds the jar and the test classes, then runs the load harness class $1 (under src/test/java/dev/waworker/bench)
# with the packaged worker's path and the remaining arguments. For the bench-*.sh scripts.
run_bench_harness() {
  local harness="$1"; shift
  prepare_to_build_and_run
  build_bench_harness
  exec java -cp "$BENCH_CLASSPATH" "dev.waworker.bench.$harness" target/whatsapp-worker.jar "$@"
}

# Builds the jar (target/whatsapp-worker.jar) and the test classes, and sets BENCH_CLASSPATH to what a harness
# class runs with.
build_bench_harness() {
  ./mvnw -B -q -DskipTests package test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
  BENCH_CLASSPATH="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
}
