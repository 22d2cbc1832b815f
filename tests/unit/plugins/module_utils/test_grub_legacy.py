# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure GRUB legacy parsing/editing, on menu files modelled on RHEL 5, CentOS 5, SLES 11 and Debian."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import os

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import grub_legacy as gl

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'grub')
MENUS = ['rhel5_grub.conf', 'centos5_grub.conf', 'sles11_menu.lst', 'debian12_menu.lst',
         'debian12_static_xen_menu.lst', 'debian7_xen_saved_menu.lst', 'tricky_menu.lst', 'noxen_menu.lst']


def fixture(name):
    with open(os.path.join(FIXTURES, name), 'rb') as handle:
        return handle.read().decode('utf-8', 'surrogateescape')


def changed_lines(before, after):
    """(removed, added) physical lines between two texts."""
    diff = list(difflib.ndiff(before.split('\n'), after.split('\n')))
    return [d[2:] for d in diff if d.startswith('- ')], [d[2:] for d in diff if d.startswith('+ ')]


@pytest.mark.parametrize('name', MENUS)
def test_parse_then_render_is_byte_identical(name):
    text = fixture(name)
    assert gl.MenuConfig(text).text() == text


def test_round_trip_keeps_crlf_undecodable_bytes_and_missing_final_newline():
    raw = b'default 0\r\ntitle Caf\xe9 \x0c odd\r\nkernel /boot/xen.gz\r\nmodule /boot/vmlinuz'
    text = raw.decode('utf-8', 'surrogateescape')
    config = gl.MenuConfig(text)
    assert config.text().encode('utf-8', 'surrogateescape') == raw
    assert len(config.entries) == 1 and config.entries[0].xen


@pytest.mark.parametrize('name, xen_flags', [
    ('rhel5_grub.conf', [False, True, False]),
    ('centos5_grub.conf', [False, True, False]),
    ('sles11_menu.lst', [False, True, False]),
    ('debian12_menu.lst', [False, False, False, False]),
    ('debian12_static_xen_menu.lst', [False, False, False, False, True]),
    ('debian7_xen_saved_menu.lst', [True, False, False]),
    ('tricky_menu.lst', [False, False, True, False]),
])
def test_xen_detection(name, xen_flags):
    assert [e.xen for e in gl.parse(fixture(name)).entries] == xen_flags


def test_titles_that_merely_mention_xen_and_multiboot_kernels_are_not_xen():
    entries = gl.parse(fixture('tricky_menu.lst')).entries
    assert entries[0].title == 'Rescue shell (xen tools installed, no hypervisor)'   # 'title=' form
    assert entries[1].title == 'GNU (also known as GNU/Hurd)' and entries[1].module_lines
    assert not entries[0].xen and not entries[1].xen
    # the continued kernel line is one logical line
    assert entries[2].kernel == '(hd0,0)/boot/xen-4.17-amd64.gz console=com1         com1=115200,8n1'


def test_globals_and_default_forms():
    assert gl.parse(fixture('rhel5_grub.conf')).default_setting() == 0          # default=0
    assert gl.parse(fixture('sles11_menu.lst')).default_setting() == 0          # default 0
    assert gl.parse(fixture('debian7_xen_saved_menu.lst')).default_setting() == 'saved'
    assert gl.parse(fixture('tricky_menu.lst')).default_setting() is None       # no default line
    assert gl.parse(fixture('centos5_grub.conf')).fallback_setting() == [2]
    assert [line.command for line in gl.parse(fixture('rhel5_grub.conf')).globals] == \
        ['default', 'timeout', 'splashimage', 'hiddenmenu']


def test_automagic_block_and_magic_options():
    config = gl.parse(fixture('debian7_xen_saved_menu.lst'))
    assert config.automagic is not None
    assert all(e.automagic for e in config.entries)
    assert config.magic_option('xenhopt')[1] == ''
    assert config.magic_option('xenkopt')[1] == 'console=tty0'
    assert config.magic_option('updatedefaultentry')[1] == 'false'
    static = gl.parse(fixture('debian12_static_xen_menu.lst'))
    assert [e.automagic for e in static.entries] == [True, True, True, True, False]


def test_rhel5_xen_not_first_changes_exactly_the_default_line():
    text = fixture('rhel5_grub.conf')
    result = gl.plan(text, default='xen')
    assert result['chosen'].index == 1
    assert result['previous_default'] == 0
    assert changed_lines(text, result['text']) == (['default=0'], ['default=1'])
    assert len(result['text']) == len(text)


def test_second_run_changes_nothing():
    for name in ('rhel5_grub.conf', 'centos5_grub.conf', 'sles11_menu.lst', 'tricky_menu.lst',
                 'debian12_static_xen_menu.lst'):
        first = gl.plan(fixture(name), default='xen', fallback='0', xen_args='dom0_mem=1024M,max:1024M')['text']
        assert gl.plan(first, default='xen', fallback='0', xen_args='dom0_mem=1024M,max:1024M')['text'] == first


def test_centos5_already_xen_only_xen_args_change_the_kernel_line():
    text = fixture('centos5_grub.conf')
    assert gl.plan(text, default='xen')['text'] == text
    result = gl.plan(text, default='xen', xen_args=['dom0_mem=1024M,max:1024M', 'dom0_max_vcpus=2'])
    assert changed_lines(text, result['text']) == (
        ['\tkernel /boot/xen.gz-2.6.18-419.el5 dom0_mem=512M'],
        ['\tkernel /boot/xen.gz-2.6.18-419.el5 dom0_mem=1024M,max:1024M dom0_max_vcpus=2'])


def test_debian12_update_grub_output_has_no_xen_entry_and_fails_listing_titles():
    with pytest.raises(gl.GrubLegacyError) as err:
        gl.plan(fixture('debian12_menu.lst'), default='xen')
    msg = str(err.value)
    assert 'no Xen entry' in msg
    assert '0: Debian GNU/Linux, kernel 6.1.0-28-amd64' in msg
    assert '3: Debian GNU/Linux, kernel 6.1.0-27-amd64 (single-user mode)' in msg


def test_debian12_static_xen_stanza_keeps_tab_separator():
    text = fixture('debian12_static_xen_menu.lst')
    result = gl.plan(text, default='xen')
    assert result['chosen'].index == 4
    assert changed_lines(text, result['text']) == (['default\t\t0'], ['default\t\t4'])
    assert result['warnings'] == []


def test_saved_default_goes_to_the_default_file_not_the_menu():
    text = fixture('debian7_xen_saved_menu.lst')
    result = gl.plan(text, default='xen', saved_index=1)
    assert result['text'] == text
    assert result['default_file_index'] == 0
    assert result['previous_default'] == 1 and result['previous_setting'] == 'saved'
    assert gl.plan(text, default='xen', saved_index=0)['default_file_index'] is None
    # no default file yet: GRUB boots 0, we still create the file (savedefault needs it)
    assert gl.plan(text, default='xen', saved_index=None)['default_file_index'] == 0


def test_xen_args_inside_automagic_block_also_go_to_xenhopt():
    text = fixture('debian7_xen_saved_menu.lst')
    result = gl.plan(text, default='xen', saved_index=0, xen_args='dom0_mem=1024M,max:1024M')
    removed, added = changed_lines(text, result['text'])
    assert removed == ['# xenhopt=', 'kernel\t\t/boot/xen-4.1-amd64.gz']
    assert added == ['# xenhopt=dom0_mem=1024M,max:1024M', 'kernel\t\t/boot/xen-4.1-amd64.gz dom0_mem=1024M,max:1024M']


def test_automagic_default_number_warning():
    text = fixture('debian7_xen_saved_menu.lst').replace('default\t\tsaved', 'default\t\t1')
    result = gl.plan(text, default='xen')
    assert any('updatedefaultentry' in w for w in result['warnings'])
    fixed = text.replace('# updatedefaultentry=false', '# updatedefaultentry=true')
    assert gl.plan(fixed, default='xen')['warnings'] == []


def test_no_default_line_is_inserted_in_file_style():
    text = fixture('tricky_menu.lst')
    result = gl.plan(text, default='xen')
    assert changed_lines(text, result['text']) == ([], ['default=2'])
    assert result['text'].index('default=2') < result['text'].index('timeout=10')
    # entry 0 wanted and no default line: GRUB already boots 0, nothing to write
    assert gl.plan(text, default='0')['text'] == text


def test_continued_kernel_line_keeps_its_layout():
    text = fixture('tricky_menu.lst')
    result = gl.plan(text, default='xen', xen_args='com1=9600,8n1 dom0_mem=2G')
    removed, added = changed_lines(text, result['text'])
    assert removed == ['       com1=115200,8n1']
    assert added == ['default=2', '       com1=9600,8n1 dom0_mem=2G']
    assert 'console=com1 \\\n' in result['text']


def test_default_by_index_and_title_regex_and_fallback():
    text = fixture('sles11_menu.lst')
    assert gl.plan(text, default='^Failsafe')['chosen'].index == 2
    assert gl.plan(text, default='2')['chosen'].index == 2
    result = gl.plan(text, default='xen', fallback='^SUSE Linux')
    removed, added = changed_lines(text, result['text'])
    assert removed == ['default 0'] and added == ['default 1', 'fallback 0']
    centos = fixture('centos5_grub.conf')
    assert changed_lines(centos, gl.plan(centos, default='xen', fallback='none')['text']) == (['fallback=2'], [])
    assert changed_lines(centos, gl.plan(centos, default='xen', fallback='0')['text']) == (['fallback=2'], ['fallback=0'])


@pytest.mark.parametrize('spec, message', [
    ('7', 'does not exist'),
    ('^Windows', 'no title matches'),
    ('([', 'neither'),
])
def test_bad_selection_lists_titles(spec, message):
    with pytest.raises(gl.GrubLegacyError) as err:
        gl.plan(fixture('rhel5_grub.conf'), default=spec)
    assert message in str(err.value)
    assert '1: Red Hat Enterprise Linux Server (2.6.18-398.el5xen)' in str(err.value)


def test_xen_args_on_a_non_xen_entry_is_refused():
    with pytest.raises(gl.GrubLegacyError, match='does not boot Xen'):
        gl.plan(fixture('rhel5_grub.conf'), default='0', xen_args='dom0_mem=1G')


@pytest.mark.parametrize('name, message', [
    ('garbage.txt', 'no "title" entries'),
    ('bad_default.lst', "default foo"),
    ('noxen_menu.lst', 'no Xen entry'),
])
def test_unusable_files_fail(name, message):
    with pytest.raises(gl.GrubLegacyError) as err:
        gl.plan(fixture(name), default='xen')
    assert message in str(err.value)


def test_merge_args():
    assert gl.merge_args('dom0_mem=512M  noreboot', ['dom0_mem=1G']) == 'dom0_mem=1G  noreboot'
    assert gl.merge_args('a=1 b=2 a=3', ['a=9']) == 'a=9 b=2'
    assert gl.merge_args('', ['x=1', 'flag']) == 'x=1 flag'
    assert gl.merge_args(' console=com1 ', ['com1=9600']) == ' console=com1 com1=9600 '
    assert gl.split_args(['dom0_mem=1G,max:1G', 'a b']) == ['dom0_mem=1G,max:1G', 'a', 'b']


def test_default_file_format_matches_grub_set_default():
    # written by grub-set-default 1, and after stage2 savedefault rewrote its first 10 bytes in place
    assert gl.render_default_file(1) == fixture('debian7_default')
    assert gl.parse_default_file(fixture('debian7_default')) == 1
    assert gl.parse_default_file(fixture('default_after_savedefault')) == 1
    assert gl.parse_default_file('') is None
    assert len(gl.render_default_file(0)) >= 10


# --- hostile input: digits, titles, empty values, the default file, long lines ---------------------

import time

PREFIX_MENU = '''default 0
timeout 5

title Debian GNU/Linux, kernel 6.1.0-27-amd64 (single-user mode)
kernel /boot/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro single

title Debian GNU/Linux, kernel 6.1.0-27-amd64
kernel /boot/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro

title Xen 4.17 / Debian GNU/Linux, kernel 6.1.0-27-amd64
kernel /boot/xen-4.17-amd64.gz dom0_mem=1024M
module /boot/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro

title Xen 4.17 / Debian GNU/Linux, kernel 6.1.0-27-amd64 (recovery)
kernel /boot/xen-4.17-amd64.gz
module /boot/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro single
'''


@pytest.mark.parametrize('spec,index', [
    ('Debian GNU/Linux, kernel 6.1.0-27-amd64', 1),                        # exact title beats the longer one before it
    ('Debian GNU/Linux, kernel 6.1.0-27-amd64 (single-user mode)', 0),
    ('  Debian GNU/Linux, kernel 6.1.0-27-amd64  ', 1),
    ('Debian GNU/Linux, kernel 6.1.0-27-amd64 (single', 0),               # a unique prefix
    ('Xen 4.17 / Debian GNU/Linux, kernel 6.1.0-27-amd64', 2),
    ('Xen 4.17 / Debian GNU/Linux, kernel 6.1.0-27-amd64 (rec', 3),
    ('recovery', 3),                                                       # a regular expression with one match
    (r'\(single', 0),
    ('xen', 2),
    ('3', 3),
    ('0003', 3),
])
def test_title_resolution_order(spec, index):
    assert gl.select_entry(gl.parse(PREFIX_MENU), spec).index == index


@pytest.mark.parametrize('spec,count', [
    ('Debian', 2), ('Xen 4.17', 2), ('D', 2), ('amd64', 4), ('Linux', 4), ('^Xen', 2), ('.', 4), ('kernel 6', 4),
])
def test_ambiguous_titles_fail_listing_the_candidates(spec, count):
    with pytest.raises(gl.GrubLegacyError) as caught:
        gl.select_entry(gl.parse(PREFIX_MENU), spec)
    assert 'ambiguous' in str(caught.value) and '%d entries' % count in str(caught.value)


def test_duplicate_titles_are_ambiguous():
    menu = 'title A\nkernel /a\ntitle A\nkernel /b\n'
    with pytest.raises(gl.GrubLegacyError, match='ambiguous.*0: A; 1: A'):
        gl.select_entry(gl.parse(menu), 'A')


@pytest.mark.parametrize('spec', ['', ' ', '\t', '\n', '  \n '])
def test_empty_default_or_fallback_is_refused(spec):
    with pytest.raises(gl.GrubLegacyError, match='empty'):
        gl.plan(PREFIX_MENU, default=spec)
    with pytest.raises(gl.GrubLegacyError, match='empty'):
        gl.plan(PREFIX_MENU, default='xen', fallback=spec)


@pytest.mark.parametrize('spec', ['\u0663', '\u00b3', '\u0661', '\uff11', '\u09e9', '\u2082', '1\u0663', '1234567890', '+1', '-1'])
def test_non_ascii_or_oversized_numbers_are_not_indexes(spec):
    with pytest.raises(gl.GrubLegacyError, match='not an entry number|no title matches|ambiguous'):
        gl.select_entry(gl.parse(PREFIX_MENU), spec)


@pytest.mark.parametrize('value', ['\u0663', '\u00b3', '\uff11', '1234567890', '9' * 5000, '+1', '-1', '1.0'])
def test_non_ascii_digits_in_the_menu_are_not_understood(value):
    with pytest.raises(gl.GrubLegacyError, match='cannot understand'):
        gl.parse('default %s\n' % value + PREFIX_MENU.split('\n', 1)[1])
    with pytest.raises(gl.GrubLegacyError, match='cannot understand'):
        gl.parse('fallback %s\n' % value + PREFIX_MENU)


@pytest.mark.parametrize('data,index', [
    ('1\n', 1), ('12', 12), ('0x1f\n', 31), ('0X2', 2), ('3junk', 3), ('123456789012', 123456789), ('007', 7),
    ('', None), ('\n', None), (' 1\n', None), ('\t2', None), ('#\n1', None), ('x', None), ('0x', 0), ('-1', None),
    ('\u0663\n', None), ('\u00b3', None), ('\0' * 10, None), ('saved', None),
])
def test_default_file_is_read_as_stage2_reads_it(data, index):
    assert gl.parse_default_file(data) == index


@pytest.mark.parametrize('data', ['', '\n', ' 1\n', 'garbage\n', '\u0663\n'])
def test_unusable_default_file_boots_entry_0_and_says_so(data):
    saved = 'default saved\n' + PREFIX_MENU.split('\n', 1)[1]
    result = gl.plan(saved, default='xen', saved_index=gl.parse_default_file(data))
    assert result['previous_default'] == 0
    assert result['default_file_index'] == 2
    assert any('GRUB 0.97 then boots entry 0' in w for w in result['warnings'])


@pytest.mark.parametrize('blanks', [1000, 100000])
def test_parse_and_edit_time_is_linear_in_line_length(blanks):
    """A kernel line with a long run of blanks took quadratic time (5 s at 40,000 blanks)."""
    menu = ('default 0\ntitle Xen' + ' ' * blanks + 'x\nkernel /boot/xen.gz' + ' ' * blanks + 'dom0_mem=1G' + ' ' * blanks
            + '\nmodule /boot/vmlinuz' + ' ' * blanks + 'ro\n')
    started = time.time()
    result = gl.plan(menu, default='xen', xen_args='dom0_mem=2G' + ' ' * blanks + 'x=1')
    assert time.time() - started < 1.5
    assert 'dom0_mem=2G' in result['text'] and result['text'].count('\n') == menu.count('\n')


@pytest.mark.parametrize('current', ['a' + ' ' * 100000 + 'b', ' ' * 100000, '\t' * 100000 + 'x', 'a=1 ' * 20000])
def test_merge_args_is_linear(current):
    started = time.time()
    merged = gl.merge_args(current, ['a=2'])
    assert time.time() - started < 1.5
    assert 'a=2' in merged


def test_split_command_matches_the_old_regex():
    import re
    old = re.compile(r'^([ \t]*)([A-Za-z_][A-Za-z0-9_]*)([ \t=]*)(.*?)([ \t]*)$', re.S)
    for text in ['default=0', '  default  0  ', 'title=Foo bar \t', 'kernel', 'kernel ', '\tmodule = /x y=1 \t ',
                 '# comment', '', '   ', '9default', 'title  \u0663 \t', 'a=b=c', 'x\r', 'title A\x0cB ']:
        match = old.match(text)
        mine = gl._split_command(text)
        assert (mine and mine.groups) == (match and match.groups()), text


# The trial boot: default saved + the 'default' file naming Xen + fallback + 'savedefault fallback' in the Xen entry.

def test_rhel5_trial_changes_exactly_these_lines_and_names_the_current_default_as_fallback():
    text = fixture('rhel5_grub.conf')
    result = gl.plan(text, 'xen', mode='trial', dom0_args=['panic=10'], default_file_ok=False)
    removed, added = changed_lines(text, result['text'])
    assert removed == ['default=0', '\tmodule /vmlinuz-2.6.18-398.el5xen ro root=/dev/VolGroup00/LogVol00 rhgb quiet']
    assert added == ['default=saved', 'fallback=0', '\tsavedefault fallback',
                     '\tmodule /vmlinuz-2.6.18-398.el5xen ro root=/dev/VolGroup00/LogVol00 rhgb quiet panic=10']
    assert result['default_file_index'] == 1
    assert result['fallback_entry'].index == 0 and result['mode'] == 'trial'
    # The savedefault line is the Xen entry's first command, so it runs before GRUB loads any image.
    entry = gl.parse(result['text']).entries[1]
    assert [line.args for line in entry.savedefault_lines] == ['fallback']
    assert entry.savedefault_lines[0].start == entry.title_line.end


def test_trial_is_idempotent_and_a_rerun_keeps_the_fallback_of_the_pending_trial():
    first = gl.plan(fixture('rhel5_grub.conf'), 'xen', mode='trial', default_file_ok=False)
    # The default file now names Xen (1): the fallback must come from the fallback line, not from the default.
    again = gl.plan(first['text'], 'xen', mode='trial', saved_index=1, default_file_ok=True)
    assert again['text'] == first['text'] and again['default_file_index'] is None
    assert again['fallback_entry'].index == 0


def test_trial_rewrites_a_short_default_file_stage2_could_not_update():
    first = gl.plan(fixture('rhel5_grub.conf'), 'xen', mode='trial', default_file_ok=False)
    again = gl.plan(first['text'], 'xen', mode='trial', saved_index=1, default_file_ok=False)
    assert again['default_file_index'] == 1


def test_after_the_trial_permanent_removes_savedefault_fallback_and_saves_xen():
    trial = gl.plan(fixture('rhel5_grub.conf'), 'xen', mode='trial', dom0_args='panic=10', default_file_ok=False)
    # GRUB ran 'savedefault fallback' as it booted Xen: the file says 0 again.
    permanent = gl.plan(trial['text'], 'xen', mode='permanent', dom0_args='panic=10', saved_index=0)
    removed, added = changed_lines(trial['text'], permanent['text'])
    assert removed == ['\tsavedefault fallback'] and added == []
    assert permanent['default_file_index'] == 1 and permanent['fallback_entry'] is None
    final = gl.plan(permanent['text'], 'xen', mode='permanent', dom0_args='panic=10', saved_index=1)
    assert final['text'] == permanent['text'] and final['default_file_index'] is None


def test_permanent_keeps_a_plain_savedefault():
    text = fixture('rhel5_grub.conf').replace('\tkernel /xen.gz', '\tsavedefault\n\tkernel /xen.gz')
    result = gl.plan(text, 'xen', mode='permanent')
    assert '\tsavedefault\n\tkernel /xen.gz' in result['text']


def test_trial_turns_a_plain_savedefault_of_the_xen_entry_into_savedefault_fallback():
    text = fixture('rhel5_grub.conf').replace('\tkernel /xen.gz', '\tsavedefault\n\tkernel /xen.gz')
    entry = gl.parse(gl.plan(text, 'xen', mode='trial')['text']).entries[1]
    assert [line.args for line in entry.savedefault_lines] == ['fallback']


def test_trial_fallback_when_the_default_already_is_xen_is_the_first_entry_without_xen():
    text = fixture('rhel5_grub.conf').replace('default=0', 'default=1')
    result = gl.plan(text, 'xen', mode='trial')
    assert result['fallback_entry'].index == 0


def test_trial_fallback_given_by_title_and_refused_when_it_boots_xen():
    text = fixture('rhel5_grub.conf')
    result = gl.plan(text, 'xen', mode='trial', fallback='Red Hat Enterprise Linux Server (2.6.18-371.el5)')
    assert result['fallback_entry'].index == 2 and 'fallback=2' in result['text']
    with pytest.raises(gl.GrubLegacyError, match='a Xen entry'):
        gl.plan(text, 'xen', mode='trial', fallback='xen')


def test_trial_without_an_entry_to_come_back_to_is_refused():
    text = 'default 0\ntitle Xen\nkernel /boot/xen.gz\nmodule /boot/vmlinuz\n'
    with pytest.raises(gl.GrubLegacyError, match='needs an entry without Xen'):
        gl.plan(text, 'xen', mode='trial')


def test_trial_needs_a_xen_entry_and_a_known_mode():
    with pytest.raises(gl.GrubLegacyError, match='does not boot Xen'):
        gl.plan(fixture('rhel5_grub.conf'), '0', mode='trial')
    with pytest.raises(gl.GrubLegacyError, match='mode must be'):
        gl.plan(fixture('rhel5_grub.conf'), 'xen', mode='once')


def test_debian_stanza_trial_keeps_blank_separator_style_and_tab_template_line():
    text = fixture('debian12_static_xen_menu.lst')
    config = gl.parse(text)
    xen = [e for e in config.entries if e.xen][0]
    result = gl.plan(text, 'xen', mode='trial', saved_index=None)
    assert gl.parse(result['text']).entries[xen.index].savedefault_lines
    assert 'default saved' in result['text'] or 'default\t\tsaved' in result['text']
    assert gl.plan(result['text'], 'xen', mode='trial', saved_index=xen.index)['text'] == result['text']


def test_dom0_args_merge_into_the_first_module_line_only():
    text = fixture('rhel5_grub.conf')
    result = gl.plan(text, 'xen', dom0_args=['panic=5'])
    result = gl.plan(result['text'], 'xen', dom0_args=['panic=10'])
    assert '\tmodule /vmlinuz-2.6.18-398.el5xen ro root=/dev/VolGroup00/LogVol00 rhgb quiet panic=10\n' in result['text']
    assert '\tmodule /initrd-2.6.18-398.el5xen.img\n' in result['text']


def test_entries_report_the_initrd():
    entry = gl.parse(fixture('rhel5_grub.conf')).entries[0].as_dict()
    assert entry['initrd'] == '/initrd-2.6.18-398.el5.img'


def test_loaded_files_resolve_grub_paths_on_a_separate_and_a_root_boot_file_system():
    rhel = gl.MenuConfig(fixture('rhel5_grub.conf')).entries
    # RHEL 5: /boot is its own file system, so GRUB's /xen.gz-... is /boot/xen.gz-...; options are not files.
    assert gl.loaded_files(rhel[1], '/boot') == ['/boot/xen.gz-2.6.18-398.el5', '/boot/vmlinuz-2.6.18-398.el5xen',
                                                 '/boot/initrd-2.6.18-398.el5xen.img']
    assert gl.loaded_files(rhel[0], '/boot/') == ['/boot/vmlinuz-2.6.18-398.el5', '/boot/initrd-2.6.18-398.el5.img']
    # A device prefix and kernel flags are not part of the path; a path already under boot_dir is kept.
    menu = ('title A\nkernel --no-mem-option (hd0,1)/boot/xen.gz dom0_mem=512M\nmodule /boot/vmlinuz ro\n'
            'module (hd0,1)/boot/initrd.img\ntitle B\nroot (hd0,0)\n')
    entries = gl.MenuConfig(menu).entries
    assert gl.loaded_files(entries[0], '/boot') == ['/boot/xen.gz', '/boot/vmlinuz', '/boot/initrd.img']
    assert gl.loaded_files(entries[0], '/srv/root') == ['/srv/root/boot/xen.gz', '/srv/root/boot/vmlinuz',
                                                        '/srv/root/boot/initrd.img']
    assert gl.loaded_files(entries[1], '/boot') == []


def test_missing_files_of_the_named_entries_only():
    entries = gl.MenuConfig(fixture('rhel5_grub.conf')).entries
    present = {'/boot/xen.gz-2.6.18-398.el5', '/boot/vmlinuz-2.6.18-398.el5xen', '/boot/initrd-2.6.18-398.el5xen.img',
               '/boot/vmlinuz-2.6.18-398.el5'}
    assert gl.missing_files(entries, [1], '/boot', present.__contains__) == []
    assert gl.missing_files(entries, [1, 0], '/boot', present.__contains__) == ['/boot/initrd-2.6.18-398.el5.img']
    # Entry 2's files are all absent, but it is not asked about.
    assert gl.missing_files(entries, [0, 1], '/boot', lambda path: False) == [
        '/boot/vmlinuz-2.6.18-398.el5', '/boot/initrd-2.6.18-398.el5.img', '/boot/xen.gz-2.6.18-398.el5',
        '/boot/vmlinuz-2.6.18-398.el5xen', '/boot/initrd-2.6.18-398.el5xen.img']


def test_unloadable_refusal_names_the_entries_and_files_or_is_none():
    entries = gl.MenuConfig(fixture('rhel5_grub.conf')).entries
    assert gl.unloadable_refusal([], entries[1], entries[0]) is None
    alone = gl.unloadable_refusal(['/boot/xen.gz-2.6.18-398.el5'], entries[1])
    assert alone.startswith('not changed: after this change entry 1 ("Red Hat Enterprise Linux Server '
                            '(2.6.18-398.el5xen)") would name files that are not there: /boot/xen.gz-2.6.18-398.el5.')
    trial = gl.unloadable_refusal(['/boot/initrd-2.6.18-398.el5.img', '/boot/vmlinuz-2.6.18-398.el5'],
                                  entries[1], entries[0])
    assert ('and the entry the trial comes back to, 0 ("Red Hat Enterprise Linux Server (2.6.18-398.el5)"), would '
            'name files that are not there: /boot/initrd-2.6.18-398.el5.img, /boot/vmlinuz-2.6.18-398.el5.') in trial


# --- set_block: the role's own Xen stanza between marker lines ---
BEGIN, END = gl.block_markers(gl.STANZA_MARKER)
ENTRY = 'title\tXen\nkernel\t/boot/xen.gz\nmodule\t/boot/vmlinuz-6.1.0-28-amd64\n'


def test_set_block_goes_before_the_automagic_list_then_replaces_only_its_lines():
    menu = 'default 0\ntimeout 5\n\n### BEGIN AUTOMAGIC KERNELS LIST\ntitle\tDebian\nkernel\t/boot/vmlinuz\n'
    once = gl.set_block(menu, ENTRY, gl.STANZA_MARKER)
    assert once == ('default 0\ntimeout 5\n\n%s\n%s%s\n### BEGIN AUTOMAGIC KERNELS LIST\ntitle\tDebian\n'
                    'kernel\t/boot/vmlinuz\n' % (BEGIN, ENTRY, END))
    assert gl.set_block(once, ENTRY, gl.STANZA_MARKER) == once
    assert [e.title for e in gl.parse(once).entries] == ['Xen', 'Debian']
    other = gl.set_block(once, ENTRY.replace('xen.gz', 'xen-4.17-amd64.gz'), gl.STANZA_MARKER)
    assert other == once.replace('xen.gz', 'xen-4.17-amd64.gz')


def test_set_block_without_an_automagic_list_goes_at_the_end_and_keeps_line_endings():
    assert gl.set_block('default 0\ntitle\tA', ENTRY, 'm') == 'default 0\ntitle\tA\n# BEGIN m\n%s# END m\n' % ENTRY
    crlf = gl.set_block('default 0\r\ntitle\tA\r\n', ENTRY, 'm')
    assert crlf == 'default 0\r\ntitle\tA\r\n# BEGIN m\r\n%s# END m\r\n' % ENTRY.replace('\n', '\r\n')
    assert gl.set_block('', ENTRY, 'm') == '# BEGIN m\n%s# END m\n' % ENTRY


@pytest.mark.parametrize('menu, found', [
    ('# BEGIN m\ntitle\tX\n', 'BEGIN 1 and END 0'),
    ('title\tX\n# END m\n', 'BEGIN 0 and END 1'),
    ('# END m\ntitle\tX\n# BEGIN m\n', 'BEGIN 1 and END 1'),
    ('# BEGIN m\n# END m\n# BEGIN m\n# END m\n', 'BEGIN 2 and END 2'),
])
def test_set_block_refuses_a_block_cut_or_doubled_by_hand(menu, found):
    with pytest.raises(gl.GrubLegacyError, match=found):
        gl.set_block(menu, ENTRY, 'm')


def test_set_block_refuses_an_empty_block():
    with pytest.raises(gl.GrubLegacyError, match='empty'):
        gl.set_block('default 0\n', ' \n', 'm')


def test_set_block_splits_on_newlines_only_and_refuses_a_marker_with_a_line_break():
    odd = 'title\tXen \x0c form feed\nkernel\t/boot/xen.gz\r\n'
    assert gl.set_block('default 0\n', odd, 'm') == 'default 0\n# BEGIN m\ntitle\tXen \x0c form feed\nkernel\t/boot/xen.gz\n# END m\n'
    with pytest.raises(gl.GrubLegacyError, match='one line'):
        gl.set_block('default 0\n', ENTRY, 'm\n# END m')


def test_block_of_reads_what_set_block_wrote_and_nothing_from_a_cut_block():
    written = gl.set_block('default 0\n', ENTRY, 'm')
    assert gl.block_of(written, 'm') == ENTRY.splitlines()
    assert gl.block_of('default 0\n', 'm') is None
    assert gl.block_of('# END m\n# BEGIN m\n', 'm') is None
