#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: grub2_entries
short_description: Read the menu entries GRUB 2 really has and check that the default boots Xen
version_added: 0.1.0
description:
  - Reads a generated C(grub.cfg) (and C(grubenv)) and returns every menu entry with its GRUB_DEFAULT path, whether
    it boots the Xen hypervisor and whether its hypervisor, kernel and initrd files exist.
  - Resolves the default entry the way GRUB does - a number (at each level entries and submenus both count), a
    title, an id (C($menuentry_id_option 'xen-gnulinux-simple-<uuid>')), a C(X>Y) path through submenus, or
    C(${saved_entry}) from C(grubenv). An unknown default makes GRUB boot item 0, and this module reports that.
  - Writes nothing itself. Use it after C(update-grub) / C(grub2-mkconfig) and before rebooting, to avoid guessing
    titles (they differ between Debian, Ubuntu and EL) and to fail before a reboot that would not start Xen.
  - With O(update_command) it also runs that command when the menu is out of date and then reads the menu it
    generated, in the same call (under emulation each module call costs seconds; three became one).
  - With O(plan=trial) and O(reboot_command) / O(editenv_command) it also arms the trial boot the plan describes, on
    the menu as it is after any regeneration - and only where RV(plan.errors) is empty, so a menu that would not boot
    Xen, or not come back, never gets a one-time entry.
  - "Debian's and Ubuntu's C(20_linux_xen) put the Xen entries in a top-level C(<OS>, with Xen hypervisor) entry and
    a submenu C(Advanced options for <OS> (with Xen hypervisor)) holding a submenu C(Xen hypervisor, version <v>);
    it skips kernels whose C(/boot/config-*) lacks C(CONFIG_XEN_DOM0=y)."
  - File paths in C(grub.cfg) are relative to GRUB's root device. With a separate C(/boot) partition they lack the
    C(/boot) prefix, so every file is looked for at O(root) + path and then at O(root) + C(/boot) + path.
  - M(xenhost.dom0.xen_facts)' O(xenhost.dom0.xen_facts#module:grub2_menu) makes the same reading of the menu, and the
    P(xenhost.dom0.grub2_entries_answer#filter) filter gives this module's answer on it where the module would neither
    run O(update_command) nor arm a trial - C(xenhost.dom0.xen_bootloader) then leaves this module's call out.
  - On Fedora / EL 8+ with BootLoaderSpec (C(blscfg)) the kernel entries live in C(/boot/loader/entries), not in
    C(grub.cfg); RV(blscfg) is then true and such entries are not listed (Xen entries need C(GRUB_ENABLE_BLSCFG=false)).
author:
  - xenhost maintainers (@xenhost)
extends_documentation_fragment:
  - xenhost.dom0.attributes
options:
  path:
    description:
      - The generated GRUB 2 configuration.
      - Default is the first existing of C(/boot/grub/grub.cfg) and C(/boot/grub2/grub.cfg) (under O(root)).
    type: path
  grubenv:
    description:
      - The GRUB environment block that holds C(saved_entry).
      - Default is C(grubenv) beside O(path). A missing file is treated as empty, like GRUB does.
    type: path
  root:
    description:
      - Directory the boot files (and the default O(path)) are looked up under; for checking a mounted image.
    type: path
    default: /
  default:
    description:
      - A GRUB_DEFAULT value to resolve instead of the one C(grub.cfg) / C(grubenv) set, for example the value a role
        is about to configure. V(saved) means C(${saved_entry}) from O(grubenv).
    type: str
  plan:
    description:
      - Also decide what C(xenhost.dom0.xen_bootloader) does with this menu, returned as RV(plan).
      - V(trial) - boot Xen once through C(next_entry) in C(grubenv) while the permanent default stays; fails the plan
        when GRUB could not clear C(next_entry) at boot (C(grubenv) on LVM, RAID, btrfs or ZFS, checked with
        C(grub-probe) as Debian's C(00_header) does), or when the permanent default could not boot the old system.
      - V(permanent) - the default must already be a Xen entry whose files exist.
    type: str
    choices: [trial, permanent]
  sources:
    description:
      - Files C(update-grub) / C(grub2-mkconfig) reads to generate O(path) (for example C(/etc/default/grub)); those
        modified after O(path) are returned as RV(newer_sources). Missing files are ignored.
      - One call instead of a C(stat) per file, for a role that regenerates the menu only when it is out of date.
    type: list
    elements: path
    default: []
  update_command:
    description:
      - The command that regenerates O(path), for example V([update-grub]). When given and the menu is out of date,
        the module runs it and returns what the menu it generated says; the module is then C(changed) when the new
        menu differs from the one it read first.
      - Out of date means O(update_due) is true, a file in O(sources) was modified after O(path) (RV(newer_sources)),
        or with O(plan) the menu does not fit the plan yet (RV(plan.errors) of the menu as read first).
      - Without it the module only reads.
    version_added: 0.2.0
    type: list
    elements: str
  update_due:
    description:
      - The caller changed what O(update_command) reads in this run, for example removed a C(grub.d) script (which
        leaves no newer file behind). Only with O(update_command).
    version_added: 0.2.0
    type: bool
    default: false
  reboot_command:
    description:
      - With O(plan=trial) - the command that makes GRUB boot an entry once, at the next boot only (V([grub-reboot])).
        The module runs it with RV(plan.next_entry) appended when RV(plan.set_next_entry) is true and the plan has no
        errors; after O(editenv_command), so that a one-time Xen entry is never left without its way back.
    version_added: 0.2.0
    type: list
    elements: str
  editenv_command:
    description:
      - With O(plan=trial) - the command that edits O(grubenv) (V([grub-editenv])). The module runs it with O(grubenv),
        V(set) and RV(plan.fallback_setting) when RV(plan.set_fallback_index) is true and the plan has no errors, so
        that GRUB boots the permanent default when it cannot load the Xen entry (C(xenhost.dom0.xen_bootloader)'s
        C(/etc/grub.d/01_xenhost_fallback) reads it). Leave it out where that way back is not wanted.
    version_added: 0.2.0
    type: list
    elements: str
attributes:
  check_mode:
    support: full
    details: >-
      In check mode O(update_command), O(reboot_command) and O(editenv_command) do not run; RV(update_pending) and
      RV(arm_pending) say what would, and the module reports C(changed).
  diff_mode:
    support: partial
    details: The menu before and after O(update_command) ran; nothing to show when the module only reads.
notes:
  - Fails when C(grub.cfg) is missing or cannot be parsed (unterminated quote, unbalanced braces).
seealso:
  - module: xenhost.dom0.grub_legacy
'''

EXAMPLES = r'''
- name: Read the GRUB 2 menu
  xenhost.dom0.grub2_entries:
  register: grub

- name: Refuse to reboot unless the default boots an existing Xen entry
  ansible.builtin.assert:
    that:
      - grub.default.is_xen
      - grub.default.files_exist
    fail_msg: >-
      GRUB would boot '{{ grub.default.resolved_path }}', not a usable Xen entry.
      Xen entries: {{ grub.xen_entries }}

- name: Regenerate the menu if a setting is newer than it, then check that it boots Xen by default
  xenhost.dom0.grub2_entries:
    plan: permanent
    sources: [/etc/default/grub, /etc/default/grub.d/xen.cfg]
    update_command: [update-grub]
  register: menu
  failed_when: menu.plan.errors | length > 0

- name: Regenerate the menu where it is out of date, then boot its Xen entry once, coming back by itself
  xenhost.dom0.grub2_entries:
    plan: trial
    sources: [/etc/default/grub, /etc/default/grub.d/xen.cfg]
    update_command: [update-grub]
    reboot_command: [grub-reboot]
    editenv_command: [grub-editenv]
  register: menu
  failed_when: menu.plan.errors | length > 0

- name: Check the value we are about to put in GRUB_DEFAULT
  xenhost.dom0.grub2_entries:
    default: "{{ grub.xen_entries | first }}"
  register: planned
'''

RETURN = r'''
path:
  description: The grub.cfg that was read.
  returned: always
  type: str
  sample: /boot/grub/grub.cfg
grubenv:
  description: The grubenv that was read (may not exist).
  returned: always
  type: str
  sample: /boot/grub/grubenv
saved_entry:
  description: C(saved_entry) from grubenv, or null.
  returned: always
  type: str
next_entry:
  description: C(next_entry) from grubenv (a one-time boot set by grub-reboot, used before the default), or null.
  returned: always
  type: str
blscfg:
  description: Whether grub.cfg loads BootLoaderSpec entries (C(blscfg)) that are not listed here.
  returned: always
  type: bool
entries:
  description: Every menu entry, in menu order (submenus are walked).
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: Position at its own level; entries and submenus both count, like GRUB.
      type: int
    index_path:
      description: The numeric GRUB_DEFAULT form, for example C(1>0>0).
      type: str
    title:
      description: The entry title.
      type: str
    id:
      description: The C(--id) / C($menuentry_id_option) value, or null.
      type: str
    path:
      description: The GRUB_DEFAULT form, submenu titles joined with C(>) (a C(>) in a title doubled).
      type: str
    xen:
      description:
        - Whether it boots the Xen hypervisor (a C(multiboot2)/C(multiboot)/C(xen_hypervisor) C(xen*) image plus a kernel module).
      type: bool
    hypervisor:
      description: The hypervisor image path as written in grub.cfg, or null.
      type: str
    kernel:
      description: The Linux kernel path (first module for Xen entries).
      type: str
    initrd:
      description: The (first) initrd path, or null.
      type: str
    initrds:
      description: All initrd paths.
      type: list
      elements: str
    files_exist:
      description: Whether the hypervisor, kernel and initrd files were all found under O(root).
      type: bool
    missing_files:
      description: The paths that were not found.
      type: list
      elements: str
  sample:
    - index: 2
      index_path: "2"
      title: "Debian GNU/Linux, with Xen hypervisor"
      id: xen-gnulinux-simple-3f6c1b0e-8d7a-4a52-b1c9-6e2d0f4a9b17
      path: "Debian GNU/Linux, with Xen hypervisor"
      xen: true
      hypervisor: /boot/xen-4.17-amd64.gz
      kernel: /boot/vmlinuz-6.1.0-28-amd64
      initrd: /boot/initrd.img-6.1.0-28-amd64
      initrds: [/boot/initrd.img-6.1.0-28-amd64]
      files_exist: true
      missing_files: []
xen_entries:
  description: GRUB_DEFAULT paths of the Xen entries, in menu order.
  returned: always
  type: list
  elements: str
  sample:
    - "Debian GNU/Linux, with Xen hypervisor"
    - "Advanced options for Debian GNU/Linux (with Xen hypervisor)>Xen hypervisor, version 4.17-amd64>Debian GNU/Linux, with Xen 4.17-amd64
      and Linux 6.1.0-28-amd64"
default:
  description: What GRUB boots by default.
  returned: always
  type: dict
  contains:
    setting:
      description: The default as written (in grub.cfg, or O(default)), for example C(${saved_entry}).
      type: str
    value:
      description: The setting with grubenv variables substituted.
      type: str
    found:
      description: Whether the value names a menu entry; when false GRUB boots item 0, which is what the resolved_ fields show.
      type: bool
    resolved_title:
      description: Title of the entry GRUB boots.
      type: str
    resolved_path:
      description: Its GRUB_DEFAULT path.
      type: str
    resolved_id:
      description: Its id.
      type: str
    resolved_index_path:
      description: Its numeric path, for example C(0) or C(1>2).
      type: str
    is_xen:
      description: Whether that entry boots Xen.
      type: bool
    files_exist:
      description: Whether its hypervisor, kernel and initrd files exist.
      type: bool
    missing_files:
      description: Its files that were not found.
      type: list
      elements: str
checksum:
  description:
    - SHA-1 of the menu file as read (what M(ansible.builtin.stat) returns as C(checksum)). Two readings around an
      C(update-grub) tell whether it changed the menu, without a further call.
  returned: always
  type: str
  sample: 2aae6c35c94fcfb415dbe95f408b9ce91ee846ed
checksum_before:
  description: SHA-1 of the menu as read before O(update_command) ran; RV(checksum) when it did not run.
  version_added: 0.2.0
  returned: always
  type: str
  sample: 0b6f1c9d2e8a7f3c4b5d6e7f8a9b0c1d2e3f4a5b
updated:
  description: Whether O(update_command) ran (and RV(entries), RV(default), RV(plan) describe the menu it generated).
  version_added: 0.2.0
  returned: always
  type: bool
update_pending:
  description: In check mode, whether O(update_command) would have run.
  version_added: 0.2.0
  returned: always
  type: bool
update_reasons:
  description: Why the menu was (or in check mode would be) regenerated; empty when it was up to date or without O(update_command).
  version_added: 0.2.0
  returned: always
  type: list
  elements: str
  sample: [/etc/default/grub.d/xen.cfg is newer than the menu]
armed:
  description:
    - The commands run to arm the trial boot (O(reboot_command), O(editenv_command)), each as its argument list, in
      order; empty when nothing needed arming. RV(next_entry) and RV(trial_fallback) are read from O(grubenv) after
      they ran.
  version_added: 0.2.0
  returned: always
  type: list
  elements: list
  sample: [[grub-reboot, xen-gnulinux-simple-3f6c1b0e-8d7a-4a52-b1c9-6e2d0f4a9b17]]
arm_pending:
  description: In check mode, the commands that would have armed the trial boot (as RV(armed)).
  version_added: 0.2.0
  returned: always
  type: list
  elements: list
newer_sources:
  description: The O(sources) modified after O(path) as first read, sorted; empty when the menu was up to date with them.
  returned: always
  type: list
  elements: str
  sample: [/etc/default/grub.d/xen.cfg]
trial_fallback:
  description:
    - C(xenhost_trial_fallback) from grubenv (set by C(xenhost.dom0.xen_bootloader) for a trial boot, cleared at that
      boot by its C(/etc/grub.d/01_xenhost_fallback)), or null.
  returned: always
  type: str
plan:
  description: With O(plan) - what to do next, and why not.
  returned: when O(plan) is given
  type: dict
  contains:
    mode:
      description: V(trial) while the permanent default is not Xen and a trial was asked for, else V(permanent).
      type: str
    xen_entry:
      description: The Xen entry to boot (the first top-level one), as in RV(entries).
      type: dict
    fallback:
      description: In a trial, the title of the permanent default a failed boot comes back to.
      type: str
    next_entry:
      description: In a trial, the value to set as C(next_entry) (the Xen entry's id, which does not change with titles).
      type: str
    set_next_entry:
      description: Whether C(grubenv) holds another C(next_entry) now.
      type: bool
    fallback_index:
      description:
        - In a trial, the menu number GRUB's C(fallback) gets while it boots the Xen entry, so that GRUB boots the
          permanent default when it cannot load the Xen entry. C(fallback) takes top-level numbers only - for a
          default inside a submenu it is the submenu's, and GRUB boots that submenu's first entry.
        - Null when that entry would boot Xen or misses files (GRUB would then not come back by itself).
      type: str
    fallback_boots:
      description: In a trial, the entry (as in RV(entries)) GRUB boots through RV(plan.fallback_index), or null.
      type: dict
    fallback_setting:
      description: In a trial, RV(plan.fallback_index) as C(grub-editenv)'s C(xenhost_trial_fallback=N), or null.
      type: str
    set_fallback_index:
      description: Whether C(grubenv) holds another C(xenhost_trial_fallback) now.
      type: bool
    errors:
      description: Why rebooting now would not boot Xen or would not come back; empty when it is safe.
      type: list
      elements: str
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.xenhost.dom0.plugins.module_utils import grub2_cfg, grub2_menu

DEFAULT_PATHS = ('boot/grub/grub.cfg', 'boot/grub2/grub.cfg')


def _grubenv_unwritable(module, root, grubenv):
    """Why GRUB could not write grubenv at boot, or None; only the live root can be probed."""
    if os.path.realpath(root) != '/':
        return None
    probe = module.get_bin_path('grub-probe') or module.get_bin_path('grub2-probe')
    if probe is None:
        return grub2_cfg.grubenv_unwritable_reason(None, None)
    directory = os.path.dirname(grubenv)
    answers = []
    for target in ('fs', 'abstraction'):
        rc, out, dummy = module.run_command([probe, '--target=%s' % target, directory])
        answers.append(out.strip() if rc == 0 else None)
    return grub2_cfg.grubenv_unwritable_reason(answers[0], answers[1])


def _read(module, path, grubenv):
    """grub2_menu's reading of the menu; fails the module when it cannot be read or parsed."""
    reading, config = grub2_menu.read_parsed(path, grubenv, module.params['sources'], module.params['root'])
    if reading['error']:
        module.fail_json(msg=reading['error'])
    return reading, config


def _answer(module, reading, config, unwritable_reason):
    """grub2_menu.answer() for this module's options, on read_parsed()'s menu (parsed once)."""
    return grub2_menu.answer(reading, module.params['default'], module.params['plan'], unwritable_reason,
                             update=bool(module.params['update_command']), update_due=module.params['update_due'],
                             config=config)


def _regenerate(module, path, command):
    rc, out, err = module.run_command(command)
    if rc != 0:
        module.fail_json(msg='%s failed (rc %s); %s was not regenerated' % (' '.join(command), rc, path),
                         rc=rc, stdout=out, stderr=err)


def _arm(module, commands):
    """Run the commands that arm the trial boot (grub2_cfg.arm_commands' order); fail with the first that fails."""
    for done, command in enumerate(commands):
        rc, out, err = module.run_command(command)
        if rc != 0:
            module.fail_json(msg='%s failed (rc %s); the trial boot is not armed' % (' '.join(command), rc),
                             rc=rc, stdout=out, stderr=err, armed=commands[:done])


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path'),
            grubenv=dict(type='path'),
            root=dict(type='path', default='/'),
            default=dict(type='str'),
            plan=dict(type='str', choices=['trial', 'permanent']),
            sources=dict(type='list', elements='path', default=[]),
            update_command=dict(type='list', elements='str'),
            update_due=dict(type='bool', default=False),
            reboot_command=dict(type='list', elements='str'),
            editenv_command=dict(type='list', elements='str'),
        ),
        supports_check_mode=True,
    )
    root = module.params['root']
    path = module.params['path']
    if path is None:
        candidates = [os.path.join(root, p) for p in DEFAULT_PATHS]
        path = next((c for c in candidates if os.path.isfile(c)), None)
        if path is None:
            module.fail_json(msg='no grub.cfg found (looked for %s); is GRUB 2 installed and update-grub run?'
                             % ', '.join(candidates))
    if not os.path.isfile(path):
        module.fail_json(msg='%s does not exist or is not a file' % path)
    grubenv = module.params['grubenv'] or grub2_menu.default_grubenv(path)
    reason = None
    if module.params['plan'] == 'trial':
        reason = _grubenv_unwritable(module, root, grubenv)

    reading, config = _read(module, path, grubenv)
    facts = _answer(module, reading, config, reason)
    checksum_before = facts['checksum']
    reasons = facts['update_reasons']
    updated = bool(reasons) and not module.check_mode
    result = dict(changed=bool(reasons) and module.check_mode, updated=updated,
                  update_pending=bool(reasons) and module.check_mode)
    if updated:
        before = reading
        _regenerate(module, path, module.params['update_command'])
        reading, config = _read(module, path, grubenv)
        # The new menu's facts; the reasons and the sources' times stay those that made it regenerate.
        facts.update((key, value) for key, value in _answer(module, reading, config, reason).items()
                     if key not in ('update_reasons', 'newer_sources'))
        result['changed'] = reading['checksum'] != before['checksum']
        if module._diff and result['changed']:
            result['diff'] = dict(before=before['text'], after=reading['text'], before_header=path, after_header=path)
    # Arming reads the plan of the menu as it is now; in check mode a pending regeneration leaves the old menu's plan.
    commands = grub2_cfg.arm_commands(facts.get('plan'), grubenv, module.params['reboot_command'],
                                      module.params['editenv_command'])
    result.update(armed=[], arm_pending=commands if module.check_mode else [])
    if commands:
        result['changed'] = True
        if not module.check_mode:
            _arm(module, commands)
            env_text, error = grub2_menu.read_env(grubenv)
            if error:
                module.fail_json(msg=error)
            facts.update(grub2_cfg.env_facts(grub2_menu.env_vars(env_text)))
            result['armed'] = commands
    facts.update(result)
    module.exit_json(checksum_before=checksum_before, **facts)


if __name__ == '__main__':
    main()
