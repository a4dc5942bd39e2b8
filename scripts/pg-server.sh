# shellcheck shell=bash
# A throwaway PostgreSQL server for tests and benchmarks.
#
#   source scripts/pg-server.sh
#   pg_start          # exports HOPTAC_TEST_PG, PG_TMPDIR, PG_PORT
#   ...               # use "$HOPTAC_TEST_PG" (SQLAlchemy URL, database hoptac_test)
#   pg_stop           # stops the server and deletes PG_TMPDIR (safe to call twice)
#
# Callers should `trap pg_stop EXIT` right after sourcing. pg_stop only stops
# the server that pg_start started in the same shell (or its subshells), never
# one whose PG_TMPDIR/HOPTAC_TEST_PG it merely inherited. The server listens on
# 127.0.0.1 only (first free port from $HOPTAC_PG_PORT, default 54329, upward),
# keeps its unix socket in PG_TMPDIR, trusts local connections as user
# "postgres" and runs with fsync off: fast, and never for real data.
# initdb and postgres refuse to run as root, so as root the server runs as the
# `postgres` OS user (created by Debian's postgresql package).
# pg_start prints one progress line; pg_stop prints nothing unless something
# goes wrong (so that a test runner's summary stays the last line of output).

# Directory holding initdb/pg_ctl/postgres: $PG_BINDIR, else the newest
# /usr/lib/postgresql/*/bin (Debian), else wherever initdb is on PATH.
pg_bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then
        [[ -x "$PG_BINDIR/initdb" ]] && { printf '%s\n' "$PG_BINDIR"; return 0; }
        return 1
    fi
    local d best=""
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V); do
        [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]] && best="$d"
    done
    if [[ -z "$best" ]] && command -v initdb >/dev/null 2>&1; then
        best="$(dirname "$(readlink -f "$(command -v initdb)")")"
    fi
    [[ -n "$best" ]] || return 1
    printf '%s\n' "$best"
}

# Run a command as the server's OS user, from inside PG_TMPDIR (so postgres
# never complains that it cannot read the caller's cwd).
_pg_as_owner() {
    if [[ -n "${_PG_OWNER:-}" ]]; then
        (cd "$PG_TMPDIR" && runuser -u "$_PG_OWNER" -- "$@")
    else
        (cd "$PG_TMPDIR" && "$@")
    fi
}

_pg_port_in_use() {
    # Something accepts connections on 127.0.0.1:$1?
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_pg_fail() {
    echo "[hoptac] PostgreSQL: $*" >&2
    if [[ -n "${PG_TMPDIR:-}" && -f "$PG_TMPDIR/server.log" ]]; then
        echo "[hoptac] last lines of $PG_TMPDIR/server.log:" >&2
        tail -n 20 "$PG_TMPDIR/server.log" >&2 || true
    fi
    pg_stop
    return 1
}

pg_start() {
    if [[ -n "${_PG_OWNED_DIR:-}" && "${_PG_OWNED_DIR}" == "${PG_TMPDIR:-}" \
            && -f "${PG_TMPDIR}/data/postmaster.pid" ]]; then
        return 0  # already started by this shell
    fi
    local bindir
    if ! bindir="$(pg_bindir)"; then
        echo "[hoptac] PostgreSQL server binaries not found (apt-get install postgresql)" >&2
        return 1
    fi
    _PG_BINDIR="$bindir"

    _PG_OWNER=""
    if [[ "$(id -u)" == 0 ]]; then
        if id -u postgres >/dev/null 2>&1; then
            _PG_OWNER=postgres
        else
            _PG_OWNER=nobody
        fi
    fi

    PG_TMPDIR="$(mktemp -d "${HOPTAC_PG_TMP_PARENT:-/tmp}/hoptac-pg.XXXXXX")" || {
        echo "[hoptac] PostgreSQL: cannot create a temp dir" >&2; return 1; }
    export PG_TMPDIR
    _PG_OWNED_DIR="$PG_TMPDIR"  # not exported: child shells never stop our server
    chmod 700 "$PG_TMPDIR"
    [[ -n "$_PG_OWNER" ]] && chown "$_PG_OWNER:" "$PG_TMPDIR"

    # C collation (fast, deterministic byte order); C.UTF-8 ctype so that
    # lower()/upper()/ILIKE handle Vietnamese letters.
    local ctype=C
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then ctype=C.UTF-8; fi
    if ! _pg_as_owner "$bindir/initdb" -D "$PG_TMPDIR/data" -U postgres \
            --auth=trust --encoding=UTF8 --lc-collate=C --lc-ctype="$ctype" \
            --lc-messages=C --no-sync >"$PG_TMPDIR/initdb.log" 2>&1; then
        cat "$PG_TMPDIR/initdb.log" >&2
        _pg_fail "initdb failed"
        return 1
    fi
    _pg_as_owner tee -a "$PG_TMPDIR/data/postgresql.conf" >/dev/null <<EOF

# --- hoptac throwaway test server ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_TMPDIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF

    local port="${HOPTAC_PG_PORT:-54329}" last=$(( ${HOPTAC_PG_PORT:-54329} + 50 )) started=""
    while (( port <= last )); do
        if _pg_port_in_use "$port"; then
            port=$((port + 1)); continue
        fi
        if _pg_as_owner "$bindir/pg_ctl" -D "$PG_TMPDIR/data" -l "$PG_TMPDIR/server.log" \
                -o "-p $port" -w -t 60 start >/dev/null 2>&1; then
            started=1; break
        fi
        # Lost a race for the port? Try the next one; anything else is fatal.
        if grep -qE 'could not (bind|create listen socket)|Address already in use' \
                "$PG_TMPDIR/server.log" 2>/dev/null; then
            _pg_as_owner truncate -s 0 "$PG_TMPDIR/server.log" || true
            port=$((port + 1)); continue
        fi
        _pg_fail "server did not start"
        return 1
    done
    [[ -n "$started" ]] || { _pg_fail "no free port in ${HOPTAC_PG_PORT:-54329}..$last"; return 1; }

    PG_PORT="$port"
    export PG_PORT
    if ! "$bindir/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
            -v ON_ERROR_STOP=1 -c 'CREATE DATABASE hoptac_test' >/dev/null 2>"$PG_TMPDIR/createdb.err"; then
        cat "$PG_TMPDIR/createdb.err" >&2
        _pg_fail "could not create database hoptac_test"
        return 1
    fi
    export HOPTAC_TEST_PG="postgresql+psycopg://postgres@127.0.0.1:${port}/hoptac_test"
    echo "[hoptac] PostgreSQL $("$bindir/postgres" -V | awk '{print $3}') on 127.0.0.1:$port ($PG_TMPDIR)"
}

pg_stop() {
    # Only a server that this shell's pg_start made; a PG_TMPDIR inherited
    # from a parent process belongs to the parent.
    local dir="${_PG_OWNED_DIR:-}"
    if [[ -z "$dir" ]]; then return 0; fi
    case "$dir" in
        */hoptac-pg.*) ;;
        *) echo "[hoptac] pg_stop: refusing to delete unexpected PG_TMPDIR=$dir" >&2; return 0 ;;
    esac
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        local bindir="${_PG_BINDIR:-$(pg_bindir 2>/dev/null || true)}"
        if [[ -z "$bindir" ]] || ! _pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
            # Last resort: the postmaster's pid is the first line of postmaster.pid.
            local pid
            pid="$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
            if [[ "$pid" =~ ^[0-9]+$ ]]; then
                echo "[hoptac] pg_stop: pg_ctl stop failed, killing postmaster $pid" >&2
                kill -QUIT "$pid" 2>/dev/null || true
                local _
                for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
                kill -KILL "$pid" 2>/dev/null || true
            fi
        fi
    fi
    rm -rf -- "$dir"
    if [[ "${HOPTAC_TEST_PG:-}" == *"127.0.0.1:${PG_PORT:-x}/hoptac_test" ]]; then
        unset HOPTAC_TEST_PG
    fi
    unset PG_TMPDIR PG_PORT _PG_BINDIR _PG_OWNER _PG_OWNED_DIR
    return 0
}
