# -*- coding: utf-8 -*-
"""module_utils/inputs.py: every value that reaches a root shell, a root-sourced file or the boot line is checked by
one grammar; hostile values of each class are refused with the variable named, sane ones pass."""

import subprocess

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import inputs

SHELL_HOSTILE = [
    '$(reboot)', '`reboot`', 'a";reboot;"', "a';reboot;'", 'a;reboot', 'a|reboot', 'a&reboot', 'a>x', 'a<x',
    '${IFS}', 'a\\"', 'a\nreboot', 'a\rb', 'a\tb', 'a b', 'a\0b', '#comment', 'a#b', 'a{b}', '*', '?', '[a]', '~root',
    'é=1', 'x=\u202e', '', '=value',
]


@pytest.mark.parametrize('value', SHELL_HOSTILE)
def test_hostile_hypervisor_options_refused(value):
    errors = inputs.check_values({'xen_bootloader_extra_args': [value]})
    assert errors and errors[0].startswith('xen_bootloader_extra_args '), errors


@pytest.mark.parametrize('value', ['com1=115200,8n1', 'console=com1,vga', 'iommu=no-intremap', 'ucode=scan',
                                   'cpufreq=xen:performance', 'loglvl=all/all', 'xpti=dom0=false,domu=true',
                                   'sched=credit2', 'smt=0', 'no-real-mode', 'dom0=pvh', 'iommu=force'])
def test_real_xen_options_pass(value):
    assert inputs.check_values({'xen_bootloader_extra_args': [value]}) == []


@pytest.mark.parametrize('value', ['dom0_mem=512M', 'dom0_max_vcpus=4', 'noreboot', 'noreboot=true', 'panic=10',
                                   'reboot=no', 'reboot=n', 'reboot=warm,no', 'reboot=acpi,N', 'no-reboot',
                                   'no-noreboot', 'no-dom0_mem'])
def test_options_that_override_or_defeat_the_roles_refused(value):
    errors = inputs.check_values({'xen_bootloader_extra_args': [value]})
    assert len(errors) == 1 and 'refused' in errors[0], errors


@pytest.mark.parametrize('value', ['reboot=acpi', 'reboot=warm,pci', 'reboot=efi'])
def test_reboot_types_that_still_reboot_pass(value):
    assert inputs.check_values({'xen_bootloader_extra_args': [value]}) == []


def test_an_option_xen_would_cut_short_is_refused():
    longest = 'x=' + 'a' * (inputs.OPTION_MAX_CHARS - 2)
    assert inputs.check_values({'xen_bootloader_extra_args': [longest]}) == []
    errors = inputs.check_values({'xen_bootloader_extra_args': [longest + 'a']})
    assert len(errors) == 1 and 'longer than 99 characters' in errors[0], errors


def test_options_xen_would_cut_together_are_refused():
    # Eleven options of 87 characters: 967 with the blanks between them; ten with a shorter one fit (960).
    options = ['opt%02d=%s' % (i, 'v' * 81) for i in range(11)]
    assert all(len(option) == 87 for option in options) and len(' '.join(options)) == 967
    errors = inputs.check_values({'xen_bootloader_extra_args': options})
    assert len(errors) == 1 and '967 characters together, more than 960' in errors[0], errors
    fits = options[:10] + ['o' + '=' + 'v' * (960 - 10 * 88 - 2)]
    assert len(' '.join(fits)) == 960 and inputs.check_values({'xen_bootloader_extra_args': fits}) == []
    # Modules check the whole list, the roles' own options included, with the same bound.
    assert len(inputs.hypervisor_options_errors(['dom0_mem=1024M'] + options, owned=False)) == 1
    # An item that is not a string is named as such (not measured, no TypeError).
    errors = inputs.hypervisor_options_errors(['a=1', 5, None], owned=False)
    assert len(errors) == 2 and all('must be a string' in error for error in errors), errors


def test_dom0_kernel_arguments_may_start_with_a_digit_xen_options_not():
    assert inputs.boot_arg_error('8250.nr_uarts=4', kernel=True) is None
    assert inputs.boot_arg_error('8250.nr_uarts=4') is not None
    assert 'dom0 kernel argument' in inputs.boot_arg_error('init=$(reboot)', kernel=True)


@pytest.mark.parametrize('value', ['com1=115200,8n1', 'a,b', '', None, 3, {'console': 'com1'}])
def test_extra_args_must_be_a_list(value):
    errors = inputs.check_values({'xen_bootloader_extra_args': value})
    assert len(errors) == 1 and 'must be a list' in errors[0], errors


@pytest.mark.parametrize('value', ['0M', '1K', '255M', '262143K', '17T', '99999999999T', '1024', '1024MB', '1.5G',
                                   '-1G', ' 1G', '1G\n', '1G ', '０1G', '1Ｇ', 'lots', '1024M,max:1024M', None, 1024, True])
def test_bad_dom0_mem_refused(value):
    errors = inputs.check_values({'xen_bootloader_dom0_mem': value})
    assert len(errors) == 1 and errors[0].startswith('xen_bootloader_dom0_mem '), errors


@pytest.mark.parametrize('value', ['', '256M', '262144K', '1024M', '4G', '4g', '16T'])
def test_good_dom0_mem_passes(value):
    assert inputs.check_values({'xen_bootloader_dom0_mem': value}) == []


def test_dom0_mem_bounded_by_the_host():
    assert inputs.check_values({'xen_bootloader_dom0_mem': '2G'}, host_mib=4096) == []
    errors = inputs.check_values({'xen_bootloader_dom0_mem': '4G'}, host_mib=4096)
    assert len(errors) == 1 and "host's memory (4096 MiB)" in errors[0], errors


@pytest.mark.parametrize('value', ['0', '0-2', '4-2', '1-', '-4', '4097', '1-5000', '01', '2\n', ' 2', '２', '1..4',
                                   'all', True, 2.5, [2]])
def test_bad_vcpus_refused(value):
    errors = inputs.check_values({'xen_bootloader_dom0_max_vcpus': value})
    assert len(errors) == 1 and errors[0].startswith('xen_bootloader_dom0_max_vcpus '), errors


@pytest.mark.parametrize('value', ['', '1', '2', '1-4', '4-4', 4096, 2])
def test_good_vcpus_pass(value):
    assert inputs.check_values({'xen_bootloader_dom0_max_vcpus': value}) == []


@pytest.mark.parametrize('value', ['relative/path', '/var/lib/xen/../../etc', '/a b', '/a"b', '/a$(x)', '/a\n',
                                   '/a;b', '/' + 'a' * 300, "/a'b", '/a`b`', 7])
def test_bad_save_dir_refused(value):
    errors = inputs.check_values({'xen_toolstack_xendomains_save_dir': value})
    assert len(errors) == 1, errors


@pytest.mark.parametrize('value', ['', '/var/lib/xen/save', '/srv/xen-save/', '/data/x.y+z'])
def test_good_save_dir_passes(value):
    assert inputs.check_values({'xen_toolstack_xendomains_save_dir': value}) == []


@pytest.mark.parametrize('value', ['xen*', 'lib?', '[a-z]*', 'a b', '-oDebug::pkgProblemResolver=1', '../x.deb',
                                   'x;reboot', '', 'x\n'])
def test_bad_package_names_refused(value):
    for name in ('xen_packages_extra', 'xen_virt_manager_extra_packages'):
        errors = inputs.check_values({name: [value]})
        assert len(errors) == 1 and errors[0].startswith(name + ' '), errors


@pytest.mark.parametrize('value', ['xen-tools', 'virt-viewer', 'libvirt-daemon-driver-xen', 'g++', 'python3.11',
                                   'xen-utils-4.17:amd64', 'xen-tools=4.9.2-1', 'kernel-xen', 'SDL'])
def test_good_package_names_pass(value):
    assert inputs.check_values({'xen_packages_extra': [value]}) == []


def test_package_list_must_be_a_list():
    assert 'must be a list' in inputs.check_values({'xen_packages_extra': 'xen-tools'})[0]


@pytest.mark.parametrize('value', [True, False])
def test_unquoted_yaml_on_off_refused_with_the_fix(value):
    errors = inputs.check_values({'xen_toolstack_autoballoon': value})
    assert len(errors) == 1 and "write '%s' in quotes" % ('on' if value else 'off') in errors[0], errors


@pytest.mark.parametrize('value', [0, -1, 59, 86401, '10', True, 'long', 60.5])
def test_bad_reboot_timeout_refused(value):
    assert len(inputs.check_values({'xen_reboot_timeout': value})) == 1


@pytest.mark.parametrize('value', [60, 600, 86400])
def test_good_reboot_timeout_passes(value):
    assert inputs.check_values({'xen_reboot_timeout': value}) == []


@pytest.mark.parametrize('value', [0, 4, 301, -10, 'ten', '4', True, 10.5])
def test_bad_connect_timeout_refused(value):
    errors = inputs.check_values({'xen_reboot_connect_timeout': value})
    assert len(errors) == 1 and errors[0].startswith('xen_reboot_connect_timeout must be'), errors


@pytest.mark.parametrize('value', [5, 10, 300])
def test_good_connect_timeout_passes(value):
    assert inputs.check_values({'xen_reboot_connect_timeout': value}) == []


@pytest.mark.parametrize('value', [1, 59, 86401, -1, '60s', '', None, True, 1.5, '0x40'])
def test_bad_trial_watchdog_refused(value):
    errors = inputs.check_values({'xen_reboot_trial_watchdog': value})
    assert len(errors) == 1 and 'must be 0 (off) or' in errors[0], errors


@pytest.mark.parametrize('value', [0, '0', 60, 600, '600', 86400])
def test_good_trial_watchdog_passes(value):
    assert inputs.check_values({'xen_reboot_trial_watchdog': value}) == []


@pytest.mark.parametrize('value', ['Reboot "now"', 'a $(reboot)', 'a `reboot`', 'back\\slash', 'line\nbreak', '',
                                   'x' * 201, 'tab\there', '-P', '-H', '--help', '-c now'])
def test_bad_reboot_message_refused(value):
    assert len(inputs.check_values({'xen_reboot_msg': value})) == 1


def test_default_reboot_message_passes_and_is_inert_in_double_quotes():
    message = "Rebooting into the Xen hypervisor (xenhost.dom0); it's back in 5 min!"
    assert inputs.check_values({'xen_reboot_msg': message}) == []
    # ansible.builtin.reboot puts it inside "..." on shutdown's command line: sh must print it unchanged.
    out = subprocess.run(['sh', '-c', 'printf %%s "%s"' % message], stdout=subprocess.PIPE, universal_newlines=True,
                         check=True).stdout
    assert out == message


@pytest.mark.parametrize('value', ['uptime; reboot', 'uptime && reboot', 'uptime | sh', '$(reboot)', 'uptime > /x',
                                   'uptime\nreboot', '', 'echo "x"', '-c uptime', '--help'])
def test_bad_test_command_refused(value):
    assert len(inputs.check_values({'xen_reboot_test_command': value})) == 1


@pytest.mark.parametrize('value', ['uptime', 'xl list', '/usr/bin/test -e /proc/xen', 'systemctl is-system-running'])
def test_good_test_command_passes(value):
    assert inputs.check_values({'xen_reboot_test_command': value}) == []


def test_media_subdirs_are_top_level_directories_fit_for_a_repository_id():
    assert inputs.check_values({'xen_packages_media_subdirs': ['Server', 'VT', 'Cluster_Storage-1.0']}) == []
    for bad in (['../etc'], ['/abs'], ['a/../../b'], ['a b'], 'Server', ['a/b'], ['a+b'], ['.'], ['..']):
        assert inputs.check_values({'xen_packages_media_subdirs': bad}), bad


def test_unknown_variables_are_ignored_and_all_errors_reported():
    errors = inputs.check_values({'xen_bootloader_dom0_mem': '1K', 'xen_reboot_timeout': 0, 'something_else': '$(x)'})
    assert [e.split()[0] for e in errors] == ['xen_bootloader_dom0_mem', 'xen_reboot_timeout']


def test_error_shows_long_values_shortened():
    errors = inputs.check_values({'xen_reboot_msg': 'x' * 5000})
    assert len(errors[0]) < 400
