#!/usr/bin/env bash
# The whole suite, unit to end-to-end, inside a private D-Bus session with an unlocked gnome-keyring so the
# keychain tests use a real Secret Service. Prints one closing line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  # A keyring of the tests' own, in a throwaway folder: the tests never touch the developer's real keychain, and a
  # keyring left by an earlier run with another password cannot stay locked.
  XDG_DATA_HOME="$(mktemp -d)"
  export XDG_DATA_HOME
  trap 'rm -rf "$XDG_DATA_HOME"' EXIT
  dbus-run-session -- sh -c 'echo -n venice-batch-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec node scripts/run-tests.mjs "$@"' sh "$@"
  exit $?
else
  echo "note: no dbus-run-session/gnome-keyring here; keychain tests will report themselves skipped"
  exec node scripts/run-tests.mjs "$@"
fi
