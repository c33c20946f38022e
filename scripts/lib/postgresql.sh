# Sourced by common.sh: makes sure a PostgreSQL server answers on localhost:5432 with the role and database the
# tests and scripts/bench-failover.sh use (role waworker, password waworker, database waworker; the role may
# create databases, so that each test class gets a fresh one). Installs Debian/Ubuntu's postgresql where missing.

WAW_PG_ROLE="${WAW_PG_ROLE:-waworker}"
WAW_PG_PASSWORD="${WAW_PG_PASSWORD:-waworker}"

postgresql_answers() {
  (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
}

# Runs psql as the postgres superuser (peer authentication over the local socket).
as_postgres_psql() {
  as_root runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt "$@"
}

ensure_postgresql() {
  if ! postgresql_answers; then
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
      command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not running and this is not a Debian/Ubuntu machine: start one on localhost:5432"
      say "installing postgresql (Debian package)"
      as_root apt-get update -qq || die "apt-get update failed"
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
        || die "apt-get install postgresql failed"
    fi
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    say "starting PostgreSQL $version"
    # The package's own scripts may have started it meanwhile: "already running" is no failure.
    as_root pg_ctlcluster "$version" main start || postgresql_answers \
      || die "pg_ctlcluster $version main start failed"
    local waited=0
    until postgresql_answers; do
      [ "$waited" -ge 60 ] && die "PostgreSQL did not open port 5432 within 60 s (see /var/log/postgresql)"
      sleep 1; waited=$((waited + 1))
    done
  fi
  if [ "$(as_postgres_psql -c "SELECT 1 FROM pg_roles WHERE rolname = '$WAW_PG_ROLE'" 2>/dev/null)" != "1" ]; then
    say "creating the PostgreSQL role and database $WAW_PG_ROLE for the tests"
    as_postgres_psql -c "CREATE ROLE $WAW_PG_ROLE LOGIN CREATEDB PASSWORD '$WAW_PG_PASSWORD'" \
      && as_postgres_psql -c "CREATE DATABASE $WAW_PG_ROLE OWNER $WAW_PG_ROLE" \
      || die "could not create the role and database $WAW_PG_ROLE"
  fi
  say "PostgreSQL answers on localhost:5432 (role and database $WAW_PG_ROLE)"
}
