# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""config_lines: the same text as a loop of ansible.builtin.lineinfile tasks, in one call; its safety and modes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest

from ansible.modules import lineinfile
from ansible_collections.xenhost.dom0.plugins.modules import config_lines

INSERT_BEFORE = r'^if \[ "\$XEN_OVERRIDE_GRUB_DEFAULT" = "" \]'

# Modelled on Debian 12's /etc/default/grub.d/xen.cfg (xen-hypervisor-common), shortened.
DEBIAN_XEN_CFG = u'''#
# Uncomment the following variable and set to 0 or 1 to avoid warning.
#
#XEN_OVERRIDE_GRUB_DEFAULT=0

echo "Including Xen overrides from /etc/default/grub.d/xen.cfg"

# The following two are used to generate arguments for the hypervisor:
#GRUB_CMDLINE_XEN_DEFAULT=""
#GRUB_CMDLINE_XEN=""

if [ "$XEN_OVERRIDE_GRUB_DEFAULT" = "" ]; then
        echo "WARNING: GRUB_DEFAULT changed to boot into Xen by default!"
        XEN_OVERRIDE_GRUB_DEFAULT=1
fi
if [ "$XEN_OVERRIDE_GRUB_DEFAULT" = "1" ]; then
        GRUB_DEFAULT="Debian GNU/Linux, with Xen hypervisor"
fi
'''

# What xen_bootloader sets there (the four lines of its loop before config_lines).
XEN_LINES = [
    {'regexp': '^#?XEN_OVERRIDE_GRUB_DEFAULT=', 'line': 'XEN_OVERRIDE_GRUB_DEFAULT=0'},
    {'regexp': '^#?GRUB_CMDLINE_XEN_DEFAULT=', 'line': 'GRUB_CMDLINE_XEN_DEFAULT="dom0_mem=1024M,max:1024M"'},
    {'regexp': r'^# xenhost\.dom0 manages these hypervisor options:', 'line': '# xenhost.dom0 manages these hypervisor options: dom0_mem'},
    {'regexp': '^GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=', 'line': None},
]

CASES = {
    'debian xen.cfg, first run': (DEBIAN_XEN_CFG, XEN_LINES, INSERT_BEFORE),
    'debian xen.cfg, lines already set': (
        DEBIAN_XEN_CFG.replace('#XEN_OVERRIDE_GRUB_DEFAULT=0', 'XEN_OVERRIDE_GRUB_DEFAULT=0'), XEN_LINES, INSERT_BEFORE),
    'a line to remove, several matches, the last one replaced': (
        u'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="x"\nA=1\n#A=2\nB=1\nGRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="y"\n',
        [{'regexp': '^#?A=', 'line': 'A=3'}, {'regexp': '^GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT=', 'line': None}],
        None),
    'no newline at the end, appended': (u'A=1', [{'regexp': '^B=', 'line': 'B=2'}], None),
    'exact line kept when the regexp misses it': (u'X=1\n', [{'regexp': '^Y=', 'line': 'X=1'}], None),
    'insertbefore matching twice: before the last': (
        u'if a\nfi\nif a\nfi\n', [{'regexp': '^K=', 'line': 'K=v'}], '^if a'),
    'insertbefore matching nothing: at the end': (u'one\n', [{'regexp': '^K=', 'line': 'K=v'}], '^nothing'),
    'empty file': (u'', [{'regexp': '^K=', 'line': 'K=v'}, {'regexp': '^L=', 'line': 'L=w'}], None),
    'xendomains settings': (
        u'XENDOMAINS_SAVE=/var/lib/xen/save\n#XENDOMAINS_RESTORE=true\n',
        [{'regexp': '^#?XENDOMAINS_SAVE=', 'line': 'XENDOMAINS_SAVE=""'},
         {'regexp': '^#?XENDOMAINS_RESTORE=', 'line': 'XENDOMAINS_RESTORE=false'}], None),
    'line added then removed by a later item': (
        u'A=1\n', [{'regexp': '^B=', 'line': 'B=2'}, {'regexp': '^B=', 'line': None}], None),
    # sh and lineinfile split at newlines only: a form feed or U+2028 inside a line keeps it one line, added once.
    'a form feed inside the line': (u'A=1\n', [{'regexp': '^# see', 'line': u'# see\x0cecho INJECTED'}], None),
    'U+2028 inside a line already there': (
        u'# see\u2028echo x\nA=1\n', [{'regexp': '^# see', 'line': u'# see\u2028echo x'}], None),
}


def _lineinfile_loop(run_module, path, lines, insertbefore):
    """What a loop of lineinfile tasks leaves in the file (the role's tasks before config_lines)."""
    for item in lines:
        args = dict(path=path, regexp=item['regexp'])
        if item['line']:
            args.update(line=item['line'], state='present')
            if insertbefore:
                args['insertbefore'] = insertbefore
        else:
            args['state'] = 'absent'
        result = run_module(lineinfile, **args)
        assert not result.get('failed'), result
    with open(path) as handle:
        return handle.read()


@pytest.mark.parametrize('name', sorted(CASES))
def test_same_text_as_a_lineinfile_loop(run_module, tmp_path, name):
    text, lines, insertbefore = CASES[name]
    reference, ours = tmp_path / 'reference', tmp_path / 'ours'
    reference.write_text(text)
    ours.write_text(text)
    expected = _lineinfile_loop(run_module, str(reference), lines, insertbefore)
    args = dict(path=str(ours), lines=lines)
    if insertbefore:
        args['insertbefore'] = insertbefore
    result = run_module(config_lines, **args)
    assert ours.read_text() == expected
    assert result['changed'] is (expected != text)
    assert run_module(config_lines, **args)['changed'] is False  # a second run changes nothing


def test_debian_xen_cfg_result(run_module, tmp_path):
    cfg = tmp_path / 'xen.cfg'
    cfg.write_text(DEBIAN_XEN_CFG)
    result = run_module(config_lines, path=str(cfg), lines=XEN_LINES, insertbefore=INSERT_BEFORE)
    text = cfg.read_text()
    assert 'XEN_OVERRIDE_GRUB_DEFAULT=0\n' in text.splitlines(True)
    assert text.index('# xenhost.dom0 manages') < text.index('if [ "$XEN_OVERRIDE_GRUB_DEFAULT" = "" ]')
    assert result['changed_lines'] == [item['regexp'] for item in XEN_LINES[:3]]


def test_check_mode_and_diff_change_nothing(run_module, tmp_path):
    cfg = tmp_path / 'xendomains'
    cfg.write_text(u'XENDOMAINS_SAVE=/var/lib/xen/save\n')
    result = run_module(config_lines, path=str(cfg), lines=[{'regexp': '^XENDOMAINS_SAVE=', 'line': 'XENDOMAINS_SAVE=""'}],
                        _ansible_check_mode=True, _ansible_diff=True)
    assert result['changed'] is True
    assert result['diff']['after'] == u'XENDOMAINS_SAVE=""\n'
    assert cfg.read_text() == u'XENDOMAINS_SAVE=/var/lib/xen/save\n'
    assert os.listdir(str(tmp_path)) == ['xendomains']


def test_mode_kept_backup_made_other_bytes_kept(run_module, tmp_path):
    cfg = tmp_path / 'xl.conf'
    cfg.write_bytes(b'# caf\xe9 not utf-8\n#autoballoon="auto"\n')
    os.chmod(str(cfg), 0o640)
    result = run_module(config_lines, path=str(cfg), lines=[{'regexp': '^#?autoballoon=', 'line': 'autoballoon="off"'}],
                        backup=True)
    assert cfg.read_bytes() == b'# caf\xe9 not utf-8\nautoballoon="off"\n'
    assert stat.S_IMODE(os.stat(str(cfg)).st_mode) == 0o640
    with open(result['backup_file'], 'rb') as handle:
        assert handle.read() == b'# caf\xe9 not utf-8\n#autoballoon="auto"\n'


@pytest.mark.parametrize('lines, message', [
    ([{'regexp': '^A=', 'line': 'A=1\ntouch /PWNED'}], 'line break'),
    ([{'regexp': '^(A=', 'line': 'A=1'}], 'does not compile'),
])
def test_refused_before_the_file_is_read(run_module, tmp_path, lines, message):
    cfg = tmp_path / 'cfg'
    cfg.write_text(u'A=0\n')
    result = run_module(config_lines, path=str(cfg), lines=lines)
    assert result['failed'] and message in result['msg']
    assert cfg.read_text() == u'A=0\n'


def test_missing_file_and_fifo_refused(run_module, tmp_path):
    assert 'does not exist' in run_module(config_lines, path=str(tmp_path / 'nope'), lines=[{'regexp': '^A='}])['msg']
    fifo = tmp_path / 'fifo'
    os.mkfifo(str(fifo))
    assert 'not a regular file' in run_module(config_lines, path=str(fifo), lines=[{'regexp': '^A='}])['msg']


AUTOBALLOON = [{'regexp': '^#?autoballoon=', 'line': 'autoballoon="off"'}]
XENDOMAINS = [{'regexp': '^#?XENDOMAINS_SAVE=', 'line': 'XENDOMAINS_SAVE=""'},
              {'regexp': '^#?XENDOMAINS_RESTORE=', 'line': 'XENDOMAINS_RESTORE=false'}]


def _two_files(tmp_path):
    xl_conf, xendomains = tmp_path / 'xl.conf', tmp_path / 'xendomains'
    xl_conf.write_text(u'#autoballoon="auto"\n')
    xendomains.write_text(u'XENDOMAINS_SAVE=/var/lib/xen/save\nXENDOMAINS_RESTORE=false\n')
    return xl_conf, xendomains


def test_files_set_each_files_lines_in_one_call(run_module, tmp_path):
    xl_conf, xendomains = _two_files(tmp_path)
    files = [{'path': str(xl_conf), 'lines': AUTOBALLOON}, {'path': str(xendomains), 'lines': XENDOMAINS}]
    result = run_module(config_lines, files=files, backup=True, _ansible_diff=True)
    assert result['changed'] is True
    assert xl_conf.read_text() == u'autoballoon="off"\n'
    assert xendomains.read_text() == u'XENDOMAINS_SAVE=""\nXENDOMAINS_RESTORE=false\n'
    assert [(f['path'], f['changed_lines']) for f in result['files']] == [
        (str(xl_conf), ['^#?autoballoon=']), (str(xendomains), ['^#?XENDOMAINS_SAVE='])]
    assert all(os.path.exists(f['backup_file']) for f in result['files'])
    assert [d['after_header'] for d in result['diff']] == [str(xl_conf), str(xendomains)]
    # The same as one call per file would have done; a second call changes nothing and shows no diff.
    result = run_module(config_lines, files=files, _ansible_diff=True)
    assert (result['changed'], result['diff']) == (False, [])
    assert [f['changed_lines'] for f in result['files']] == [[], []]


def test_files_only_the_changed_file_is_written_and_diffed(run_module, tmp_path):
    xl_conf, xendomains = _two_files(tmp_path)
    xl_conf.write_text(u'autoballoon="off"\n')
    before = os.stat(str(xl_conf)).st_ino
    result = run_module(config_lines, files=[{'path': str(xl_conf), 'lines': AUTOBALLOON},
                                             {'path': str(xendomains), 'lines': XENDOMAINS}], _ansible_diff=True)
    assert result['changed'] is True and [d['after_header'] for d in result['diff']] == [str(xendomains)]
    assert os.stat(str(xl_conf)).st_ino == before          # not rewritten


def test_files_in_check_mode_write_nothing(run_module, tmp_path):
    xl_conf, xendomains = _two_files(tmp_path)
    result = run_module(config_lines, files=[{'path': str(xl_conf), 'lines': AUTOBALLOON},
                                             {'path': str(xendomains), 'lines': XENDOMAINS}], _ansible_check_mode=True)
    assert result['changed'] is True
    assert xl_conf.read_text() == u'#autoballoon="auto"\n'
    assert xendomains.read_text() == u'XENDOMAINS_SAVE=/var/lib/xen/save\nXENDOMAINS_RESTORE=false\n'


@pytest.mark.parametrize('second, message', [
    ({'path': 'nope', 'lines': XENDOMAINS}, 'does not exist'),
    ({'path': 'xendomains', 'lines': [{'regexp': '^A=', 'line': 'A=1\ntouch /PWNED'}]}, 'files[1].lines: the line'),
    ({'path': 'xendomains', 'lines': XENDOMAINS, 'insertbefore': '^(x'}, 'files[1].insertbefore'),
])
def test_files_nothing_written_when_a_later_file_is_refused(run_module, tmp_path, second, message):
    xl_conf, xendomains = _two_files(tmp_path)
    second = dict(second, path=str(tmp_path / second['path']))
    result = run_module(config_lines, files=[{'path': str(xl_conf), 'lines': AUTOBALLOON}, second])
    assert result['failed'] and message in result['msg']
    assert xl_conf.read_text() == u'#autoballoon="auto"\n'


def test_files_and_path_exclude_each_other(run_module, tmp_path):
    xl_conf, dummy = _two_files(tmp_path)
    result = run_module(config_lines, path=str(xl_conf), lines=AUTOBALLOON,
                        files=[{'path': str(xl_conf), 'lines': AUTOBALLOON}])
    assert result['failed'] and 'mutually exclusive' in result['msg']
    assert 'one of the following is required' in run_module(config_lines, backup=True)['msg']
    assert xl_conf.read_text() == u'#autoballoon="auto"\n'


# xen_toolstack leaves its config_lines call out where xen_preflight's xen_facts reading of the files, through the
# config_lines_changes filter, says no file would change: the filter and the module must agree on every case.
@pytest.mark.parametrize('name', sorted(CASES))
@pytest.mark.parametrize('second_state', ['converged', 'edited', 'link'])
def test_the_planned_filter_on_xen_facts_reading_agrees_with_the_module(run_module, tmp_path, name, second_state):
    from ansible_collections.xenhost.dom0.plugins.filter.planned import config_lines_changes
    from ansible_collections.xenhost.dom0.plugins.modules import xen_facts
    text, lines, insertbefore = CASES[name]
    first, second = tmp_path / 'first', tmp_path / 'second'
    first.write_text(text)
    second.write_text(u'XENDOMAINS_SAVE=""\n')
    files = [dict(path=str(first), lines=lines, insertbefore=insertbefore),
             dict(path=str(second), lines=[{'regexp': '^#?XENDOMAINS_SAVE=', 'line': 'XENDOMAINS_SAVE=""'}],
                  insertbefore=None)]
    if second_state == 'converged':
        run_module(config_lines, files=files)
    elif second_state == 'edited':
        second.write_text(u'XENDOMAINS_SAVE=/var/lib/xen/save\n')
    else:
        (tmp_path / 'target').write_text(u'XENDOMAINS_SAVE=""\n')
        second.unlink()
        second.symlink_to(tmp_path / 'target')
    reading = run_module(xen_facts, files=[str(first), str(second)])['files']
    planned = config_lines_changes(reading, files)
    module = run_module(config_lines, _ansible_check_mode=True, files=files)
    assert planned is not None
    assert bool(planned) is module['changed']
    # The module, run for real, rewrites exactly the files the filter named.
    before = dict((f['path'], open(f['path']).read()) for f in files)
    assert run_module(config_lines, files=files)['changed'] is bool(planned)
    assert sorted(planned) == sorted(path for path, text in before.items() if open(path).read() != text)


def test_the_planned_filter_cannot_tell_about_a_missing_file(run_module, tmp_path):
    from ansible_collections.xenhost.dom0.plugins.filter.planned import config_lines_changes
    from ansible_collections.xenhost.dom0.plugins.modules import xen_facts
    files = [dict(path=str(tmp_path / 'none'), lines=[{'regexp': '^A=', 'line': 'A=1'}])]
    reading = run_module(xen_facts, files=[str(tmp_path / 'none')])['files']
    assert reading[str(tmp_path / 'none')]['exists'] is False
    assert config_lines_changes(reading, files) is None
    assert run_module(config_lines, files=files)['failed'] is True
