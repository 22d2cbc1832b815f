# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The `root` option of the facts modules that read a machine's files (cpu_virt_facts, xen_facts),
and the one reader every file and directory beneath `root` goes through.

Its documentation is the doc fragment xenhost.dom0.root. A module's main() is then:

    module = AnsibleModule(argument_spec=ROOT_ARGUMENT_SPEC, supports_check_mode=True)
    root = checked_root(module, ('proc', 'sys'))
    module.exit_json(changed=False, ansible_facts={'<name>': gather(module, root)})

The reader treats the tree as hostile (an unpacked sosreport is made on another machine, by
someone else). Rules, each of which returns None ("unreadable", so the fact is unknown) instead
of raising or blocking:

* Only regular files are read. Every path component is looked at with lstat() relative to the
  directory opened before it (openat), and opened with O_NOFOLLOW|O_NONBLOCK, then fstat()ed:
  a FIFO, socket or device is never read and opening one never blocks. The only exception is
  read_device_at() on the live root `/` (the msr/cpuid devices of CPU 0).
* Symbolic links are resolved by this code, never by the kernel, and only inside the root, the
  way chroot would: an absolute target is re-rooted under `root` (a sosreport's link to
  /proc/... means its own proc/), and `..` stops at the root. More than MAX_SYMLINKS links in
  one lookup (a loop) makes the file unreadable.
* Size cap: a file is read only up to MAX_FILE_BYTES; a larger one (by fstat, or by reading one
  byte past the cap for /proc and /sys files, which report size 0) is unreadable as a whole,
  never silently truncated, so a cut-off cpuinfo cannot count fewer CPUs.
* Text is decoded as UTF-8 with undecodable bytes replaced (U+FFFD); NUL bytes are kept as
  U+0000 characters. A relative path containing a NUL byte is unreadable.
* Directory listings stop after MAX_DIR_ENTRIES names; a bigger directory is unreadable.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import stat

# Read only: AnsibleModule does not change the argument spec it is given.
ROOT_ARGUMENT_SPEC = dict(root=dict(type='path', default='/'))

# The largest file read: /proc/cpuinfo of a 1024-CPU machine is about 2 MiB, a kernel .config 300 KiB.
MAX_FILE_BYTES = 8 * 1024 * 1024
# The most names a directory listing returns (/proc of a live host, /boot/config-*, /sys/class/iommu).
MAX_DIR_ENTRIES = 65536
# Linux gives up after 40 links in one lookup (ELOOP); so does this reader.
MAX_SYMLINKS = 40

_DIR_FLAGS = os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0) | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
_FILE_FLAGS = (os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0) | os.O_NONBLOCK | getattr(os, 'O_NOCTTY', 0)
               | getattr(os, 'O_CLOEXEC', 0))


def not_a_directory_message(root, dirs):
    """Why the module fails for a root that is not a directory; dirs are what a copy of a machine holds there."""
    return "root %s is not a directory: point it at / or at a copy of a machine's files (%s)." % (
        root, ', '.join(name + '/' for name in dirs))


def checked_root(module, dirs):
    """The module's root option; fails the module when it is not a directory (see not_a_directory_message)."""
    root = module.params['root']
    if not os.path.isdir(root):
        module.fail_json(msg=not_a_directory_message(root, dirs))
    return root


def is_live_root(root):
    """True when root is this machine's own / (devices and commands are allowed only then)."""
    try:
        return os.path.realpath(root) == '/'
    except (ValueError, TypeError):
        return False


def _components(path):
    return [part for part in path.split('/') if part not in ('', '.')]


def _close_all(fds):
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def open_under(root, relpath, want='file', devices=False):
    """A file descriptor for root/relpath resolved inside root, or None; the caller closes it.

    want: 'file' (a regular file, or with devices=True also a character device) or 'dir'.
    Never follows a link out of root, never blocks, never raises.
    """
    if not isinstance(relpath, str) or '\0' in relpath or '\0' in root:
        return None
    try:
        stack = [os.open(root, _DIR_FLAGS)]
    except (OSError, ValueError):
        return None
    todo = _components(relpath)
    links = 0
    try:
        while todo:
            name = todo.pop(0)
            if name == '..':
                if len(stack) > 1:
                    os.close(stack.pop())
                continue
            last = not todo
            st = os.lstat(name, dir_fd=stack[-1])
            if stat.S_ISLNK(st.st_mode):
                links += 1
                if links > MAX_SYMLINKS:
                    return None
                target = os.readlink(name, dir_fd=stack[-1])
                if target.startswith('/'):
                    # Re-rooted: an absolute link means the same path in the copied machine.
                    _close_all(stack[1:])
                    del stack[1:]
                todo[:0] = _components(target)
                continue
            if not last or want == 'dir':
                if not stat.S_ISDIR(st.st_mode):
                    return None
                stack.append(os.open(name, _DIR_FLAGS, dir_fd=stack[-1]))
                continue
            if not (stat.S_ISREG(st.st_mode) or (devices and stat.S_ISCHR(st.st_mode))):
                return None
            fd = os.open(name, _FILE_FLAGS, dir_fd=stack[-1])
            # Swapped between lstat and open? O_NOFOLLOW refused a link; fstat catches any other type.
            mode = os.fstat(fd).st_mode
            if stat.S_ISREG(mode) or (devices and stat.S_ISCHR(mode)):
                return fd
            os.close(fd)
            return None
        if want == 'dir':
            return os.dup(stack[-1])
        return None
    except (OSError, ValueError, OverflowError):
        return None
    finally:
        _close_all(stack)


def read_bytes_under(root, relpath, limit=MAX_FILE_BYTES):
    """Bytes of the regular file root/relpath, or None (missing, not a regular file, bigger than limit...)."""
    fd = open_under(root, relpath)
    if fd is None:
        return None
    try:
        if os.fstat(fd).st_size > limit:
            return None
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            return None
        return b''.join(chunks)
    except (OSError, ValueError, OverflowError):
        return None
    finally:
        os.close(fd)


def read_under(root, relpath, limit=MAX_FILE_BYTES):
    """Text of the regular file root/relpath (UTF-8, bad bytes replaced), or None. Never raises or blocks."""
    data = read_bytes_under(root, relpath, limit)
    return None if data is None else data.decode('utf-8', 'replace')


def list_under(root, relpath, limit=MAX_DIR_ENTRIES):
    """Sorted names in the directory root/relpath, or None when missing, unreadable or bigger than limit."""
    fd = open_under(root, relpath, want='dir')
    if fd is None:
        return None
    names = []
    try:
        with os.scandir(fd) as entries:
            for entry in entries:
                names.append(entry.name)
                if len(names) > limit:
                    return None
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    return sorted(names)


def read_device_at(root, relpath, offset, size):
    """`size` bytes at `offset` of root/relpath, or None.

    On the live root `/` a character device (the msr and cpuid devices) is read; under any other
    root only a regular file standing in for it (a test tree), never a device.
    """
    if offset is None or offset < 0:
        return None
    fd = open_under(root, relpath, devices=is_live_root(root))
    if fd is None:
        return None
    try:
        data = os.pread(fd, size, offset)
    except (OSError, ValueError, OverflowError):
        return None
    finally:
        os.close(fd)
    return data if len(data) == size else None
