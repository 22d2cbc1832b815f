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
      - A number (ASCII digits C(0-9) only, at most 9) is an entry index counting from 0.
      - Anything else names a title, tried in this order - the title equal to it; the one title that starts with it;
        the one title a Python regular expression of it finds. When several titles match at the first step that matches
        anything, the module fails listing them (it never takes the first of several).
      - An empty value fails (it would otherwise match every title).
    type: str
    default: xen
  fallback:
    description:
      - The entry GRUB boots when the default fails, in the same forms as O(default), or V(none) to remove the
        C(fallback) line. Omit to leave the C(fallback) line alone. An empty value fails.
    type: str
  xen_args:
    description:
      - Hypervisor arguments to merge into the chosen entry's C(kernel) line, for example
        C(dom0_mem=1024M,max:1024M dom0_max_vcpus=2).
      - Merged by key (the part before C(=)); an existing key is replaced where it stands, a new one is appended.
        Arguments not named here are kept.
      - A string (split on blanks) or a list of strings. The chosen entry must be a Xen entry.
      - Each argument is C(name[=value]), the value only of letters, digits and C(_ . , colon + / @ = -), at most 99
        characters (Xen 3.x cuts longer ones, Xen 4.x from 128); anything else (quotes, C($), C(;), C(#), a backslash, which would join the
        next menu line onto this one) fails, changing nothing.
    type: raw
  plan:
    description:
      - Omit to set C(default) (and O(fallback)) as asked.
      - V(trial) boots the O(default) Xen entry once - C(default saved), the C(default) file naming the Xen entry,
        C(fallback) naming the entry to come back to, and C(savedefault fallback) as the Xen entry's first command.
        As GRUB boots the Xen entry, C(savedefault fallback) writes the fallback entry into the C(default) file, so
        the boot after it (a Xen or dom0 panic reboots) is the old entry again; an image GRUB cannot load sends it to
        C(fallback) at once. The fallback is O(fallback) when given (it must not boot Xen), else the current default,
        else the fallback of a trial set up before, else the first entry without Xen. Uses only upstream GRUB 0.97
        stage2 commands (checked in upstream's and Debian's code); Debian's C(grub-reboot) (C(savedefault --once)) is not used.
      - V(permanent) makes the Xen entry the default (in the C(default) file for C(default saved)) and removes the
        trial's C(savedefault fallback); a C(fallback) line stays.
    type: str
    choices: [trial, permanent]
  dom0_args:
    description:
      - Arguments for dom0's kernel, merged by key into the Xen entry's first C(module) line, for example C(panic=10).
      - A string (split on blanks) or a list of strings, each C(name[=value]) of the characters O(xen_args) takes (the
        name may start with a digit, as in C(8250.nr_uarts=4)); quoted values and anything else fail, changing nothing.
    type: raw
  backup:
    description:
      - Create a backup file (with a timestamp) of every file changed, beside it.
    type: bool
    default: false
  boot_dir:
    description:
      - Where the files the entries load live on this system, for RV(missing_files).
      - GRUB legacy names them on its root device. With C(/boot) on a file system of its own (RHEL/CentOS 5) an entry
        says C(/vmlinuz-...), with C(/boot) on the root file system C(/boot/vmlinuz-...). A path that does not start
        with O(boot_dir) is taken as relative to it. A GRUB device prefix such as C((hd0,0)) is ignored.
    type: path
    default: /boot
    version_added: 0.2.0
  stanza:
    description:
      - A menu entry of your own to write before Debian's C(### BEGIN AUTOMAGIC KERNELS LIST) block (entries there
        keep their numbers and C(update-grub) leaves them alone), or at the end of a menu without that block, between
        the lines C(# BEGIN <marker>) and C(# END <marker>). Where those lines are there, only what is between them is
        replaced. Written in the same change as the default it may become, so O(default=xen) can choose it.
      - The same lines C(ansible.builtin.blockinfile) writes with C(marker='# {mark} <marker>'), so a block written
        that way is taken over unchanged.
      - Fails, changing nothing, where one marker line is there without the other, either is there twice, or the END
        line comes first.
    type: dict
    suboptions:
      text:
        description: The entry's lines, from its C(title) line on.
        type: str
        required: true
      marker:
        description: What follows C(BEGIN) and C(END) on the marker lines.
        type: str
        default: xenhost.dom0 Xen entry (managed by Ansible, outside update-grub's AUTOMAGIC block)
    version_added: 0.2.0
  missing:
    description:
      - What to do when O(path) is given and no file is there (a Debian grub-legacy install whose C(update-grub) has
        not written C(menu.lst) yet).
      - V(fail) fails naming the path.
      - V(report) changes nothing and returns RV(exists) false with no RV(entries), so a play can generate the menu
        first without a separate C(stat) call.
    type: str
    choices: [fail, report]
    default: fail
    version_added: 0.2.0
  require_files:
    description:
      - Refuse a change after which the default entry, or with O(plan=trial) the entry the trial comes back to, names
        files that are not there (RV(missing_files)). The module fails naming them and writes neither the menu nor the
        C(default) file, so GRUB is never pointed at an entry it cannot load.
      - In check mode nothing is written and the files are only reported (a package transaction that did not run may
        be what installs them). Where the menu and the C(default) file need no change, they are only reported too.
      - V(false) writes the change anyway and reports them.
    type: bool
    default: true
    version_added: 0.2.0
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - Fails, changing nothing, when there is no Xen entry (for O(default=xen)) or the file cannot be understood;
    the message lists the titles found.
  - Fails, changing nothing, when the change would make GRUB boot an entry whose files are not there (see
    O(require_files)).
  - A second run with the same options changes nothing.
  - The C(default) file of a C(default saved) menu is read as GRUB 0.97's stage2 reads it - its first 9 bytes, an
    optional C(0x) (hex) then digits, no leading blanks. When it is missing, empty or starts with anything else, GRUB
    boots entry 0; the module reports RV(previous_default) 0, says so in RV(notes) and writes a well-formed file.
  - Fails with a message naming the file, changing nothing, when the menu or (for C(default saved)) the C(default) file
    cannot be read (permissions, not a regular file, larger than 16 MiB or 64 KiB), or when the directory is not
    writable.
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

- name: Boot the Xen entry once; a failed boot comes back to the current default by itself
  xenhost.dom0.grub_legacy:
    default: xen
    plan: trial
    dom0_args: panic=10

- name: Only report what the menu contains
  xenhost.dom0.grub_legacy:
    default: xen
  check_mode: true
  register: menu

- name: Read Debian's menu.lst where there is one (menu.exists says whether update-grub must write it first)
  xenhost.dom0.grub_legacy:
    path: /boot/grub/menu.lst
    default: "0"
    missing: report
  check_mode: true
  register: menu
'''

RETURN = r'''
stanza_changed:
  description:
    - Whether the lines of O(stanza) in the menu as written differ from those in the menu before (false without
      O(stanza)). A trial's C(savedefault fallback) line counts as part of the stanza.
  returned: where the menu is there (RV(exists) true)
  type: bool
  sample: true
  version_added: 0.2.0
exists:
  description:
    - Whether the menu was there. False only with O(missing=report) and no file at O(path); then RV(entries) is empty
      and only RV(path) is set besides.
  returned: always
  type: bool
  sample: true
  version_added: 0.2.0
groot:
  description:
    - Debian's C(# groot=) setting in the menu's default options block (the GRUB root device its C(update-grub) writes
      into the kernel entries), or null where there is none.
  returned: where the menu is there (RV(exists) true)
  type: str
  sample: (hd0,0)
  version_added: 0.2.0
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
    initrd:
      description: The C(initrd) line's arguments, or null.
      type: str
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
  returned: where the menu is there (RV(exists) true)
  type: int
  sample: 1
default_title:
  description: Title of that entry.
  returned: where the menu is there (RV(exists) true)
  type: str
  sample: CentOS (2.6.18-419.el5xen)
previous_default:
  description: The entry GRUB booted by default before (for C(default saved), the saved entry; 0 when unset).
  returned: where the menu is there (RV(exists) true)
  type: int
  sample: 0
previous_default_setting:
  description: The previous C(default) line's value (a number or C(saved)), null when there was none.
  returned: where the menu is there (RV(exists) true)
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
plan:
  description: The O(plan) carried out, null when none was given.
  returned: where the menu is there (RV(exists) true)
  type: str
  sample: trial
trial:
  description: Whether the next boot is a one-time trial of the Xen entry (O(plan=trial)).
  returned: where the menu is there (RV(exists) true)
  type: bool
  sample: true
fallback_index:
  description: With O(plan=trial), the entry a failed trial comes back to (the C(fallback) line); else null.
  returned: where the menu is there (RV(exists) true)
  type: int
  sample: 1
missing_files:
  description:
    - The files (hypervisor, kernels, initrds) of the default entry, and with O(plan=trial) of the entry the trial
      falls back to, that are not regular files on this system (paths as O(boot_dir) resolves them). Empty when all
      are there. GRUB cannot load an entry whose files are gone, so do not reboot while this is not empty. A real run
      that would change the menu or the C(default) file fails instead, changing nothing (O(require_files)).
  returned: where the menu is there (RV(exists) true)
  type: list
  elements: str
  sample: [/boot/initrd.img-6.1.0-27-amd64]
  version_added: 0.2.0
fallback_title:
  description: Title of that entry; empty when there is none.
  returned: where the menu is there (RV(exists) true)
  type: str
  sample: Debian GNU/Linux, kernel 6.1.0-37-amd64
notes:
  description: Things to know, for example that update-grub may move the default entry (also issued as warnings).
  returned: where the menu is there (RV(exists) true)
  type: list
  elements: str
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.xenhost.dom0.plugins.module_utils import grub_legacy, grub_legacy_menu
from ansible_collections.xenhost.dom0.plugins.module_utils.text_file import clean as _clean
from ansible_collections.xenhost.dom0.plugins.module_utils.text_file import diff as _diff
from ansible_collections.xenhost.dom0.plugins.module_utils.text_file import write_atomic

DEFAULT_PATHS = ('/boot/grub/menu.lst', '/boot/grub/grub.conf')


def _find_path(module, path):
    if path is None:
        for candidate in DEFAULT_PATHS:
            if os.path.exists(candidate):
                path = candidate
                break
        else:
            module.fail_json(msg='no GRUB legacy menu found (looked for %s); set path' % ', '.join(DEFAULT_PATHS))
    try:
        real = os.path.realpath(path)
    except ValueError as exc:
        module.fail_json(msg='path %r is not a usable file name: %s' % (_clean(path), exc))
    if not os.path.isfile(real):
        module.fail_json(msg='%s is not a regular file (resolved to %s)' % (path, real))
    return real


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path'),
            default=dict(type='str', default='xen'),
            fallback=dict(type='str'),
            xen_args=dict(type='raw'),
            backup=dict(type='bool', default=False),
            plan=dict(type='str', choices=['trial', 'permanent']),
            dom0_args=dict(type='raw'),
            boot_dir=dict(type='path', default='/boot'),
            missing=dict(type='str', choices=['fail', 'report'], default='fail'),
            require_files=dict(type='bool', default=True),
            stanza=dict(type='dict', options=dict(
                text=dict(type='str', required=True),
                marker=dict(type='str', default=grub_legacy.STANZA_MARKER),
            )),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params['missing'] == 'report' and params['path'] is not None and not os.path.lexists(params['path']):
        module.exit_json(changed=False, exists=False, path=params['path'], entries=[])
    path = _find_path(module, params['path'])
    # The same reading and answer as xen_facts' grub_legacy_menu and the grub_legacy_answer filter make
    # (module_utils/grub_legacy_menu.py); here the files are checked as the answer asks for them.
    reading = grub_legacy_menu.read(path, params['boot_dir'], files=False)
    if reading['error']:
        module.fail_json(msg=reading['error'], path=path)
    try:
        decided = grub_legacy_menu.answer(reading, os.path.isfile, default=params['default'],
                                          fallback=params['fallback'], xen_args=params['xen_args'], plan=params['plan'],
                                          dom0_args=params['dom0_args'], stanza=params['stanza'],
                                          boot_dir=params['boot_dir'])
    except grub_legacy.GrubLegacyError as exc:
        module.fail_json(msg=str(exc), path=path)
    out = decided['result']
    default_file, default_index = reading['default_file'], decided['default_file_index']
    new_default = grub_legacy.render_default_file(default_index) if default_index is not None else None

    if module._diff and out['changed']:
        out['diff'] = []
        if decided['menu_changed']:
            out['diff'].append(_diff(path, reading['text'], decided['text']))
        if new_default is not None:
            out['diff'].append(_diff(default_file, reading['default_text'], new_default))

    if out['changed'] and not module.check_mode and params['require_files'] and decided['refusal']:
        module.fail_json(msg='%s: %s' % (path, decided['refusal']), path=path, missing_files=out['missing_files'],
                         default_index=out['default_index'], fallback_index=out['fallback_index'])

    if out['changed'] and not module.check_mode:
        if params['backup']:
            # Both files may change: each backup is returned on its own key, none overwrites the other.
            if new_default is not None and reading['default_text'] is not None:
                out['default_backup_file'] = out['backup_file'] = module.backup_local(default_file)
            if decided['menu_changed']:
                out['backup_file'] = module.backup_local(path)
        if decided['menu_changed']:
            write_atomic(module, path, decided['text'])
        if new_default is not None:
            write_atomic(module, default_file, new_default)

    for warning in out['notes']:
        module.warn(warning)
    module.exit_json(**out)


if __name__ == '__main__':
    main()
