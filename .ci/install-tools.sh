#!/usr/bin/env bash
# Install the HTML-quality tools used by tests/quality (Nu Html Checker,
# axe-core, Lighthouse, Chromium, Java; optionally Playwright for Python).
#
# Idempotent and fast when everything is present: apt is only touched when a
# binary is missing, npm only when the pinned versions are not already in the
# prefix, pip only when PYTHON is set and lacks the pinned Playwright.
#
#   NEWSGEN_TOOLS   npm prefix (default /opt/newsgen-tools)
#   PYTHON          optional interpreter that must get playwright==PLAYWRIGHT_VERSION
#
# Never run `playwright install`: browser downloads are not reachable here.
# Playwright drives Debian's /usr/bin/chromium instead.
set -euo pipefail

PREFIX="${NEWSGEN_TOOLS:-/opt/newsgen-tools}"

# Exact versions verified together (Node 20, Java 17, Debian 12 chromium 156).
# lighthouse 12.x is the last major supporting Node 20 (13 needs Node >= 22).
VNU_JAR_VERSION="26.9.27"
AXE_CORE_VERSION="4.14.1"
LIGHTHOUSE_VERSION="12.8.2"
PLAYWRIGHT_VERSION="1.65.2"

installed=()
log() { printf 'install-tools: %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# --- apt: chromium, java, fonts ---------------------------------------------
apt_pkgs=()
command -v chromium >/dev/null 2>&1 || apt_pkgs+=(chromium)
# vnu.jar 26.x needs Java >= 17 (Debian 12's default-jre-headless is 17).
java_major() { java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] 2>/dev/null; then
    apt_pkgs+=(default-jre-headless)
fi
# Lighthouse 12 needs Node >= 18.16 (Debian 12's nodejs is 18.19).
command -v node >/dev/null 2>&1 || apt_pkgs+=(nodejs npm)
# A basic font so text renders (layout/contrast checks, screenshots).
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || apt_pkgs+=(fonts-dejavu-core)

if [ "${#apt_pkgs[@]}" -gt 0 ]; then
    log "apt-get install ${apt_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >/dev/null
    $SUDO apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null
    installed+=("apt:${apt_pkgs[*]}")
fi

# --- npm: vnu-jar, axe-core, lighthouse into a fixed prefix ----------------
npm_have() { # name version -> 0 if PREFIX has exactly that version
    local pj="$PREFIX/node_modules/$1/package.json"
    [ -f "$pj" ] && [ "$(node -p "require('$pj').version" 2>/dev/null)" = "$2" ]
}
npm_want=()
npm_have vnu-jar "$VNU_JAR_VERSION" || npm_want+=("vnu-jar@$VNU_JAR_VERSION")
npm_have axe-core "$AXE_CORE_VERSION" || npm_want+=("axe-core@$AXE_CORE_VERSION")
npm_have lighthouse "$LIGHTHOUSE_VERSION" || npm_want+=("lighthouse@$LIGHTHOUSE_VERSION")

if [ "${#npm_want[@]}" -gt 0 ]; then
    log "npm install --prefix $PREFIX ${npm_want[*]}"
    $SUDO mkdir -p "$PREFIX"
    # Install all three together so package.json/lockfile in PREFIX stay
    # consistent; npm keeps already-present packages untouched.
    $SUDO npm install --prefix "$PREFIX" --save-exact --no-audit --no-fund \
        --loglevel=error --omit=dev \
        "vnu-jar@$VNU_JAR_VERSION" "axe-core@$AXE_CORE_VERSION" \
        "lighthouse@$LIGHTHOUSE_VERSION" >/dev/null
    installed+=("npm:${npm_want[*]}")
fi

# --- pip: Playwright for Python (driver only, no browser download) ---------
# The test virtualenv gets Playwright from the project's `.[test]` extra, so
# by default nothing is pip-installed here.  Set PYTHON=/path/to/python to
# make sure that interpreter has the verified Playwright version.
if [ -n "${PYTHON:-}" ]; then
    if ! "$PYTHON" -c "import sys, importlib.metadata as m; sys.exit(m.version('playwright') != '$PLAYWRIGHT_VERSION')" >/dev/null 2>&1; then
        log "pip install playwright==$PLAYWRIGHT_VERSION ($PYTHON)"
        "$PYTHON" -m pip install -q --disable-pip-version-check --root-user-action=ignore \
            "playwright==$PLAYWRIGHT_VERSION"
        installed+=("pip:playwright==$PLAYWRIGHT_VERSION")
    fi
fi

# --- sanity checks (cheap) --------------------------------------------------
[ -f "$PREFIX/node_modules/vnu-jar/build/dist/vnu.jar" ] || { log "vnu.jar missing"; exit 1; }
[ -f "$PREFIX/node_modules/axe-core/axe.min.js" ] || { log "axe.min.js missing"; exit 1; }
[ -x "$PREFIX/node_modules/.bin/lighthouse" ] || { log "lighthouse CLI missing"; exit 1; }
command -v chromium >/dev/null 2>&1 || { log "chromium missing"; exit 1; }
command -v java >/dev/null 2>&1 || { log "java missing"; exit 1; }

if [ "${#installed[@]}" -gt 0 ]; then
    log "installed: ${installed[*]}"
else
    log "all tools already present ($PREFIX)"
fi
