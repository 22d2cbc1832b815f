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
      - Run C(systemctl daemon-reload) before anything else, so that a unit or drop-in written just before is read
        before a service starts. Reported as a change.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
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

- name: Hand guest autostart from xendomains to libvirt
  xenhost.dom0.systemd_services:
    daemon_reload: true
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
  sample: [enable xendomains.service, start xendomains.service]
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

SYSTEMD_RUNNING = '/run/systemd/system'


def _read(module, systemctl, names):
    """name -> {'load', 'active', 'enabled', 'enabled_word'}, from one systemctl show and an is-enabled per service."""
    units = [services_utils.unit_name(name) for name in names]
    rc, out, err = module.run_command([systemctl, 'show', '--property=Id,LoadState,ActiveState', '--'] + units)
    blocks = services_utils.parse_show(out)
    if rc != 0 or len(blocks) != len(units):
        module.fail_json(msg='systemctl show %s did not describe each of them (exit status %d): %s'
                         % (' '.join(units), rc, text_file.clean(err or out).strip()), stdout=out, stderr=err)
    seen = {}
    for name, unit, block in zip(names, units, blocks):
        rc, out, dummy = module.run_command([systemctl, 'is-enabled', '--', unit])
        enabled, word = services_utils.enabled_of(rc, out)
        seen[name] = dict(load=block.get('LoadState'), active=block.get('ActiveState'), enabled=enabled,
                          enabled_word=word)
    return seen


def main():
    module = AnsibleModule(
        argument_spec=dict(
            services=dict(type='list', elements='raw', required=True),
            enabled=dict(type='bool'),
            state=dict(type='str', choices=list(services_utils.STATES)),
            daemon_reload=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    services, errors = services_utils.wanted(module.params['services'], module.params['enabled'],
                                             module.params['state'])
    if errors:
        module.fail_json(msg='; '.join(errors))
    if not os.path.isdir(SYSTEMD_RUNNING):
        module.fail_json(msg='systemd is not the running init system here (no %s): use ansible.builtin.service'
                         % SYSTEMD_RUNNING)
    systemctl = module.get_bin_path('systemctl', required=True)
    names = [item['name'] for item in services]
    seen = _read(module, systemctl, names) if names else {}
    steps, errors = services_utils.plan(services, seen, module.params['daemon_reload'])
    if errors:
        module.fail_json(msg='; '.join(errors) + '. Nothing was changed.')
    result = dict(changed=bool(steps), steps=[' '.join(step) for step in steps],
                  status=dict((name, dict(enabled=state['enabled'], is_enabled=state['enabled_word'],
                                          active=state['active'])) for name, state in seen.items()))
    if module.check_mode:
        module.exit_json(**result)
    for done, step in enumerate(steps):
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
