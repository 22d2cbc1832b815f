# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading and writing the small configuration files the modules edit, safely (the modules' shared I/O).

Read: only a regular file, opened without following a link and without blocking (a FIFO or device put there is
refused instead of hanging the run), at most a given size; bytes that are not UTF-8 are kept as surrogates, so a
write changes only what was edited. Write: a temporary file in the same directory, then a rename over the file
(AnsibleModule.atomic_move keeps its mode, owner and SELinux context).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat
import tempfile


def split_lines(text):
    """The lines of ``text``, each with its newline, split at newlines only: as sh, GRUB and lineinfile read a file.
    str.splitlines() would also split at form feeds, vertical tabs, U+2028 and the like, which they read as ordinary
    characters (a line holding one would be taken for two). Pure."""
    parts = text.split('\n') if text else []
    lines = [part + '\n' for part in parts[:-1]]
    if parts and parts[-1]:
        lines.append(parts[-1])
    return lines


def clean(value):
    """Bytes we could not decode are kept as surrogates in memory; show them as U+FFFD."""
    if value is None:
        return None
    return value.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')


def diff(path, before, after):
    """Ansible's diff of one file (None or missing text shown as empty), for a module's ``diff`` result."""
    return dict(before_header=path, after_header=path, before=clean(before or ''), after=clean(after or ''))


def exists_in(files):
    """The predicate a reading's {path: exists} answers (made on the host earlier in the play); KeyError for a path that
    reading did not look at, so a decision on it never guesses."""
    def exists(path):
        if path not in files:
            raise KeyError('%s was not read' % path)
        return bool(files[path])
    return exists


def try_read(path, limit, what):
    """(text, None) of the regular file path (bytes kept as surrogates), or (None, why it cannot be read).

    path is opened without following a link (resolve it first where links are allowed) and without blocking;
    at most limit bytes. what names the file in the message, for example 'GRUB menu'.
    """
    flags = os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0) | os.O_NONBLOCK | getattr(os, 'O_NOCTTY', 0)
    try:
        fd = os.open(path, flags)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None, 'cannot read the %s %s: not a regular file' % (what, path)
            data = os.read(fd, limit + 1)
        finally:
            os.close(fd)
    except (IOError, OSError, ValueError) as exc:
        return None, 'cannot read the %s %s: %s' % (what, path, clean(str(exc)))
    if len(data) > limit:
        return None, 'cannot read the %s %s: larger than %d bytes, which no such file is' % (what, path, limit)
    return data.decode('utf-8', 'surrogateescape'), None


def write_atomic(module, path, text):
    """Temporary file in the same directory, then rename over path (keeps mode/owner/context).

    fail_json naming the file when the directory is not writable or the disk is full; the file is then unchanged.
    """
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=os.path.dirname(path))
        with os.fdopen(fd, 'wb') as handle:
            handle.write(text.encode('utf-8', 'surrogateescape'))
            handle.flush()
            os.fsync(handle.fileno())
        module.atomic_move(tmp, path)
    except (IOError, OSError) as exc:
        module.fail_json(msg='cannot write %s (nothing changed in it): %s' % (path, clean(str(exc))), path=path)
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


def _lstat_text(path, limit):
    """(lstat of path or None where it is missing, its text where it is a readable regular file or None)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None, None
    if not stat.S_ISREG(info.st_mode):
        return info, None
    text, error = try_read(path, limit, 'file')
    return info, (None if error else text)


def read_installed(path, limit):
    """(text or None, mode bits or None, exists) of a file a module installs whole (a script, a unit).

    Not followed through a link: text only of a regular file, so a link or directory put there counts as a file that
    differs from what is wanted (install() then renames over it) while ``exists`` still says something is there.
    """
    info, text = _lstat_text(path, limit)
    if info is None:
        return None, None, False
    if not stat.S_ISREG(info.st_mode):
        return None, None, True
    return text, stat.S_IMODE(info.st_mode), True


def read_state(path, limit):
    """{'exists', 'regular', 'mode', 'uid', 'gid', 'text', 'error'} of path, read both ways the modules read their files.

    exists: something is there (a dangling link too). regular, mode, uid, gid: path itself (not followed) is a regular
    file, and its mode bits and owner (else None), as read_installed() and installed_as() see a file installed whole
    (matches_installed() decides on them). text: the file path resolves to, read
    as the modules read a file they edit lines of (realpath, then try_read), or None with the reason in error.
    For a reading made early in a play that later tasks decide on (xen_facts' files option).
    """
    state = dict(exists=False, regular=False, mode=None, uid=None, gid=None, text=None, error=None)
    try:
        info = os.lstat(path)
    except (OSError, ValueError) as exc:
        state['error'] = clean(str(exc))
        return state
    state['exists'] = True
    if stat.S_ISREG(info.st_mode):
        state.update(regular=True, mode=stat.S_IMODE(info.st_mode), uid=info.st_uid, gid=info.st_gid)
    try:
        target = os.path.realpath(path)
    except ValueError as exc:
        state['error'] = clean(str(exc))
        return state
    state['text'], state['error'] = try_read(target, limit, 'file')
    return state


def install(module, path, text, mode):
    """Write ``text`` to ``path`` atomically (write_atomic), then give it ``mode``, owned by root."""
    write_atomic(module, path, text)
    module.set_mode_if_different(path, mode, False)
    module.set_owner_if_different(path, 'root', False)
    module.set_group_if_different(path, 'root', False)


def installed_as(path, text, mode, limit):
    """(the text found or None, whether path is what install(module, path, text, mode) leaves): a regular file, not
    followed through a link, holding text, with mode, owned by root:root. One lstat for all of it."""
    info, found = _lstat_text(path, limit)
    if info is None:
        return found, False
    state = dict(regular=stat.S_ISREG(info.st_mode), text=found, mode=stat.S_IMODE(info.st_mode), uid=info.st_uid,
                 gid=info.st_gid)
    return found, matches_installed(state, text, mode)


def matches_installed(state, text, mode):
    """Whether a file's state (read_state()'s keys regular, text, mode, uid, gid) is what install(module, path, text,
    mode) leaves: a regular file, not a link, holding text, with mode, owned by root:root."""
    return (bool(state.get('regular')) and state.get('text') == text and state.get('mode') == mode
            and state.get('uid') == 0 and state.get('gid') == 0)


def remove(module, path):
    """Remove ``path``; fail_json naming it when that is refused."""
    try:
        os.unlink(path)
    except OSError as exc:
        module.fail_json(msg='cannot remove %s: %s' % (path, clean(str(exc))), path=path)
