# -*- coding: utf-8 -*-
"""module_utils/grub2_defaults.py and grub2_cfg.boot_plan: xen.cfg read and written with sh's rules, the trial decision."""

import os
import re
import subprocess

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import grub2_cfg, grub2_defaults as gd

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'grub')


def _sh(text, name):
    """The value sh really gives ``name`` after sourcing ``text``: the reference read_setting must agree with."""
    return subprocess.run(['sh', '-c', 'eval "$1"; printf %%s "$%s"' % name, 'sh', text], stdout=subprocess.PIPE,
                          universal_newlines=True, check=True).stdout


@pytest.mark.parametrize('line', [
    'GRUB_CMDLINE_XEN_DEFAULT="a b"',
    "GRUB_CMDLINE_XEN_DEFAULT='a b'",
    'GRUB_CMDLINE_XEN_DEFAULT=a',
    'GRUB_CMDLINE_XEN_DEFAULT="a b" # comment "with quotes"',
    "GRUB_CMDLINE_XEN_DEFAULT='a # not a comment'",
    'GRUB_CMDLINE_XEN_DEFAULT="a"\'b c\'',
    'GRUB_CMDLINE_XEN_DEFAULT=',
    'GRUB_CMDLINE_XEN_DEFAULT=""',
    '  export GRUB_CMDLINE_XEN_DEFAULT="x=1,2"',
    'GRUB_CMDLINE_XEN_DEFAULT="first"\nGRUB_CMDLINE_XEN_DEFAULT="second"',
    '#GRUB_CMDLINE_XEN_DEFAULT="commented"\nGRUB_CMDLINE_XEN_DEFAULT="live"',
    'GRUB_CMDLINE_XEN_DEFAULT="a;b|c>d(e)~f&g"',
    'GRUB_CMDLINE_XEN_DEFAULT=a # a comment',
    'GRUB_CMDLINE_XEN_DEFAULT="a"\t# a comment after a tab',
    # One line for sh (str.splitlines would have made "reboot" a line of its own and read the value as "a").
    'GRUB_CMDLINE_XEN_DEFAULT=a\u2028reboot',
])
def test_read_setting_agrees_with_sh(line):
    assert gd.read_setting(line, 'GRUB_CMDLINE_XEN_DEFAULT') == _sh(line, 'GRUB_CMDLINE_XEN_DEFAULT')


@pytest.mark.parametrize('line', [
    'GRUB_CMDLINE_XEN_DEFAULT="$(reboot)"', 'GRUB_CMDLINE_XEN_DEFAULT=`reboot`', 'GRUB_CMDLINE_XEN_DEFAULT="$X"',
    'GRUB_CMDLINE_XEN_DEFAULT="a', "GRUB_CMDLINE_XEN_DEFAULT='a", 'GRUB_CMDLINE_XEN_DEFAULT=a reboot',
    'GRUB_CMDLINE_XEN_DEFAULT="a\\"b"',
    # sh runs, pipes or redirects after the value, or keeps a # inside the word, where shlex reads one plain value.
    'GRUB_CMDLINE_XEN_DEFAULT=a;reboot', 'GRUB_CMDLINE_XEN_DEFAULT=a|reboot', 'GRUB_CMDLINE_XEN_DEFAULT=a>/etc/x',
    'GRUB_CMDLINE_XEN_DEFAULT=a&reboot', 'GRUB_CMDLINE_XEN_DEFAULT=dom0_mem=1024M,max:1024M#x',
    'GRUB_CMDLINE_XEN_DEFAULT="a"#x', 'GRUB_CMDLINE_XEN_DEFAULT=~/x', 'GRUB_CMDLINE_XEN_DEFAULT=a(b)',
    'GRUB_CMDLINE_XEN_DEFAULT=#c',
    # sh keeps these in the word; shlex would read them as blanks.
    'GRUB_CMDLINE_XEN_DEFAULT=a\x0c b', 'GRUB_CMDLINE_XEN_DEFAULT="a"\r',
])
def test_unreadable_settings_refused_with_line_number(line):
    with pytest.raises(gd.SettingError) as err:
        gd.read_setting('# header\n' + line, 'GRUB_CMDLINE_XEN_DEFAULT')
    assert 'line 2' in str(err.value)


def test_unset_is_none():
    assert gd.read_setting('#GRUB_CMDLINE_XEN_DEFAULT=""\n', 'GRUB_CMDLINE_XEN_DEFAULT') is None


def test_plan_merges_by_name_keeps_hand_options_and_quotes_safely():
    text = 'GRUB_CMDLINE_XEN_DEFAULT="ucode=scan dom0_mem=512M" # by hand\n'
    plan = gd.plan(text, ['dom0_mem=1G,max:1G', 'console=com1'])
    assert plan['merged'] == 'ucode=scan dom0_mem=1G,max:1G console=com1'
    assert plan['cmdline'] == "GRUB_CMDLINE_XEN_DEFAULT='ucode=scan dom0_mem=1G,max:1G console=com1'"
    assert _sh(plan['cmdline'], 'GRUB_CMDLINE_XEN_DEFAULT') == plan['merged']
    assert plan['managed'] == '# xenhost.dom0 manages these hypervisor options: console dom0_mem'


def test_plan_drops_what_it_managed_and_no_longer_wants():
    text = ("GRUB_CMDLINE_XEN_DEFAULT='ucode=scan iommu=force console=com1'\n"
            '# xenhost.dom0 manages these hypervisor options: console iommu\n')
    plan = gd.plan(text, ['console=com1'])
    assert plan['merged'] == 'ucode=scan console=com1'


def test_plan_keeps_a_line_that_already_says_it():
    text = 'GRUB_CMDLINE_XEN_DEFAULT="console=com1"\n'
    assert gd.plan(text, ['console=com1'])['cmdline'] == 'GRUB_CMDLINE_XEN_DEFAULT="console=com1"'


def test_hand_option_with_a_quote_stays_one_sh_word():
    text = '''GRUB_CMDLINE_XEN_DEFAULT="it's"\n'''
    plan = gd.plan(text, ['console=com1'])
    assert _sh(plan['cmdline'], 'GRUB_CMDLINE_XEN_DEFAULT') == "it's console=com1"


@pytest.mark.parametrize('trial, proven, override, in_trial', [
    (True, False, 'XEN_OVERRIDE_GRUB_DEFAULT=0', True),
    (True, True, 'XEN_OVERRIDE_GRUB_DEFAULT=1', False),
    (False, False, 'XEN_OVERRIDE_GRUB_DEFAULT=1', False),
    (False, True, 'XEN_OVERRIDE_GRUB_DEFAULT=1', False),
])
def test_override_only_once_xen_proved_itself(trial, proven, override, in_trial):
    plan = gd.plan('', [], trial=trial, proven=proven)
    assert plan['override'] == override and plan['trial'] is in_trial


def test_dom0_panic_line():
    assert gd.plan('', [], panic_seconds=10)['linux_xen'] == \
        'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="${GRUB_CMDLINE_LINUX_DEFAULT} panic=10"'
    assert _sh('GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n' + gd.plan('', [], panic_seconds=10)['linux_xen'],
               'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT') == 'quiet panic=10'
    assert gd.plan('', [], panic_seconds=0)['linux_xen'] is None


def _facts(default):
    with open(os.path.join(FIXTURES, 'debian12_xen_grub.cfg')) as f:
        config = grub2_cfg.parse(f.read())
    return grub2_cfg.describe(config, exists=lambda p: True, default=default)


def test_boot_plan_trial_boots_the_top_level_xen_entry_by_id():
    plan = grub2_cfg.boot_plan(_facts('0'), trial=True)
    assert plan['mode'] == 'trial' and plan['errors'] == []
    assert plan['next_entry'] == 'xen-gnulinux-simple-3f6c1b0e-8d7a-4a52-b1c9-6e2d0f4a9b17'
    assert plan['fallback'] == 'Debian GNU/Linux'
    assert plan['set_next_entry'] is True
    assert grub2_cfg.boot_plan(_facts('0'), trial=True, next_entry=plan['next_entry'])['set_next_entry'] is False


def test_boot_plan_trial_not_needed_when_the_default_is_xen():
    plan = grub2_cfg.boot_plan(_facts('Debian GNU/Linux, with Xen hypervisor'), trial=True)
    assert plan['mode'] == 'permanent' and plan['errors'] == [] and plan['next_entry'] is None


@pytest.mark.parametrize('fs, abstractions, bad', [
    ('ext2', '', False), ('xfs', '', False), ('ext2', 'lvm', True), ('ext2', 'diskfilter mdraid1x', True),
    ('btrfs', '', True), ('zfs', '', True), (None, '', True), ('ext2', None, True)])
def test_trial_refused_where_grub_cannot_clear_next_entry(fs, abstractions, bad):
    reason = grub2_cfg.grubenv_unwritable_reason(fs, abstractions)
    assert (reason is not None) is bad
    plan = grub2_cfg.boot_plan(_facts('0'), trial=True, unwritable_reason=reason)
    assert bool(plan['errors']) is bad


def test_boot_plan_refuses_a_trial_that_could_not_come_back():
    plan = grub2_cfg.boot_plan(_facts('No such entry'), trial=True)
    assert any('could not come back' in e for e in plan['errors']), plan


def test_boot_plan_permanent_needs_a_xen_default():
    plan = grub2_cfg.boot_plan(_facts('0'), trial=False)
    assert plan['errors'] and 'does not boot Xen' in plan['errors'][0]


def test_non_ascii_digits_are_not_indexes():
    facts = _facts('\u0663')  # ARABIC-INDIC DIGIT THREE: GRUB would not read it as entry 3
    assert facts['default']['found'] is False


@pytest.mark.parametrize('trial, fallback, state', [
    (True, True, 'present'),    # installed with a trial, whose reboot is due anyway
    (False, True, None),        # left as it is: installing it alone would change grub.cfg and ask for a reboot
    (True, False, 'absent'),
    (False, False, 'absent'),
])
def test_fallback_script_comes_with_a_trial_and_goes_when_asked(trial, fallback, state):
    assert gd.fallback_script_state(trial, fallback) == state
    assert gd.plan('', [], trial=trial, fallback=fallback)['fallback_script'] == state
    # A host that runs as dom0 with every option has no trial due: the script is left alone.
    assert gd.plan('', [], trial=True, proven=True, fallback=fallback)['fallback_script'] == (None if fallback else 'absent')


def test_line_changes_follow_the_plan():
    planned = gd.plan(u'#XEN_OVERRIDE_GRUB_DEFAULT=\n', ['dom0_mem=1024M,max:1024M'], trial=True, panic_seconds=10)
    changes = gd.line_changes(planned)
    assert [line for dummy, line in changes] == [
        'XEN_OVERRIDE_GRUB_DEFAULT=0', "GRUB_CMDLINE_XEN_DEFAULT='dom0_mem=1024M,max:1024M'",
        '# xenhost.dom0 manages these hypervisor options: dom0_mem',
        'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="${GRUB_CMDLINE_LINUX_DEFAULT} panic=10"']
    # Without a panic timeout the role's line goes, and only an uncommented one matches.
    regexp, line = gd.line_changes(gd.plan(u'', []))[3]
    assert line is None and re.match(regexp, 'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="x"')
    assert not re.match(regexp, '#GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="x"')
