#!/bin/sh
# Print a manifest of everything the roles could change on a Debian host: path, type, mode, owner,
# size and SHA-256 of every file under /etc, /boot, /usr/local, dpkg's and apt's state, and the
# list of installed packages. Run before and after the play; any difference is a change.
set -eu
export LC_ALL=C
find /etc /boot /usr/local /var/lib/dpkg /var/lib/apt /var/cache/apt /var/lib/xen /var/lib/libvirt \
    -xdev \( -path /var/lib/dpkg/lock -o -path /var/lib/dpkg/lock-frontend -o -path /var/lib/apt/lists/lock \
    -o -path /var/cache/apt/archives/lock \) -prune -o -printf '%y %m %u:%g %s %p\n' 2>/dev/null | sort -k5
find /etc /boot /usr/local /var/lib/dpkg /var/lib/apt /var/cache/apt -xdev -type f ! -name lock ! -name lock-frontend \
    -print0 2>/dev/null | sort -z | xargs -0 sha256sum
dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\n'
