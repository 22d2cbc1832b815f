#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: grub2_xen_cfg
short_description: Set Debian's GRUB 2 Xen settings and GRUB's way back from a trial entry, in one call
version_added: 0.2.0
description:
  - Sets the lines of Debian's C(/etc/default/grub.d/xen.cfg) that M(xenhost.dom0.grub2_entries) and C(update-grub)
    then act on - C(GRUB_CMDLINE_XEN_DEFAULT) (the hypervisor options), C(XEN_OVERRIDE_GRUB_DEFAULT) (whether the Xen
    entry becomes GRUB's default), C(GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT) (dom0's C(panic=) timeout) and a comment
    naming the options it manages - and installs or removes the C(grub.d) script that lets GRUB come back from a
    trial entry it cannot load. The private module of C(xenhost.dom0.xen_bootloader) - reading the file, planning,
    writing it and the script took four module calls before, each costing seconds on a slow or emulated host.
  - Options set by hand on C(GRUB_CMDLINE_XEN_DEFAULT) are kept; an option the module set earlier and O(hypervisor_options)
    no longer names is removed (the comment records which ones are its own).
  - C(update-grub) sources the file as root. A setting this module cannot read exactly as sh would (shell
    expansions, a quote left open, a command after the value) is refused with its line number, and so are
    O(hypervisor_options) that are not plain options; what it writes is quoted for sh.
  - Writes are atomic (temporary file in the same directory, then rename) and keep the file's mode, owner and SELinux
    context; every other line stays as it was.
author:
  - xenhost maintainers (@xenhost)
extends_documentation_fragment:
  - xenhost.dom0.attributes
options:
  path:
    description:
      - Debian's Xen GRUB settings, installed by the Xen hypervisor package. A missing file fails the module (outside
        check mode, where the package may not be installed yet).
    type: path
    required: true
  hypervisor_options:
    description:
      - The hypervisor options to set, each one option such as C(dom0_mem=1024M,max:1024M); merged by key into the
        current C(GRUB_CMDLINE_XEN_DEFAULT).
      - A list. A string is refused rather than split, since Ansible would split it at commas and Xen's options hold
        commas (C(console=com1,vga) would become two options).
    type: raw
    default: []
  trial:
    description:
      - A trial is asked for - the first boot with these settings is a one-time boot of the Xen entry, so
        C(XEN_OVERRIDE_GRUB_DEFAULT=0) keeps GRUB's default until Xen has proven itself (O(proven)).
    type: bool
    default: false
  proven:
    description:
      - The host runs as dom0 now under a Xen booted with every option asked for - no trial is due, Xen becomes GRUB's
        default (C(XEN_OVERRIDE_GRUB_DEFAULT=1)).
    type: bool
    default: false
  panic_seconds:
    description:
      - Dom0's kernel gets C(panic=N) in Xen boots only (C(GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT)); V(0) removes the line.
      - From 0 to 3600.
    type: int
    default: 0
  fallback:
    description:
      - Install O(fallback_script) at O(fallback_script_path) with a trial, and leave it in place afterwards (it does
        nothing outside one); V(false) removes it.
    type: bool
    default: true
  fallback_script_path:
    description:
      - Where the C(grub.d) script goes; C(update-grub) runs it as root, in the order of its file name.
    type: path
    default: /etc/grub.d/01_xenhost_fallback
  fallback_script:
    description:
      - The script's text, written with mode C(0755), owned by root. Required when a trial installs it.
    type: str
  backup:
    description:
      - Keep a backup of each file before changing it.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
seealso:
  - module: xenhost.dom0.grub2_entries
  - module: xenhost.dom0.config_lines
'''

EXAMPLES = r'''
- name: Xen's options for a trial boot, GRUB's way back with it
  xenhost.dom0.grub2_xen_cfg:
    path: /etc/default/grub.d/xen.cfg
    hypervisor_options:
      - dom0_mem=1024M,max:1024M
      - dom0_max_vcpus=2
    trial: true
    panic_seconds: 10
    fallback_script: "{{ lookup('ansible.builtin.file', '01_xenhost_fallback', rstrip=false) }}"
  register: xen_cfg

- name: Regenerate the menu when they changed
  xenhost.dom0.grub2_entries:
    plan: "{{ 'trial' if xen_cfg.trial else 'permanent' }}"
    update_command: [update-grub]
    update_due: "{{ xen_cfg is changed }}"
'''

RETURN = r'''
path:
  description: The settings file.
  returned: always
  type: str
  sample: /etc/default/grub.d/xen.cfg
trial:
  description: Whether a trial is due (asked for and not O(proven)); the menu is then checked for a one-time Xen boot.
  returned: always
  type: bool
merged:
  description: The hypervisor options C(GRUB_CMDLINE_XEN_DEFAULT) holds now (or would, in check mode).
  returned: always
  type: str
  sample: ucode=scan dom0_mem=1024M,max:1024M
changed_lines:
  description: The regular expressions of the settings lines that changed.
  returned: always
  type: list
  elements: str
  sample: ['^#?XEN_OVERRIDE_GRUB_DEFAULT=']
fallback_script:
  description: V(present) or V(absent) where the script was to be installed or removed in this run, else null (left as it is).
  returned: always
  type: str
fallback_script_changed:
  description: Whether the script was installed, rewritten or removed.
  returned: always
  type: bool
missing:
  description: In check mode, the settings file does not exist yet (the Xen package would install it); nothing was planned for its lines.
  returned: always
  type: bool
backup_files:
  description: The backups made, with O(backup).
  returned: always
  type: list
  elements: str
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.xenhost.dom0.plugins.module_utils import grub2_defaults
from ansible_collections.xenhost.dom0.plugins.module_utils import text_file
from ansible_collections.xenhost.dom0.plugins.module_utils.inputs import DOM0_PANIC_SECONDS_MAX, hypervisor_options_errors

MAX_BYTES = 1024 * 1024
NOT_CHANGED = 'Nothing on this host has been changed.'


def _read_settings(module, path):
    """The file's text, or None in check mode when it does not exist yet."""
    if not os.path.lexists(path):
        if module.check_mode:
            return None
        module.fail_json(msg='%s does not exist, so the Xen hypervisor package is not installed. Run the '
                             'xenhost.dom0.xen_packages role first. %s' % (path, NOT_CHANGED))
    text, error = text_file.try_read(os.path.realpath(path), MAX_BYTES, 'Xen GRUB settings')
    if error:
        module.fail_json(msg='%s. %s' % (error, NOT_CHANGED))
    return text


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True),
            hypervisor_options=dict(type='raw', default=[]),
            trial=dict(type='bool', default=False),
            proven=dict(type='bool', default=False),
            panic_seconds=dict(type='int', default=0),
            fallback=dict(type='bool', default=True),
            fallback_script_path=dict(type='path', default='/etc/grub.d/01_xenhost_fallback'),
            fallback_script=dict(type='str'),
            backup=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    p = module.params
    path = p['path']
    # Checked again here, not only by the role's check_inputs: these options end up in a file root sources.
    errors = hypervisor_options_errors(p['hypervisor_options'], owned=False)
    if errors:
        module.fail_json(msg='%s: refused hypervisor options: %s. %s' % (path, '; '.join(errors), NOT_CHANGED))
    if not 0 <= p['panic_seconds'] <= DOM0_PANIC_SECONDS_MAX:
        module.fail_json(msg='panic_seconds must be from 0 to %d, got %d. %s'
                         % (DOM0_PANIC_SECONDS_MAX, p['panic_seconds'], NOT_CHANGED))

    text = _read_settings(module, path)
    try:
        planned = grub2_defaults.plan(text or '', list(p['hypervisor_options']), p['trial'], p['proven'],
                                      p['panic_seconds'], p['fallback'])
    except grub2_defaults.SettingError as exc:
        module.fail_json(msg='%s: %s. %s' % (path, exc, NOT_CHANGED))
    script_path, state = p['fallback_script_path'], planned['fallback_script']
    if state == 'present' and p['fallback_script'] is None:
        module.fail_json(msg='a trial installs %s: fallback_script (its text) is required. %s' % (script_path, NOT_CHANGED))
    # A link or directory there has no text: with a trial it is replaced, with fallback=false removed.
    script_before, script_mode, script_exists = text_file.read_installed(script_path, MAX_BYTES)
    edit = grub2_defaults.edit(text, planned, (script_before, script_mode, script_exists, p['fallback_script']))
    new_text, changed_lines = edit['new_text'], edit['changed_lines']
    script_after, script_changed = edit['script_after'], edit['script_changed']

    result = dict(changed=new_text != text or script_changed, path=path, trial=planned['trial'],
                  merged=planned['merged'], changed_lines=changed_lines, fallback_script=state,
                  fallback_script_changed=script_changed, missing=text is None, backup_files=[])
    if module._diff:
        # The files that change, each with its own header.
        result['diff'] = [text_file.diff(name, before, after)
                          for name, before, after, changed in ((path, text, new_text, new_text != text),
                                                               (script_path, script_before, script_after, script_changed))
                          if changed]
    if not module.check_mode:
        if new_text != text:
            if p['backup']:
                result['backup_files'].append(module.backup_local(path))
            text_file.write_atomic(module, os.path.realpath(path), new_text)
        if script_changed:
            if p['backup'] and script_before is not None:
                result['backup_files'].append(module.backup_local(script_path))
            if script_after is None:
                text_file.remove(module, script_path)
            else:
                text_file.install(module, script_path, script_after, grub2_defaults.FALLBACK_SCRIPT_MODE)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
