# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action xenhost.dom0.check_inputs: the role variables' formats and bounds, checked on the controller (module_utils/inputs.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.xenhost.dom0.plugins.module_utils.inputs import RULES, check_values


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        prefixes = self._task.args.get('prefixes', ['xen_'])
        host_mib = self._task.args.get('host_mib')
        if isinstance(prefixes, str) or not isinstance(prefixes, list):
            raise AnsibleActionFail('check_inputs: prefixes must be a list of variable name prefixes')
        if host_mib in (None, ''):
            host_mib = None
        else:
            try:
                host_mib = int(host_mib)
            except (TypeError, ValueError):
                raise AnsibleActionFail('check_inputs: host_mib must be a number of MiB, got %r' % (host_mib,))
        names = [name for name in sorted(RULES) if name in task_vars and name.startswith(tuple(prefixes))]
        # Templated as validate_argument_spec does, so a value built from other variables is checked as used.
        values = self._templar.template(dict((name, task_vars[name]) for name in names))
        errors = check_values(values, host_mib=host_mib)
        result.update(changed=False, checked=names, errors=errors)
        if errors:
            result['failed'] = True
            result['msg'] = 'Invalid variables: %s. Nothing on this host has been changed.' % '; '.join(errors)
        else:
            result['msg'] = 'All %d checked variables are valid.' % len(names)
        return result
