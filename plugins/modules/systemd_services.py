#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: systemd_services
short_description: Enable, disable, start, stop or restart several systemd services in one call
version_added: 0.2.0
description:
  - Brings several services to their wanted boot setting and running state with one module call, where
    M(ansible.builtin.service) makes one call per service. On a slow host (a dom0 under emulation) a module call costs
    seconds whatever it does.
  - Reads every service first (one C(systemctl show) for all of them, one C(systemctl is-enabled) each) and refuses,
    before changing anything, a service that does not exist or that is masked where it should run.
  - Then, service by service in the order given - enable or disable, then start, stop or restart. A service stopped
    before another starts (one that C(Conflicts=) with it) is stopped first.
  - O(drop_ins) are written first (atomically, mode C(0644), owned by root, the C(UNIT.d) directory made where
    missing), and where one changed systemd reads them (C(systemctl daemon-reload)) before any service is handled.
  - Services that systemd runs from SysV init scripts (Debian's C(xen) and C(xendomains)) are handled as systemd
    handles them (C(systemctl enable) calls C(systemd-sysv-install)).
  - Only where systemd is the running init system; elsewhere it fails, and M(ansible.builtin.service) is the module
    to use.
author:
  - xenhost maintainers (@xenhost)
extends_documentation_fragment:
  - xenhost.dom0.attributes
options:
  services:
    description:
      - The services, in the order they are handled. Each is a name (C(xen), or a unit name such as C(xen.service)),
        which gets O(enabled) and O(state), or a dict with C(name) and its own C(enabled) (bool) and C(state)
        (C(started), C(stopped) or C(restarted)).
      - A name may be given once.
    type: list
    elements: raw
    required: true
  enabled:
    description:
      - Whether the services start at boot, for those that do not say. Unset means leave it as it is.
    type: bool
  state:
    description:
      - C(started) and C(stopped) only act where needed; C(restarted) always restarts. For those that do not say;
        unset means leave it running or not as it is.
    type: str
    choices: [started, stopped, restarted]
  daemon_reload:
    description:
      - Run C(systemctl daemon-reload) before the services are handled, so that a unit or drop-in written just before
        is read before a service starts. Reported as a change. A changed O(drop_ins) file makes one anyway.
    type: bool
    default: false
  drop_ins:
    description:
      - Drop-in files that extend services, in C(/etc/systemd/system/UNIT.d/NAME). Each is written where its text,
        its mode C(0644) or its owner root:root differs (a link or anything but a regular file there is replaced,
        never followed).
    type: list
    elements: dict
    default: []
    suboptions:
      service:
        description:
          - The service (or unit) it extends, as in O(services).
        type: str
        required: true
      name:
        description:
          - The file's name, C(NAME.conf).
        type: str
        required: true
      content:
        description:
          - Its text. A missing final newline is added.
        type: str
        required: true
attributes:
  check_mode:
    support: full
  diff_mode:
    support: partial
    details: A diff of each O(drop_ins) file that changes; the services' changes are in RV(steps).
notes:
  - A name that is not a valid unit name, or starts with C(-), is refused before systemctl runs.
seealso:
  - module: ansible.builtin.service
  - module: ansible.builtin.systemd_service
'''

EXAMPLES = r'''
- name: Start Xen's daemons now and at boot
  xenhost.dom0.systemd_services:
    services: [xen, xendomains]
    enabled: true
    state: started

- name: Hand guest autostart from xendomains to libvirt, stopping the guests before xenstored at shutdown
  xenhost.dom0.systemd_services:
    drop_ins:
      - service: libvirt-guests
        name: order.conf
        content: |
          [Unit]
          After=xen.service libvirtd.service
    services:
      - {name: xendomains, enabled: false, state: stopped}
      - {name: libvirtd, enabled: true, state: started}
      - {name: libvirt-guests, enabled: true, state: started}
'''

RETURN = r'''
steps:
  description: The systemctl commands run (or that would run in check mode), in order, without C(systemctl) itself.
  returned: always
  type: list
  elements: str
  sample: [write /etc/systemd/system/libvirt-guests.service.d/order.conf, daemon-reload, enable libvirt-guests.service,
           start libvirt-guests.service]
status:
  description: Each service as it was found, before any change. C(enabled) is systemd's answer read as Ansible reads
    it, C(is_enabled) the word C(systemctl is-enabled) printed, C(active) its C(ActiveState).
  returned: always
  type: dict
  sample: {xen: {enabled: true, is_enabled: enabled, active: active}}
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.xenhost.dom0.plugins.module_utils import systemd_services as services_utils
from ansible_collections.xenhost.dom0.plugins.module_utils import text_file


def _read(module, systemctl, names):
    """name -> {'load', 'active', 'enabled', 'enabled_word'} (module_utils' read()), or fail_json."""
    seen, error = services_utils.read(module.run_command, systemctl, names)
    if error:
        module.fail_json(msg=text_file.clean(error))
    return seen


def _make_dir(module, path):
    """A drop-in directory, made (mode 0755) where missing."""
    if os.path.isdir(path):
        return
    try:
        os.mkdir(path, services_utils.DROP_IN_DIR_MODE)
    except OSError as exc:
        module.fail_json(msg='cannot make %s: %s' % (path, text_file.clean(str(exc))), path=path)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            services=dict(type='list', elements='raw', required=True),
            enabled=dict(type='bool'),
            state=dict(type='str', choices=list(services_utils.STATES)),
            daemon_reload=dict(type='bool', default=False),
            drop_ins=dict(type='list', elements='dict', default=[], options=dict(
                service=dict(type='str', required=True),
                name=dict(type='str', required=True),
                content=dict(type='str', required=True),
            )),
        ),
        supports_check_mode=True,
    )
    services, errors = services_utils.wanted(module.params['services'], module.params['enabled'],
                                             module.params['state'])
    drop_ins, drop_in_errors = services_utils.drop_ins(module.params['drop_ins'])
    errors += drop_in_errors
    if errors:
        module.fail_json(msg='; '.join(errors))
    if not os.path.isdir(services_utils.RUNNING_DIR):
        module.fail_json(msg='systemd is not the running init system here (no %s): use ansible.builtin.service'
                         % services_utils.RUNNING_DIR)
    systemctl = module.get_bin_path('systemctl', required=True)
    names = [item['name'] for item in services]
    seen = _read(module, systemctl, names) if names else {}
    wanted_text, before = {}, {}
    for item in drop_ins:
        path = services_utils.drop_in_path(services_utils.SYSTEM_DIR, item['service'], item['name'])
        # Text, mode and owner: systemd runs what a drop-in says as root, so one that root does not own is written
        # again.
        text, same = text_file.installed_as(path, item['content'], services_utils.DROP_IN_MODE,
                                            services_utils.DROP_IN_MAX_BYTES)
        if not same:
            wanted_text[path], before[path] = item['content'], text
    writes = list(wanted_text)
    steps, errors = services_utils.plan(services, seen, module.params['daemon_reload'], writes)
    if errors:
        module.fail_json(msg='; '.join(errors) + '. Nothing was changed.')
    result = dict(changed=bool(steps), steps=[' '.join(step) for step in steps],
                  status=dict((name, dict(enabled=state['enabled'], is_enabled=state['enabled_word'],
                                          active=state['active'])) for name, state in seen.items()))
    if module._diff:
        result['diff'] = [text_file.diff(path, before[path], wanted_text[path]) for path in writes]
    if module.check_mode:
        module.exit_json(**result)
    for done, step in enumerate(steps):
        if step[0] == 'write':
            _make_dir(module, os.path.dirname(step[1]))
            text_file.install(module, step[1], wanted_text[step[1]], services_utils.DROP_IN_MODE)
            continue
        rc, out, err = module.run_command([systemctl] + step)
        if rc != 0:
            result.update(rc=rc, stdout=out, stderr=err,
                          msg='systemctl %s failed (exit status %d): %s. Done before it: %s.'
                          % (' '.join(step), rc, text_file.clean(err or out).strip(),
                             ', '.join(result['steps'][:done]) or 'nothing'))
            module.fail_json(**result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
