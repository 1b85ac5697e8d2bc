#!/bin/sh
# Put Writer in the desktop's launcher: the .desktop entry, the icon and the AppStream
# metainfo go into the user's local data folder ($XDG_DATA_HOME, default ~/.local/share).
#
#   packaging/install-linux.sh [--app DIR] [--uninstall]
#
# With a frozen app (packaging/build.py makes dist/writer/, or give --app DIR) the folder is
# copied to $XDG_DATA_HOME/writer/app and linked as ~/.local/bin/writer; otherwise the entry
# runs the `writer` found on PATH (pip install). Nothing outside the user's home is touched.
set -eu

REPO=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
ID=io.github.writer.Writer
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
BIN=${WRITER_BIN_DIR:-$HOME/.local/bin}
APP=""
UNINSTALL=0

while [ $# -gt 0 ]; do
    case $1 in
        --app) APP=${2:?--app needs a folder}; shift 2 ;;
        --uninstall) UNINSTALL=1; shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install-linux.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

APPS=$DATA/applications
ICONS=$DATA/icons/hicolor/scalable/apps
META=$DATA/metainfo
INSTALLED_APP=$DATA/writer/app

refresh() {
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$APPS" 2>/dev/null || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" 2>/dev/null || true
}

if [ "$UNINSTALL" = 1 ]; then
    rm -f "$APPS/$ID.desktop" "$ICONS/$ID.svg" "$META/$ID.metainfo.xml"
    if [ -L "$BIN/writer" ] && [ "$(readlink "$BIN/writer")" = "$INSTALLED_APP/writer" ]; then
        rm -f "$BIN/writer"
    fi
    rm -rf "$INSTALLED_APP"
    refresh
    echo "Removed Writer from the launcher (your drafts are untouched)."
    exit 0
fi

if [ -z "$APP" ] && [ -x "$REPO/dist/writer/writer" ]; then
    APP=$REPO/dist/writer
fi
if [ -n "$APP" ]; then
    if [ ! -x "$APP/writer" ]; then
        echo "install-linux.sh: $APP/writer is not a frozen Writer; build one with: python packaging/build.py" >&2
        exit 1
    fi
    mkdir -p "$DATA/writer" "$BIN"
    rm -rf "$INSTALLED_APP.new"
    cp -a "$APP" "$INSTALLED_APP.new"
    rm -rf "$INSTALLED_APP"
    mv "$INSTALLED_APP.new" "$INSTALLED_APP"
    ln -sfn "$INSTALLED_APP/writer" "$BIN/writer"
    COMMAND=$INSTALLED_APP/writer
elif COMMAND=$(command -v writer); then
    :
else
    echo "install-linux.sh: no Writer to point at: build the app (python packaging/build.py)," >&2
    echo "  pass --app DIR, or pip install Writer so that 'writer' is on PATH." >&2
    exit 1
fi

mkdir -p "$APPS" "$ICONS" "$META"
# Exec and TryExec get the absolute command, quoted as the desktop entry spec asks.
QUOTED=$(printf '%s' "$COMMAND" | sed 's/[\\"`$]/\\\\&/g')
while IFS= read -r line; do
    case $line in
        Exec=*) printf 'Exec="%s"\n' "$QUOTED" ;;
        TryExec=*) printf 'TryExec=%s\n' "$COMMAND" ;;
        *) printf '%s\n' "$line" ;;
    esac
done < "$REPO/resources/linux/$ID.desktop" > "$APPS/$ID.desktop.tmp"
mv "$APPS/$ID.desktop.tmp" "$APPS/$ID.desktop"
cp "$REPO/resources/icons/writer.svg" "$ICONS/$ID.svg"
cp "$REPO/resources/linux/$ID.metainfo.xml" "$META/$ID.metainfo.xml"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$APPS/$ID.desktop"
fi
refresh
echo "Installed Writer in the launcher: $APPS/$ID.desktop"
echo "  runs: $COMMAND"
