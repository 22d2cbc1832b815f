#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: trial_watchdog
short_description: Install or remove the time limit of a trial boot into Xen, in one call
version_added: 0.2.0
description:
  - The trial watchdog of the C(xen_reboot) role is a program and the systemd unit that runs it early at boot (the
    role's C(files/xenhost-trial-watchdog) and C(templates/xenhost-trial-watchdog.service.j2) say what they do). This
    module installs both and enables the unit, or stops the watchdog and removes both, in one module call where
    C(stat), C(copy), C(template), C(systemd_service), C(find), C(command) and C(file) tasks make six each way. On a
    slow host a module call costs seconds, whatever it does.
  - O(state=present) - writes O(program) (mode C(0755)) and O(unit) (mode C(0644)), both owned by root, where they
    differ, and enables the unit (C(systemctl enable)). Where systemd is not the running init system nothing would
    start the unit; then nothing is done and RV(installed) is false.
  - O(state=absent) - runs the program's C(disarm) (stops an armed watchdog), disables the unit (C(systemctl
    --no-reload disable)), removes both files and makes systemd forget the unit with one C(systemctl daemon-reload).
    Nothing is done where neither file is there.
  - Files are written atomically (temporary file in the same directory, then rename); a link or anything that is not a
    regular file at either path is replaced (O(state=present)) or removed (O(state=absent)), never followed or run.
author:
  - xenhost maintainers (@xenhost)
extends_documentation_fragment:
  - xenhost.dom0.attributes
options:
  state:
    description:
      - Whether the trial watchdog is installed and enabled, or stopped and gone.
    type: str
    choices: [present, absent]
    default: present
  program:
    description:
      - The program's text. Required with O(state=present). A missing final newline is added.
    type: str
  unit:
    description:
      - The unit's text. Required with O(state=present). A missing final newline is added. Its C(ExecStart) must run
        O(program_path).
    type: str
  program_path:
    description:
      - Where the program lives. An absolute path.
    type: path
    default: /usr/local/sbin/xenhost-trial-watchdog
  unit_path:
    description:
      - Where the unit lives, an absolute path whose name ends in C(.service); that name is the unit's.
    type: path
    default: /etc/systemd/system/xenhost-trial-watchdog.service
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The program's C(disarm) is run only from a regular file at O(program_path), and only with O(state=absent).
seealso:
  - module: ansible.builtin.systemd_service
'''

EXAMPLES = r'''
- name: Put a time limit on the trial boot
  xenhost.dom0.trial_watchdog:
    program: "{{ lookup('ansible.builtin.file', 'xenhost-trial-watchdog', rstrip=false) }}"
    unit: "{{ lookup('ansible.builtin.template', 'xenhost-trial-watchdog.service.j2') }}"
  register: watchdog

- name: Stop and remove the trial watchdog once dom0 is verified
  xenhost.dom0.trial_watchdog:
    state: absent
'''

RETURN = r'''
installed:
  description: With O(state=present), whether the watchdog is installed and enabled (false where systemd does not run).
  returned: always
  type: bool
  sample: true
steps:
  description: What was done (or would be in check mode), in order, from C(write_program), C(write_unit), C(enable),
    C(disarm), C(disable), C(remove_unit), C(remove_program), C(reload).
  returned: always
  type: list
  elements: str
  sample: [disarm, disable, remove_unit, remove_program, reload]
boot_id:
  description:
    - The boot this call ran in (C(/proc/sys/kernel/random/boot_id)), or null where it cannot be read. Installed before
      a trial reboot, the watchdog guards the boot after this one - C(xenhost.dom0.xen_reboot) compares this id with
      the journal's boots after a fall-back, without a call of its own to read it.
  returned: always
  type: str
  sample: 6f1d0c7e-3b1a-4f0e-9a57-2a9d1e8c4b21
  version_added: 0.2.0
disarmed:
  description:
    - What the program's C(disarm) said; it begins with C(disarmed) where it stopped an armed watchdog, with
      C(not armed) where there was none.
  returned: when the program's C(disarm) ran
  type: str
  sample: "disarmed: /dev/watchdog0 was armed for 600 s at boot, 404 s were left"
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.xenhost.dom0.plugins.module_utils import systemd_services, text_file
from ansible_collections.xenhost.dom0.plugins.module_utils import trial_watchdog

MAX_BYTES = 256 * 1024
BOOT_ID = '/proc/sys/kernel/random/boot_id'


def _run(module, argv):
    rc, out, err = module.run_command(argv)
    if rc != 0:
        module.fail_json(msg='%s failed (exit status %d): %s' % (' '.join(argv), rc, text_file.clean(err or out).strip()),
                         rc=rc, stdout=out, stderr=err)
    return out


def _text(value):
    return value if value.endswith('\n') else value + '\n'


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            program=dict(type='str'),
            unit=dict(type='str'),
            program_path=dict(type='path', default=trial_watchdog.PROGRAM_PATH),
            unit_path=dict(type='path', default=trial_watchdog.UNIT_PATH),
        ),
        required_if=[('state', 'present', ('program', 'unit'))],
        supports_check_mode=True,
    )
    state, program_path, unit_path = module.params['state'], module.params['program_path'], module.params['unit_path']
    for name, path in (('program_path', program_path), ('unit_path', unit_path)):
        if not os.path.isabs(path):
            module.fail_json(msg='%s must be an absolute path, got %r' % (name, path))
    unit_name = os.path.basename(unit_path)
    # A name systemctl takes as a unit (not as an option: no leading -), checked before any file is written.
    if not (unit_name.endswith('.service') and unit_name != '.service' and systemd_services.valid_name(unit_name)):
        module.fail_json(msg='unit_path must name a .service unit as systemd names units (not starting with -), got %r'
                         % unit_path)

    program, program_mode, program_exists = text_file.read_installed(program_path, MAX_BYTES)
    unit, unit_mode, unit_exists = text_file.read_installed(unit_path, MAX_BYTES)
    seen = dict(systemd=os.path.isdir(systemd_services.RUNNING_DIR), program=program, program_mode=program_mode,
                program_exists=program_exists, unit=unit, unit_mode=unit_mode, unit_exists=unit_exists, enabled=False)
    wanted = None
    systemctl = None
    if state == 'present':
        wanted = dict(program=_text(module.params['program']), unit=_text(module.params['unit']))
        if seen['systemd']:
            systemctl = module.get_bin_path('systemctl', required=True)
            if unit == wanted['unit']:
                rc, out, dummy = module.run_command([systemctl, 'is-enabled', '--', unit_name])
                seen['enabled'] = rc == 0 and out.strip() == 'enabled'
    elif seen['systemd'] and unit_exists:
        systemctl = module.get_bin_path('systemctl', required=True)

    steps = trial_watchdog.plan(state, seen, wanted)
    boot_id, dummy = text_file.try_read(BOOT_ID, 64, 'boot id')
    result = dict(changed=bool(steps), steps=steps, installed=state == 'present' and seen['systemd'],
                  boot_id=boot_id.strip() if boot_id else None)
    if module._diff:
        result['diff'] = [text_file.diff(path, before, wanted[key] if wanted else '')
                          for key, path, before in (('program', program_path, program), ('unit', unit_path, unit))
                          if 'write_' + key in steps or 'remove_' + key in steps]
    if module.check_mode:
        module.exit_json(**result)

    for step in steps:
        if step == 'write_program':
            text_file.install(module, program_path, wanted['program'], trial_watchdog.PROGRAM_MODE)
        elif step == 'write_unit':
            text_file.install(module, unit_path, wanted['unit'], trial_watchdog.UNIT_MODE)
        elif step == 'enable':
            _run(module, [systemctl, 'enable', '--', unit_name])
        elif step == 'disarm':
            result['disarmed'] = text_file.clean(_run(module, [program_path, 'disarm'])).strip()
        elif step == 'disable':
            # Without its own reload: the 'reload' step below is the one daemon-reload (each costs seconds on a slow dom0).
            _run(module, [systemctl, '--no-reload', 'disable', '--', unit_name])
        elif step == 'remove_unit':
            text_file.remove(module, unit_path)
        elif step == 'remove_program':
            text_file.remove(module, program_path)
        elif step == 'reload':
            _run(module, [systemctl, 'daemon-reload'])
    module.exit_json(**result)


if __name__ == '__main__':
    main()
