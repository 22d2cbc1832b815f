#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: grub_legacy
short_description: Make a GRUB legacy (0.97) menu boot the Xen entry by default
version_added: 0.1.0
description:
  - Sets the C(default) (and optionally C(fallback)) entry of a GRUB legacy C(menu.lst) / C(grub.conf), and merges
    hypervisor arguments into the chosen Xen entry's C(kernel) line.
  - Understands what real files contain - C(default=N) and C(default N), C(default saved), C(fallback),
    C(hiddenmenu), C(title=) and C(title ) forms, comments, blank lines, backslash continuation lines and Debian's
    C(### BEGIN AUTOMAGIC KERNELS LIST) block. Entries count from 0, like GRUB.
  - Changes only the lines that must change; every other byte stays identical. Writes are atomic (temporary file in
    the same directory, then rename) and keep the file's mode, owner and SELinux context.
  - With C(default saved) the C(default) line is left alone and the saved entry is written to the C(default) file
    beside the menu, in the format GRUB 0.97's C(grub-set-default) writes (the number, ten C(#) lines and a
    three-line warning; GRUB's C(savedefault) rewrites the first 10 bytes in place).
  - "Debian C(update-grub): everything between the AUTOMAGIC markers is regenerated. If the chosen Xen entry lies
    inside that block, O(xen_args) are also merged into the C(# xenhopt=) magic comment so that they survive the next
    C(update-grub). Debian's grub-legacy C(update-grub) only generates Xen entries for kernels whose
    C(/boot/config-*) has C(CONFIG_XEN_PRIVILEGED_GUEST=y); Debian 12's kernels have C(CONFIG_XEN_DOM0=y) instead,
    so there a Xen stanza must be written outside the AUTOMAGIC block (stanzas before the block keep their index)."
  - The parsing and editing logic lives in the pure module_utils C(grub_legacy) so it can also run on the controller.
author:
  - xenhost maintainers (@xenhost)
extends_documentation_fragment:
  - xenhost.dom0.attributes
options:
  path:
    description:
      - The GRUB legacy menu file.
      - Default is the first existing of C(/boot/grub/menu.lst) and C(/boot/grub/grub.conf).
      - Symbolic links are followed and their target is written (on RHEL/CentOS 5 C(menu.lst) and C(/etc/grub.conf)
        are links to C(grub.conf)).
    type: path
  default:
    description:
      - Which entry to boot by default.
      - V(xen) is the first entry that boots the Xen hypervisor - its C(kernel) line loads a C(xen*.gz) / C(xen)
        image (for example C(/xen.gz-2.6.18-398.el5), C(/boot/xen-4.17-amd64.gz), C(/boot/xen.gz)) and it has
        C(module) lines. A title that merely contains "xen" does not count.
      - A number is an entry index counting from 0.
      - Anything else is a Python regular expression searched in the titles; the first match wins.
    type: str
    default: xen
  fallback:
    description:
      - The entry GRUB boots when the default fails, in the same forms as O(default), or V(none) to remove the
        C(fallback) line. Omit to leave the C(fallback) line alone.
    type: str
  xen_args:
    description:
      - Hypervisor arguments to merge into the chosen entry's C(kernel) line, for example
        C(dom0_mem=1024M,max:1024M dom0_max_vcpus=2).
      - Merged by key (the part before C(=)); an existing key is replaced where it stands, a new one is appended.
        Arguments not named here are kept.
      - A string (split on blanks) or a list of strings. The chosen entry must be a Xen entry.
    type: raw
  backup:
    description:
      - Create a backup file (with a timestamp) of every file changed, beside it.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - Fails, changing nothing, when there is no Xen entry (for O(default=xen)) or the file cannot be understood;
    the message lists the titles found.
  - A second run with the same options changes nothing.
seealso:
  - module: xenhost.dom0.grub2_entries
'''

EXAMPLES = r'''
- name: Boot the Xen entry with 1 GiB for dom0
  xenhost.dom0.grub_legacy:
    default: xen
    xen_args: dom0_mem=1024M,max:1024M
    backup: true

- name: Boot Xen, fall back to the first plain kernel entry
  xenhost.dom0.grub_legacy:
    path: /boot/grub/grub.conf
    default: xen
    fallback: '^CentOS \(2\.6\.18-419\.el5\)$'

- name: Only report what the menu contains
  xenhost.dom0.grub_legacy:
    default: xen
  check_mode: true
  register: menu
'''

RETURN = r'''
path:
  description: The file that was read and (if changed) written, after following symbolic links.
  returned: always
  type: str
  sample: /boot/grub/grub.conf
entries:
  description: The menu entries after the change.
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: Entry number, counting from 0 like GRUB.
      type: int
    title:
      description: The title.
      type: str
    kernel:
      description: The C(kernel) line's arguments (image and options), or null.
      type: str
    modules:
      description: The C(module) lines' arguments.
      type: list
      elements: str
    xen:
      description: Whether this entry boots the Xen hypervisor.
      type: bool
    automagic:
      description: Whether the entry lies inside Debian's AUTOMAGIC KERNELS LIST (regenerated by update-grub).
      type: bool
  sample:
    - {index: 0, title: "CentOS (2.6.18-419.el5)", kernel: "/boot/vmlinuz-2.6.18-419.el5 ro root=LABEL=/",
       modules: [], xen: false, automagic: false}
default_index:
  description: The entry GRUB now boots by default.
  returned: always
  type: int
  sample: 1
default_title:
  description: Title of that entry.
  returned: always
  type: str
  sample: CentOS (2.6.18-419.el5xen)
previous_default:
  description: The entry GRUB booted by default before (for C(default saved), the saved entry; 0 when unset).
  returned: always
  type: int
  sample: 0
previous_default_setting:
  description: The previous C(default) line's value (a number or C(saved)), null when there was none.
  returned: always
  type: str
  sample: saved
default_file:
  description: The C(default) file holding the saved entry, when the menu says C(default saved).
  returned: when the menu uses C(default saved)
  type: str
  sample: /boot/grub/default
backup_file:
  description: Backup of the menu file (or of the C(default) file when only that changed).
  returned: when O(backup=true) and a file changed
  type: str
  sample: /boot/grub/grub.conf.12345.2024-01-01@10:00:00~
default_backup_file:
  description:
    - Backup of the C(default) file (C(default saved) menus), also when the menu changed too and RV(backup_file) holds the
      menu's backup.
  returned: when O(backup=true) and the C(default) file existed and changed
  type: str
  sample: /boot/grub/default.12345.2024-01-01@10:00:00~
notes:
  description: Things to know, for example that update-grub may move the default entry (also issued as warnings).
  returned: always
  type: list
  elements: str
'''

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.xenhost.dom0.plugins.module_utils import grub_legacy

DEFAULT_PATHS = ('/boot/grub/menu.lst', '/boot/grub/grub.conf')


def _clean(value):
    """Bytes we could not decode are kept as surrogates in memory; show them as U+FFFD."""
    if value is None:
        return None
    return value.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')


def _read(path):
    with open(path, 'rb') as handle:
        return handle.read().decode('utf-8', 'surrogateescape')


def _write(module, path, text):
    """Temporary file in the same directory, then rename over ``path`` (keeps mode/owner/context)."""
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(text.encode('utf-8', 'surrogateescape'))
            handle.flush()
            os.fsync(handle.fileno())
        module.atomic_move(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _find_path(module, path):
    if path is None:
        for candidate in DEFAULT_PATHS:
            if os.path.exists(candidate):
                path = candidate
                break
        else:
            module.fail_json(msg='no GRUB legacy menu found (looked for %s); set path' % ', '.join(DEFAULT_PATHS))
    real = os.path.realpath(path)
    if not os.path.isfile(real):
        module.fail_json(msg='%s is not a regular file (resolved to %s)' % (path, real))
    return real


def _entries(text):
    return [dict((k, _clean(v) if isinstance(v, str) else v) for k, v in e.as_dict().items())
            for e in grub_legacy.MenuConfig(text).entries]


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path'),
            default=dict(type='str', default='xen'),
            fallback=dict(type='str'),
            xen_args=dict(type='raw'),
            backup=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    path = _find_path(module, params['path'])
    try:
        text = _read(path)
    except (IOError, OSError) as exc:
        module.fail_json(msg='cannot read %s: %s' % (path, exc))

    default_file = os.path.join(os.path.dirname(path), 'default')
    saved_index = None
    if os.path.isfile(default_file):
        saved_index = grub_legacy.parse_default_file(_read(default_file))

    try:
        result = grub_legacy.plan(text, default=params['default'], fallback=params['fallback'],
                                  xen_args=params['xen_args'], saved_index=saved_index)
    except grub_legacy.GrubLegacyError as exc:
        module.fail_json(msg='%s: %s' % (path, _clean(str(exc))), path=path)

    new_text = result['text']
    menu_changed = new_text != text
    default_changed = result['default_file_index'] is not None
    uses_saved = result['previous_setting'] == 'saved'

    diffs = []
    if menu_changed:
        diffs.append(dict(before_header=path, after_header=path, before=_clean(text), after=_clean(new_text)))
    if default_changed:
        before = _read(default_file) if os.path.isfile(default_file) else ''
        diffs.append(dict(before_header=default_file, after_header=default_file, before=_clean(before),
                          after=grub_legacy.render_default_file(result['default_file_index'])))

    out = dict(
        changed=menu_changed or default_changed,
        path=path,
        entries=_entries(new_text),
        default_index=result['chosen'].index,
        default_title=_clean(result['chosen'].title),
        previous_default=result['previous_default'],
        previous_default_setting=result['previous_setting'],
        notes=result['warnings'],
    )
    if uses_saved:
        out['default_file'] = default_file
    if module._diff and diffs:
        out['diff'] = diffs

    if out['changed'] and not module.check_mode:
        if params['backup']:
            # Both files may change: each backup is returned on its own key, none overwrites the other.
            if default_changed and os.path.isfile(default_file):
                out['default_backup_file'] = out['backup_file'] = module.backup_local(default_file)
            if menu_changed:
                out['backup_file'] = module.backup_local(path)
        if menu_changed:
            _write(module, path, new_text)
        if default_changed:
            _write(module, default_file, grub_legacy.render_default_file(result['default_file_index']))

    for warning in result['warnings']:
        module.warn(warning)
    module.exit_json(**out)


if __name__ == '__main__':
    main()
