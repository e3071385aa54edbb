#!/usr/bin/env bash
# Installs what DeepCall Desk needs on Debian/Ubuntu, skipping what is there.
#   scripts/deps.sh          what building and running the app needs
#   scripts/deps.sh --test   plus what the tests need (Xvfb, keyring, WebDriver;
#                            for Windows: the target, mingw-w64, Wine, wixl
#                            and msitools)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[ "${1:-}" = "--test" ] && want_test=true

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\nDeepCall Desk setup stopped: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "installing system packages needs root or sudo."
  SUDO="sudo"
fi

build_pkgs=(libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  build-essential pkg-config curl ca-certificates)
test_pkgs=(xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools webkit2gtk-driver
  xdotool x11-utils imagemagick
  lintian desktop-file-utils appstream mmdebstrap dpkg-dev
  gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 wine64 wixl msitools file)

pkgs=("${build_pkgs[@]}")
$want_test && pkgs+=("${test_pkgs[@]}")

command -v apt-get >/dev/null || die "this script needs apt (Debian or Ubuntu)."
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js: the UI build (Vite 8) needs 20.19 or newer.
node_ok() {
  command -v node >/dev/null || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'
}
node_ok || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
node_ok || die "the UI build needs Node.js 20.19 or newer, and this machine has $(node --version 2>/dev/null || echo none). Install a newer Node.js (for example from NodeSource) and run this again."

if ! command -v cargo >/dev/null; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    die "Rust is not installed. Install it from https://rustup.rs (one command), open a new terminal, and run this again."
  fi
fi
if $want_test; then
  cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
  cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
  rustup target list --installed | grep -qx x86_64-pc-windows-gnu \
    || rustup target add x86_64-pc-windows-gnu
fi

say "Installing the UI's npm packages"
(cd ui && npm ci --no-audit --no-fund --loglevel=error)
