# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""grub_legacy's reading of a GRUB legacy menu and the default file beside it, and its answer decided on that reading.

read() is the I/O: the menu's text, GRUB's default file, and whether each file the menu's entries load exists. It
returns plain data (JSON, where portable() says so), so xen_facts can make the same reading earlier in a play and the
controller can decide on it later (plugins/filter/planned.py). answer() is pure: what grub_legacy returns and would
write. The module runs both on the host; the filter runs answer() on xen_preflight's reading and leaves the module call
out where it would change nothing (as grub2_menu does for GRUB 2).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.xenhost.dom0.plugins.module_utils import grub_legacy
from ansible_collections.xenhost.dom0.plugins.module_utils.text_file import clean, try_read

# A menu.lst is a few KiB; GRUB's default file is 10 bytes plus a comment. Bigger is not such a file.
MAX_MENU_BYTES = 16 * 1024 * 1024
MAX_DEFAULT_FILE_BYTES = 64 * 1024


def read(path, boot_dir='/boot', files=True):
    """The menu at ``path`` as grub_legacy reads it, as plain data.

    {'path' (as given), 'boot_dir', 'exists' (lexists), 'error' (why grub_legacy would fail reading it, or None), and
    where it could be read: 'real_path' (links resolved; the module's RV(path)), 'text', 'default_file' (beside the
    real menu), 'default_text' (None where there is none or it cannot be read), 'default_error', and with ``files``
    'files' ({path: exists} for every file an entry of the menu loads, loaded_files())}.
    Texts keep undecodable bytes as surrogates, as the module reads them (portable() tells whether JSON can carry them).
    """
    reading = dict(path=path, boot_dir=boot_dir, exists=os.path.lexists(path), error=None)
    if not reading['exists']:
        return dict(reading, error='%s does not exist' % path)
    real = os.path.realpath(path)
    if not os.path.isfile(real):
        return dict(reading, error='%s is not a regular file (resolved to %s)' % (path, real))
    text, error = try_read(real, MAX_MENU_BYTES, 'GRUB menu')
    if error:
        return dict(reading, error=error)
    default_file = os.path.realpath(os.path.join(os.path.dirname(real), 'default'))
    default_text = default_error = None
    if os.path.lexists(default_file):
        # A directory, FIFO or unreadable file there matters only to a "default saved" menu (answer() says).
        default_text, default_error = try_read(default_file, MAX_DEFAULT_FILE_BYTES, 'GRUB default file')
    reading.update(real_path=real, text=text, default_file=default_file, default_text=default_text,
                   default_error=default_error)
    if files:
        loaded = {}
        try:
            entries = grub_legacy.MenuConfig(text).entries
        except grub_legacy.GrubLegacyError as exc:
            return dict(reading, error='%s: %s' % (real, clean(str(exc))))
        for entry in entries:
            for name in grub_legacy.loaded_files(entry, boot_dir):
                loaded.setdefault(name, os.path.isfile(name))
        reading['files'] = loaded
    return reading


def portable(reading):
    """The reading, or one that says why not where a text holds bytes that are not UTF-8 (JSON cannot carry them
    unchanged, and an answer on replaced bytes would not be the module's)."""
    for key in ('text', 'default_text'):
        try:
            (reading.get(key) or '').encode('utf-8')
        except UnicodeEncodeError:
            return dict(path=reading['path'], boot_dir=reading['boot_dir'], exists=reading['exists'],
                        error='%s holds bytes that are not UTF-8: grub_legacy reads it itself' % reading['path'])
    return reading


def _entries(entries):
    return [dict((k, clean(v) if isinstance(v, str) else v) for k, v in e.as_dict().items()) for e in entries]


def answer(reading, exists, default='xen', fallback=None, xen_args=None, plan=None, dom0_args=None, stanza=None,
           boot_dir='/boot'):
    """What grub_legacy returns for read()'s ``reading`` of a menu that is there, and what it would write; pure.

    ``exists``: the predicate for the files of the entries it checks (os.path.isfile on the host; the reading's
    'files' on the controller, raising KeyError for one not read). The other arguments are the module's options;
    ``stanza`` is {'text', 'marker'} or None. Raises grub_legacy.GrubLegacyError with the module's whole failure message
    (the menu named), ValueError for a reading with an error.

    Returns {'result' (the module's return values but diff and backups), 'text' (the menu as planned),
    'menu_changed', 'default_file_index' (the number to write into the default file, or None), 'refusal'
    (unloadable_refusal()'s message where a change would leave the default, or a trial's way back, unloadable)}.
    """
    if reading.get('error'):
        raise ValueError(reading['error'])
    path, text, default_text = reading['real_path'], reading['text'], reading['default_text']
    saved_index = None
    # stage2's savedefault rewrites the first 10 bytes in place; a shorter file fails the boot entry.
    default_file_ok = False
    if default_text is not None:
        saved_index = grub_legacy.parse_default_file(default_text)
        default_file_ok = len(default_text.encode('utf-8', 'surrogateescape')) >= 10
    marker = (stanza or {}).get('marker') or grub_legacy.STANZA_MARKER
    try:
        # The stanza first: the default (and a trial's fallback) is chosen on the menu as it will be written.
        planned_text = grub_legacy.set_block(text, stanza['text'], marker) if stanza else text
        result = grub_legacy.plan(planned_text, default=default, fallback=fallback, xen_args=xen_args,
                                  saved_index=saved_index, mode=plan, dom0_args=dom0_args,
                                  default_file_ok=default_file_ok)
    except grub_legacy.GrubLegacyError as exc:
        raise grub_legacy.GrubLegacyError('%s: %s' % (path, clean(str(exc))))
    if (result['previous_setting'] == 'saved' or result['default_file_index'] is not None) and reading['default_error']:
        raise grub_legacy.GrubLegacyError('%s says "default saved", but %s' % (path, reading['default_error']))

    new_text = result['text']
    # Parsed once: the entries returned and the files checked are those of the menu as planned.
    planned = grub_legacy.MenuConfig(new_text)
    groot = planned.magic_option('groot')
    menu_changed = new_text != text
    fallback_entry = result['fallback_entry']
    trial = plan == 'trial'
    out = dict(
        changed=menu_changed or result['default_file_index'] is not None,
        exists=True,
        # The stanza as finally written (a trial adds its savedefault line) against the one in the menu before.
        stanza_changed=bool(stanza) and grub_legacy.block_of(new_text, marker) != grub_legacy.block_of(text, marker),
        path=path,
        entries=_entries(planned.entries),
        default_index=result['chosen'].index,
        default_title=clean(result['chosen'].title),
        previous_default=result['previous_default'],
        previous_default_setting=result['previous_setting'],
        notes=result['warnings'],
        plan=plan,
        trial=trial,
        fallback_index=fallback_entry.index if fallback_entry else None,
        fallback_title=clean(fallback_entry.title) if fallback_entry else '',
        groot=clean(groot[1].strip()) if groot else None,
    )
    # Read only, so in check mode too: the planned default (and a trial's way back) must load.
    checked = [out['default_index']] + ([out['fallback_index']] if trial and fallback_entry else [])
    out['missing_files'] = [clean(name) for name in grub_legacy.missing_files(planned.entries, checked, boot_dir, exists)]
    if result['previous_setting'] == 'saved' or trial:
        out['default_file'] = reading['default_file']
    refusal = None
    if out['changed']:
        refusal = grub_legacy.unloadable_refusal(out['missing_files'], result['chosen'], fallback_entry if trial else None)
    return dict(result=out, text=new_text, menu_changed=menu_changed, default_file_index=result['default_file_index'],
                refusal=clean(refusal) if refusal else None)
