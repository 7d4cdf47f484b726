#!/bin/sh
# Install the Fairfields Desktop bundle this script sits in (see share/README-linux.md).
#
#   ./install.sh                  for you alone: ~/.local/lib/fairfields, ~/.local/bin/fairfields, menu entry
#   sudo ./install.sh /usr/local  for everyone on this PC (/usr/local/lib/fairfields, /usr/local/bin/fairfields)
#   ./install.sh --uninstall [PREFIX]
#
# The app itself never needs root: its data, logs and settings live in each person's own folders.
set -eu

uninstall=false
if [ "${1:-}" = "--uninstall" ]; then uninstall=true; shift; fi
if [ -n "${1:-}" ]; then
  prefix=$1
elif [ "$(id -u)" -eq 0 ]; then
  prefix=/usr/local
else
  prefix=${HOME}/.local
fi
here=$(cd "$(dirname "$0")" && pwd)
app="$prefix/lib/fairfields"
entry="$prefix/share/applications/fairfields-desktop.desktop"
sizes="16 24 32 48 64 128 256"

refresh() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$prefix/share/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
}

if $uninstall; then
  rm -rf "$app"
  rm -f "$prefix/bin/fairfields" "$entry" "$prefix/share/icons/hicolor/scalable/apps/fairfields.svg"
  for s in $sizes; do rm -f "$prefix/share/icons/hicolor/${s}x${s}/apps/fairfields.png"; done
  refresh
  echo "Fairfields Desktop removed from $prefix (your data folder is kept)."
  exit 0
fi

[ -x "$here/fairfields" ] && [ -d "$here/_internal" ] || { echo "install.sh: run me from the unpacked bundle" >&2; exit 1; }
mkdir -p "$prefix/lib" "$prefix/bin" "$prefix/share/applications"
if [ "$here" != "$app" ]; then
  rm -rf "$app.new"
  mkdir -p "$app.new"
  cp -a "$here/fairfields" "$here/_internal" "$app.new/"
  rm -rf "$app"
  mv "$app.new" "$app"
fi
ln -sf "$app/fairfields" "$prefix/bin/fairfields"
# The menu entry runs the installed executable by its full path (the menu's PATH may lack ~/.local/bin).
sed "s|^Exec=fairfields |Exec=$app/fairfields |; s|^TryExec=fairfields\$|TryExec=$app/fairfields|" \
  "$here/share/applications/fairfields-desktop.desktop" > "$entry"
for s in $sizes; do
  mkdir -p "$prefix/share/icons/hicolor/${s}x${s}/apps"
  cp "$here/share/icons/hicolor/${s}x${s}/apps/fairfields.png" "$prefix/share/icons/hicolor/${s}x${s}/apps/"
done
mkdir -p "$prefix/share/icons/hicolor/scalable/apps"
cp "$here/share/icons/hicolor/scalable/apps/fairfields.svg" "$prefix/share/icons/hicolor/scalable/apps/"
refresh
echo "Fairfields Desktop $("$app/fairfields" --version | sed 's/^fairfields //') installed in $app"
echo "  menu: Office / Education -> Fairfields Desktop;  terminal: $prefix/bin/fairfields --help"
