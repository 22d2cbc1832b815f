# -*- coding: utf-8 -*-
"""xen_toolstack runs its `xl list` only where this run has no listing it can trust (__xen_toolstack_dom0_listed)."""

import pytest

from .conftest import render, role_vars_over

UNCHANGED = {'changed': False}
SKIPPED = {'changed': False, 'skipped': True}


def listed(**overrides):
    values = dict(
        xen_preflight_platform='Debian-12',
        xen_packages_changed=False,
        __xen_toolstack_settings=UNCHANGED,
        __xen_toolstack_daemons_systemd=UNCHANGED,
        __xen_toolstack_daemons_service=SKIPPED,
        ansible_facts={'xen': {'running': True, 'role': 'dom0', 'version': '4.17.5', 'toolstack': 'xl',
                               'domains': [{'name': 'Domain-0', 'id': 0}]}},
    )
    return render(role_vars_over('xen_toolstack', 'Debian-12', values, overrides), '{{ __xen_toolstack_dom0_listed | bool }}')


def test_preflight_listing_of_this_run_is_the_proof_when_nothing_changed():
    assert listed() is True


@pytest.mark.parametrize('overrides', [
    {'xen_preflight_platform': None},  # no xen_preflight in this play: its reading may be from anywhere
    {'xen_packages_changed': True},
    {'xen_packages_changed': None},  # xen_packages did not say
    {'__xen_toolstack_settings': {'changed': True}},
    {'__xen_toolstack_daemons_systemd': {'changed': True}},
    {'__xen_toolstack_daemons_service': {'changed': True}},
    {'ansible_facts': {'xen': {'running': True, 'role': 'dom0', 'version': '4.17.5', 'toolstack': 'xl', 'domains': []}}},
    {'ansible_facts': {'xen': {'running': True, 'role': 'dom0', 'version': '4.17.5', 'toolstack': None, 'domains': []}}},
    {'ansible_facts': {'xen': {'running': True, 'role': 'dom0', 'version': '3.1.2', 'toolstack': 'xm',
                               'domains': [{'name': 'Domain-0', 'id': 0}]}}},
], ids=['no-preflight', 'packages-changed', 'packages-unknown', 'settings-changed', 'systemd-daemons-changed',
        'service-daemons-changed', 'no-domain-0', 'list-failed', 'xm'])
def test_the_role_lists_again(overrides):
    assert listed(**overrides) is False
