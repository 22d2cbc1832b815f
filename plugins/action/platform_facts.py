# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action xenhost.dom0.platform_facts: choose the host's entry of the platform table (module_utils/platforms.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.xenhost.dom0.plugins.module_utils import platforms


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        forced = self._task.args.get('platform')
        facts = dict(task_vars.get('ansible_facts') or {})
        gathered = {}
        if not forced and not all(facts.get(key) for key in ('distribution_major_version', 'os_family')):
            # A play without gather_facts: the OS facts the roles read are enough to choose (and are kept as facts).
            setup = self._execute_module(module_name='ansible.legacy.setup',
                                         module_args={'gather_subset': list(platforms.OS_FACTS_SUBSET)},
                                         task_vars=task_vars)
            if setup.get('failed') or setup.get('unreachable'):
                result.update(setup)
                return result
            gathered = setup.get('ansible_facts') or {}
            facts.update(platforms.namespace(gathered))
        if forced:
            if forced not in platforms.PLATFORMS:
                raise AnsibleActionFail('platform_facts: platform must be one of %s, got %r'
                                        % (', '.join(platforms.platform_ids()), forced))
            platform_id = forced
        else:
            platform_id = platforms.select(facts)
        if platform_id is None:
            result.update(failed=True, changed=False, msg=platforms.unsupported_message(facts))
            return result
        entry = platforms.entry(platform_id)
        gathered['xenhost_platform'] = entry
        result.update(changed=False, ansible_facts=gathered,
                      msg='%s: %s' % (platform_id, entry['name']))
        return result
