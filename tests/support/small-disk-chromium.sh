#!/bin/sh
# Starts Chromium with its profile's storage on a small disk of its own: a tmpfs of
# $PARLEY_SMALL_DISK_SIZE (e.g. 256m) mounted over <user-data-dir>/Default, where
# Chromium keeps IndexedDB and the origin private file system, and from whose volume it
# derives storage quotas. The mount lives in a mount namespace of the browser's own
# (unshare --mount, needs root), so it ends with the browser's last process and nobody
# else sees it; the tests reach it through /proc/<browser pid>/root.
# Whatever was in Default before (the seeded Preferences) is copied onto the new disk;
# what the browser writes there is gone once it exits.
#
# Playwright runs this as the browser (executablePath) with Chromium's arguments.
set -eu
: "${PARLEY_SMALL_DISK_SIZE:?set PARLEY_SMALL_DISK_SIZE, e.g. 256m}"
export PARLEY_CHROMIUM="${PARLEY_CHROMIUM:-/usr/bin/chromium}"
profile=
for argument; do
  case $argument in --user-data-dir=*) profile=${argument#--user-data-dir=} ;; esac
done
[ -n "$profile" ] || { echo "small-disk-chromium: no --user-data-dir given" >&2; exit 2; }
mkdir -p "$profile/Default"
exec unshare --mount --propagation private -- sh -euc '
  disk=$1/Default size=$2
  shift 2
  # The working directory keeps the folder underneath the mount reachable: copy it over.
  cd "$disk"
  mount -t tmpfs -o "size=$size,mode=0700" parley-small-disk "$disk"
  cp -a . "$disk/"
  cd /
  exec "$PARLEY_CHROMIUM" "$@"
' small-disk-chromium "$profile" "$PARLEY_SMALL_DISK_SIZE" "$@"
