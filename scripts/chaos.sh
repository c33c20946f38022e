#!/usr/bin/env bash
# The chaos run (docs/reliability.md; not part of CI): 3 workers (simulated WhatsApp) on a RabbitMQ node of the
# run's own and a fresh database on the local PostgreSQL; 500 validations scripted to end in `connected`, `error`
# or `close`, while for 10 minutes a worker is SIGKILLed and replaced under a new id every 30-60 s, the broker is
# stopped for 5-20 s twice and PostgreSQL once. Then it checks the backend's view (every validation ended exactly
# once, no QR after `connected`, qrIndex never back, no command left in any queue, no dead worker's queue left,
# nothing dead-lettered), writes the report into docs/reliability.md and exits 1 when a check failed.
#   scripts/chaos.sh [--duration=600] [--validations=500] [--seed=N] [--lease=6] [--settle=120]
#                    [--kill-gap=30-60] [--outage=5-20]
# Takes duration + settle + about a minute of build and start-up. It stops the machine's PostgreSQL cluster for a
# few seconds (other users of it notice); whatever happens, PostgreSQL is started again and the run's workers and
# broker node are stopped when the script ends.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
prepare_to_build_and_run
ensure_postgresql
command -v pg_ctlcluster >/dev/null 2>&1 \
  || die "the chaos run stops the local PostgreSQL with pg_ctlcluster (Debian/Ubuntu's postgresql-common)"
PG_CLUSTER="$(ls /etc/postgresql | sort -V | tail -n 1)/main"
RUN_DIR="$WAW_ROOT/target/chaos/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN_DIR"
HARNESS_PID=""

# Starts PostgreSQL again when it does not answer (the harness may have stopped it for its outage).
restore_postgresql() {
  local waited=0
  # An explicit 0: a bare `return` in a trap handler returns the status the script was exiting with.
  if postgresql_answers; then return 0; fi
  say "starting PostgreSQL $PG_CLUSTER again"
  as_root pg_ctlcluster ${PG_CLUSTER/\// } start || true   # "already running" while it comes up is no failure
  until postgresql_answers || [ "$waited" -ge 60 ]; do sleep 1; waited=$((waited + 1)); done
  postgresql_answers || say "ERROR: PostgreSQL did not come back: run 'pg_ctlcluster ${PG_CLUSTER/\// } start'"
}

# Runs on every exit (the end, a failure, Ctrl-C): nothing of the run stays behind, PostgreSQL runs again.
restore() {
  local status=$? pid_file pid node ctl
  set +e                                             # clean up all of it, whatever fails on the way
  restore_postgresql                                 # first: other users of the machine's PostgreSQL wait for it
  if [ -n "$HARNESS_PID" ] && kill -0 "$HARNESS_PID" 2>/dev/null; then
    kill -TERM "$HARNESS_PID" 2>/dev/null || true   # its shutdown hook stops the workers and the node
    wait "$HARNESS_PID" 2>/dev/null || true
  fi
  for pid_file in "$RUN_DIR"/*/pid; do               # a worker left by a harness that was killed itself
    [ -f "$pid_file" ] || continue
    pid="$(cat "$pid_file")"
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$RUN_DIR"; then
      say "stopping worker process $pid left behind"; kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  if [ -f "$RUN_DIR/rabbit-node" ]; then
    node="$(cat "$RUN_DIR/rabbit-node")"
    ctl=/usr/lib/rabbitmq/bin/rabbitmqctl; [ -x "$ctl" ] || ctl=rabbitmqctl
    timeout 60 "$ctl" -n "$node" stop >/dev/null 2>&1 || true   # already stopped when the harness ended well
  fi
  restore_postgresql                                 # again: the harness might have stopped it meanwhile
  exit "$status"
}
trap restore EXIT
trap 'exit 130' INT TERM

build_bench_harness
say "chaos run: logs and worker data under $RUN_DIR"
java -cp "$BENCH_CLASSPATH" dev.waworker.bench.ChaosRun "$WAW_ROOT/target/whatsapp-worker.jar" "$RUN_DIR" \
  --pg-cluster="$PG_CLUSTER" --commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  --command="scripts/chaos.sh${*:+ $*}" "$@" &
HARNESS_PID=$!
wait "$HARNESS_PID"
