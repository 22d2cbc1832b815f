# -*- coding: utf-8 -*-
"""xen_bootloader's reboot decision and xen_reboot's pending message, rendered from the roles' own vars files."""

import os

import pytest

from .conftest import ROLES, role_vars, render

DOM0_CMDLINE = 'placeholder dom0_mem=1024M,max:1024M console=vga'


def _xen(role='dom0', commandline=DOM0_CMDLINE):
    info = {} if commandline is None else {'xen_commandline': commandline}
    return {'role': role, 'info': info, 'kernel': {'release': '6.1.0-28-amd64'}}


def _decision(changed=False, xen=None, **options):
    variables = role_vars('xen_bootloader', 'Debian-12', __xen_bootloader_changed=changed,
                          ansible_facts={'xen': xen or _xen()}, **options)
    return render(variables, '{{ __xen_bootloader_reboot_decision | bool }}'), render(variables, '{{ __xen_bootloader_pending_args }}')


def test_new_dom0_mem_on_a_running_dom0_is_pending_in_a_run_that_changed_nothing():
    """Run 1 wrote dom0_mem=2048M without rebooting; run 2 changes nothing but must still ask for the reboot."""
    required, pending = _decision(xen_bootloader_dom0_mem='2048M')
    assert required is True
    assert pending == ['dom0_mem=2048M,max:2048M']


def test_options_already_active_need_no_reboot():
    required, pending = _decision(xen_bootloader_dom0_mem='1024M', xen_bootloader_extra_args=['console=vga'])
    assert (required, pending) == (False, [])


def test_only_the_missing_options_are_named():
    required, pending = _decision(xen_bootloader_dom0_mem='1024M', xen_bootloader_dom0_max_vcpus='2')
    assert required is True
    assert pending == ['dom0_max_vcpus=2']


@pytest.mark.parametrize('xen', [_xen(role='none'), _xen(commandline=None)], ids=['not-dom0', 'commandline-unknown'])
def test_nothing_is_pending_when_the_running_command_line_is_not_known(xen):
    """Not dom0: xen_reboot reboots anyway. No command line (toolstack did not answer): cannot tell, do not guess."""
    assert _decision(xen=xen, xen_bootloader_dom0_mem='2048M') == (False, [])


def test_a_change_in_this_run_still_requires_a_reboot():
    assert _decision(changed=True)[0] is True


def test_the_pending_message_names_the_options():
    variables = role_vars('xen_reboot', 'Debian-12', ansible_facts={'xen': _xen()},
                          xen_bootloader_reboot_required=True, xen_bootloader_pending_args=['dom0_mem=2048M,max:2048M'])
    assert render(variables, '{{ __xen_reboot_required | bool }}') is True
    assert render(variables, '{{ __xen_reboot_reason }}') == 'the running Xen lacks the hypervisor options dom0_mem=2048M,max:2048M'


def test_the_role_exports_the_decision():
    with open(os.path.join(ROLES, 'xen_bootloader', 'tasks', 'main.yml')) as f:
        text = f.read()
    assert 'xen_bootloader_reboot_required: "{{ __xen_bootloader_reboot_decision | bool }}"' in text
