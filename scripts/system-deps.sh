#!/usr/bin/env bash
# Ensure the system packages the test suite needs are installed:
#   - chromium          (Debian's browser, /usr/bin/chromium; driven by Playwright)
#   - postgresql        (initdb / pg_ctl / postgres under /usr/lib/postgresql/*/bin)
#   - fonts-noto-cjk    (so screenshots render Chinese text instead of boxes)
#   - redis-server      (the world server's multi-process test shares rooms through it)
#   - mosquitto         (the twin's MQTT ingest and mqtt:// notifications are tested on it)
#
# Fast and silent when everything is present (no apt-get update then).
# As root with apt-get: installs only what is missing. Otherwise: says what to install, exits 1.
set -euo pipefail

missing=()

have_chromium() {
    [[ -x /usr/bin/chromium ]]
}

have_postgresql() {
    local bindir
    for bindir in /usr/lib/postgresql/*/bin; do
        if [[ -x "$bindir/initdb" && -x "$bindir/pg_ctl" && -x "$bindir/postgres" ]]; then
            return 0
        fi
    done
    return 1
}

have_cjk_fonts() {
    if command -v fc-list >/dev/null 2>&1; then
        [[ -n "$(fc-list :lang=zh 2>/dev/null)" ]]
    else
        # No fontconfig tools: look for the font files themselves.
        compgen -G '/usr/share/fonts/*/*/*CJK*' >/dev/null \
            || compgen -G '/usr/share/fonts/*/*CJK*' >/dev/null
    fi
}

have_redis() {
    command -v redis-server >/dev/null 2>&1
}

have_mosquitto() {
    command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]]
}

check() {
    missing=()
    have_chromium || missing+=(chromium)
    have_postgresql || missing+=(postgresql)
    have_cjk_fonts || missing+=(fonts-noto-cjk)
    have_redis || missing+=(redis-server)
    have_mosquitto || missing+=(mosquitto)
}

check
if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system-deps: ok (chromium, postgresql, CJK fonts, redis-server, mosquitto)"
    exit 0
fi

if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    {
        echo "system-deps: missing system packages: ${missing[*]}"
        if command -v apt-get >/dev/null 2>&1; then
            echo "Install them with:"
        else
            echo "This script installs them only on Debian/Ubuntu (apt-get). There, run:"
        fi
        echo "    sudo apt-get install -y --no-install-recommends ${missing[*]}"
    } >&2
    exit 1
fi

echo "system-deps: installing ${missing[*]} ..."
log="$(mktemp -t system-deps.XXXXXX.log)"
trap 'rm -f "$log"' EXIT

run_apt() {
    # Quiet on success; on failure show the apt output (errors included).
    if ! "$@" >"$log" 2>&1; then
        echo "system-deps: command failed: $*" >&2
        tail -n 40 "$log" >&2
        exit 1
    fi
}

export DEBIAN_FRONTEND=noninteractive
# Wait (up to 10 min) rather than fail when another apt/dpkg run holds the lock.
apt_opts=(-o DPkg::Lock::Timeout=600)
run_apt apt-get "${apt_opts[@]}" update -qq
run_apt apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}"

check
if [[ ${#missing[@]} -ne 0 ]]; then
    echo "system-deps: still missing after install: ${missing[*]}" >&2
    exit 1
fi
echo "system-deps: ok (installed)"
