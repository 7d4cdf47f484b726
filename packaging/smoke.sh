#!/usr/bin/env bash
# Smoke test of the built one-folder bundle, run by `make package` on the tarball it makes. By hand:
#   bash packaging/smoke.sh [dist/fairfields | dist/fairfields-VERSION-linux-x86_64.tar.gz]
# A tarball is unpacked in a temporary folder first, so what is tested is what ships, away from the
# checkout. It runs only what is inside the bundle, headless, in a throw-away home, and proves that the
# version, the Alembic migrations, SQLCipher, the demo school, ReportLab with the DejaVu fonts, the
# keyring backends and the Qt window (offscreen) all work frozen.
set -euo pipefail
cd "$(dirname "$0")/.."

version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' fairfields_desktop/__init__.py)"
tmp="$(mktemp -d)"
gui_pid=""
cleanup() {
  if [ -n "$gui_pid" ]; then kill "$gui_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

bundle="${1:-dist/fairfields}"
if [ -f "$bundle" ]; then  # a tarball: unpack it where nothing else is
  mkdir "$tmp/unpacked"
  tar -xzf "$bundle" -C "$tmp/unpacked"
  echo "smoke: unpacked $bundle ($(du -h "$bundle" | cut -f1))"
  bundle="$tmp/unpacked/fairfields"
fi
exe="$bundle/fairfields"
[ -x "$exe" ] || { echo "smoke: $exe is missing: run make package first" >&2; exit 1; }

# Nothing from this checkout or its venv may leak in: the bundle must stand on its own.
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV FAIRFIELDS_DB FAIRFIELDS_TODAY FAIRFIELDS_PASSWORD
export PATH=/usr/local/bin:/usr/bin:/bin
export QT_QPA_PLATFORM=offscreen
export FAIRFIELDS_HOME="$tmp/home"
export FAIRFIELDS_DB_KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  # a test key, 64 hex digits
# keyring must load a backend by name from the bundle, and never touch a real keyring: the `fail`
# backend counts as no keyring, so the key comes from FAIRFIELDS_DB_KEY.
export PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring

checks=0
pass() { checks=$((checks + 1)); echo "smoke: ok   $*"; }
fail() { echo "smoke: FAIL $*" >&2; for f in "$tmp"/*.err "$FAIRFIELDS_HOME"/logs/*.log; do
           [ -s "$f" ] && { echo "--- $f" >&2; tail -n 40 "$f" >&2; }; done; exit 1; }
run() {  # run NAME ARGS...: the bundle's executable, 120 s at most, output in $tmp/NAME.out/.err
  local name="$1"; shift
  timeout 120 "$exe" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
}
no_traceback() {
  ! grep -l "Traceback" "$tmp"/*.err "$FAIRFIELDS_HOME"/logs/*.log 2>/dev/null | grep -q .
}

# 1. --version
run version --version || fail "--version exited $?"
[ "$(cat "$tmp/version.out")" = "fairfields $version" ] || fail "--version printed '$(cat "$tmp/version.out")'"
pass "--version: fairfields $version"

# 2. a new database: migrations to head, encrypted with SQLCipher, the demo school loaded
db="$tmp/s.db"
run init --db "sqlite:///$db" init --demo || fail "init --demo exited $?"
[ -s "$db" ] || fail "init --demo made no database file"
if head -c 16 "$db" | grep -q "SQLite format 3"; then fail "the database is not encrypted"; fi
pass "init --demo: migrations, SQLCipher ($(du -k "$db" | cut -f1) KB, encrypted), the demo school"

# 3. a command as a demo user: the data is there and the password checks work
FAIRFIELDS_PASSWORD=demo-head-2026 run due --db "sqlite:///$db" --as hcarter due || fail "due exited $?"
[ -s "$tmp/due.out" ] || fail "due printed nothing"
pass "--as hcarter due: $(wc -l <"$tmp/due.out") lines"

# 4. a PDF report: ReportLab with the bundled DejaVu fonts
FAIRFIELDS_PASSWORD=demo-head-2026 run report --db "sqlite:///$db" --as hcarter report checks --out "$tmp/checks.pdf" \
  || fail "report checks exited $?"
[ "$(head -c 5 "$tmp/checks.pdf")" = "%PDF-" ] || fail "report checks wrote no PDF"
if command -v pdffonts >/dev/null; then
  pdffonts "$tmp/checks.pdf" | grep -q DejaVu || fail "the report does not use the bundled DejaVu fonts"
fi
pass "report checks: a PDF ($(du -k "$tmp/checks.pdf" | cut -f1) KB) in DejaVu Sans"

# 5. the window, offscreen, in the default data folder: FAIRFIELDS_STARTUP_PROBE records the first paint
#    and quits once the database has opened behind the sign-in dialog (migrations, demo school, backup).
FAIRFIELDS_STARTUP_PROBE="$tmp/probe.txt" run probe gui --demo || fail "gui --demo (startup probe) exited $?"
[ -s "$tmp/probe.txt" ] || fail "the startup probe wrote nothing: the window did not paint"
read -r _when focused _heavy <"$tmp/probe.txt"
[ "$focused" = "1" ] || fail "the sign-in dialog was not shown ready for input (probe: $(cat "$tmp/probe.txt"))"
[ -s "$FAIRFIELDS_HOME/data/fairfields.sqlite3" ] || fail "the window opened no database"
grep -q "style sheet not found" "$FAIRFIELDS_HOME"/logs/*.log 2>/dev/null && fail "resources/style.qss is not in the bundle"
no_traceback || fail "a traceback after the window's start"
pass "gui --demo: the sign-in dialog painted, ready for input; the demo database opened"

# 6. the window left running for a few seconds (the database is now full): no crash, no traceback
"$exe" gui >"$tmp/gui.out" 2>"$tmp/gui.err" &
gui_pid=$!
sleep 5
kill -0 "$gui_pid" 2>/dev/null || { wait "$gui_pid" || true; gui_pid=""; fail "the window exited by itself within 5 s"; }
kill "$gui_pid"; wait "$gui_pid" 2>/dev/null || true; gui_pid=""
no_traceback || fail "a traceback while the window was open"
pass "gui: ran 5 s offscreen without a traceback"

# 7. the Linux install script, into a throw-away prefix: the link on PATH, the menu entry, the icons
HOME="$tmp/userhome" sh "$bundle/install.sh" "$tmp/prefix" >"$tmp/install.out" 2>"$tmp/install.err" \
  || fail "install.sh exited $?"
[ "$("$tmp/prefix/bin/fairfields" --version)" = "fairfields $version" ] || fail "the installed link does not run"
entry="$tmp/prefix/share/applications/fairfields-desktop.desktop"
grep -q "^Exec=$tmp/prefix/lib/fairfields/fairfields gui$" "$entry" || fail "the installed menu entry's Exec is wrong"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate --no-hints "$entry" >"$tmp/validate.out" 2>&1 || fail "$(cat "$tmp/validate.out")"
fi
[ -s "$tmp/prefix/share/icons/hicolor/48x48/apps/fairfields.png" ] || fail "the icons were not installed"
sh "$bundle/install.sh" --uninstall "$tmp/prefix" >/dev/null || fail "install.sh --uninstall exited $?"
[ ! -e "$tmp/prefix/bin/fairfields" ] && [ ! -e "$entry" ] || fail "install.sh --uninstall left files"
pass "install.sh: installed in a prefix (link, menu entry, icons) and uninstalled"

echo "smoke: the bundle works ($checks checks; $(du -sh "$bundle" | cut -f1) unpacked)"
