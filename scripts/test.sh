#!/usr/bin/env bash
# The test command of hoptac:  bash scripts/test.sh [pytest args...]
#
# Idempotent set-up, then pytest:
#   - .venv (Python 3.11+) with `pip install -e '.[test]'`, redone only when
#     pyproject.toml changes (stamp: .venv/.hoptac-installed);
#   - Debian packages postgresql, chromium, a Java 17 runtime (Spark), pango and
#     DejaVu fonts (WeasyPrint), installed when missing and we are
#     root (otherwise a warning: PostgreSQL tests are then skipped, except in CI
#     where the test suite itself fails without a server);
#   - a throwaway PostgreSQL server (scripts/pg-server.sh) exported as
#     HOPTAC_TEST_PG, stopped and deleted on exit. A HOPTAC_TEST_PG already set
#     in the environment is used as it is and no server is started.
# Exits with pytest's exit code; "no tests collected" (5) counts as failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { echo "[hoptac] $*"; }
warn() { echo "[hoptac] WARNING: $*" >&2; }

# ---------------------------------------------------------------- Debian packages
APT_PACKAGES=()
_need_pg_server=1
if [[ -n "${HOPTAC_TEST_PG:-}" ]]; then _need_pg_server=""; fi

pg_server_installed() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x "$d/initdb" && -x "$d/postgres" && -x "$d/psql" ]] && return 0
    done
    return 1
}
if [[ -n "$_need_pg_server" ]] && ! pg_server_installed; then APT_PACKAGES+=(postgresql); fi
if ! command -v chromium >/dev/null 2>&1; then APT_PACKAGES+=(chromium); fi
# Spark's JVM, and pango + a font with Vietnamese glyphs for WeasyPrint's PDFs.
if ! command -v java >/dev/null 2>&1; then APT_PACKAGES+=(openjdk-17-jre-headless); fi
# (grep without -q reads all its input: an early exit would fail the pipe under pipefail)
if ! ldconfig -p 2>/dev/null | grep 'libpangoft2-1.0.so' >/dev/null; then APT_PACKAGES+=(libpango-1.0-0 libpangoft2-1.0-0); fi
if ! fc-list 2>/dev/null | grep -i dejavu >/dev/null; then APT_PACKAGES+=(fonts-dejavu-core); fi

if (( ${#APT_PACKAGES[@]} )); then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "installing ${APT_PACKAGES[*]}..."
        export DEBIAN_FRONTEND=noninteractive
        apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
        t0=$SECONDS
        apt_log="$(mktemp /tmp/hoptac-apt.XXXXXX.log)"
        if apt-get "${apt_opts[@]}" update </dev/null >"$apt_log" 2>&1 &&
           apt-get "${apt_opts[@]}" install -y --no-install-recommends "${APT_PACKAGES[@]}" </dev/null >>"$apt_log" 2>&1; then
            say "installed ${APT_PACKAGES[*]} in $((SECONDS - t0))s"
            rm -f "$apt_log"
        else
            tail -n 30 "$apt_log" >&2
            if [[ -n "${CI:-}" ]]; then
                echo "[hoptac] apt-get install ${APT_PACKAGES[*]} failed (log: $apt_log)" >&2
                exit 1
            fi
            warn "apt-get install ${APT_PACKAGES[*]} failed (log: $apt_log): tests needing them will be skipped"
        fi
    else
        warn "missing Debian packages: ${APT_PACKAGES[*]} (not root: run 'sudo apt-get install ${APT_PACKAGES[*]}')"
        if [[ " ${APT_PACKAGES[*]} " == *" postgresql "* ]]; then
            warn "PostgreSQL tests will be skipped (and fail in CI)"
        fi
    fi
fi

# ---------------------------------------------------------------- Python venv
# shellcheck source=scripts/venv.sh
source "$ROOT/scripts/venv.sh"
ensure_venv "[test]"

# ---------------------------------------------------------------- PostgreSQL
# shellcheck source=scripts/pg-server.sh
source "$ROOT/scripts/pg-server.sh"
trap pg_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -n "${HOPTAC_TEST_PG:-}" ]]; then
    say "using HOPTAC_TEST_PG from the environment"
elif pg_bindir >/dev/null 2>&1; then
    if ! pg_start; then
        if [[ -n "${CI:-}" ]]; then
            echo "[hoptac] could not start PostgreSQL, and CI must run its tests" >&2
            exit 1
        fi
        warn "could not start PostgreSQL: its tests will be skipped"
    fi
else
    warn "no PostgreSQL server binaries: its tests will be skipped (and fail in CI)"
fi

# ---------------------------------------------------------------- pytest
say "running pytest $*"
rc=0
"$VENV/bin/python" -m pytest "$@" || rc=$?
if (( rc == 5 )); then
    echo "[hoptac] pytest collected no tests: counted as a failure" >&2
    exit 1
fi
exit "$rc"
