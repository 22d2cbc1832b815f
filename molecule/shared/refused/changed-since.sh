#!/bin/sh
# List every path on the root filesystem whose inode changed (content, mode, owner, new or removed
# entry in a directory) after MARKER was created, except where a running system always writes:
# logs, runtime state, temp dirs, and Ansible's own remote temp dir (transport, not a change made
# by the roles). ctime is set by the kernel on every change and cannot be set back by a program.
set -eu
marker=$1
find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp -o -path /var/tmp \
    -o -path /var/log -o -path /var/lib/systemd -o -path /root/.ansible -o -path /var/lib/private \
    -o -path /root/.ansible_async \) -prune -o -cnewer "$marker" -print | sort
