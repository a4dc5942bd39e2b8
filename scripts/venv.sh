# shellcheck shell=bash
# Create .venv (Python 3.11-3.13) and install hoptac into it, again only when pyproject.toml changes.
#   source scripts/venv.sh; ensure_venv "[test]"    # or ensure_venv "" for the app alone
# Needs ROOT (the repository); say/warn are defined here unless the caller has its own.

declare -F say >/dev/null || say() { echo "[hoptac] $*"; }
declare -F warn >/dev/null || warn() { echo "[hoptac] WARNING: $*" >&2; }

find_python() {
    local c
    for c in "${HOPTAC_PYTHON:-}" python3.11 /root/.pyenv/shims/python3.11 python3.12 python3.13 python3; do
        [[ -n "$c" ]] || continue
        command -v "$c" >/dev/null 2>&1 || continue
        if "$c" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 14)))' 2>/dev/null; then
            printf '%s\n' "$c"; return 0
        fi
    done
    return 1
}

ensure_venv() {
    local extras="${1:-}"
    VENV="$ROOT/.venv"
    STAMP="$VENV/.hoptac-installed$extras"
    if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
        PY="$(find_python)" || { echo "[hoptac] no Python 3.11-3.13 found (set HOPTAC_PYTHON)" >&2; exit 1; }
        say "creating .venv with $("$PY" -V 2>&1)..."
        rm -rf "$VENV"
        "$PY" -m venv "$VENV"
    fi
    want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    have="$(cat "$STAMP" 2>/dev/null || true)"
    if [[ "$want" != "$have" ]]; then
        say "installing hoptac$extras into .venv..."
        rm -f "$STAMP"
        t0=$SECONDS
        pip_log="$VENV/pip-install.log"
        if ! PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install -q -e ".$extras" \
                </dev/null >"$pip_log" 2>&1; then
            cat "$pip_log" >&2
            echo "[hoptac] pip install -e .$extras failed" >&2
            exit 1
        fi
        echo "$want" >"$STAMP"
        say "installed hoptac$extras in $((SECONDS - t0))s"
    fi
}
