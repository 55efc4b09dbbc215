#!/usr/bin/env bash
# One-command set-up: the system packages the app and its tests need, then the npm packages.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# ffmpeg/ffprobe: media work and the simulator's renders. chromium: end-to-end tests in browser mode.
# libsecret-1-dev: keytar builds against it. gnome-keyring + dbus-x11: a real Secret Service for tests.
# xvfb: a display for the Electron suite where Electron exists. fonts: the simulator burns prompts into clips.
APT_PACKAGES=(ffmpeg chromium libsecret-1-dev gnome-keyring dbus-x11 xvfb fonts-dejavu-core)

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    echo "setup: installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: system packages already present"
  fi
else
  cat <<'MSG'
setup: apt-get is not available on this machine. Install these yourself, then run `npm ci`:
  macOS:   brew install ffmpeg   (Chromium is only needed for the end-to-end tests: brew install --cask chromium)
  Windows: winget install Gyan.FFmpeg
  Other Linux: ffmpeg, chromium, libsecret development headers, gnome-keyring, dbus-x11, xvfb
MSG
fi

# The Electron binary is fetched from GitHub by its postinstall, which fails on machines that reach only the
# npm registry. package.json's allowScripts already denies it; this covers older npm versions too.
# `npm start` fetches the binary on first use where the network allows it (scripts/ensure-electron.mjs).
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
npm ci --no-audit --no-fund
