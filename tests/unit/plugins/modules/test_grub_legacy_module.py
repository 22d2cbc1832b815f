# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""grub_legacy main() against real files in tmp_path: check/diff mode, symlinks, mode, owner, backup, idempotence."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import stat

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils.grub_legacy import STANZA_MARKER
from ansible_collections.xenhost.dom0.plugins.modules import grub_legacy

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'grub')
# For the tests of how the module writes (mode, owner, backups, the default file): the kernels and hypervisors their
# menus name are not on this machine, and a real run refuses a default GRUB could not load
# (test_a_change_to_an_entry_that_cannot_load_is_refused_before_anything_is_written).
WRITES = dict(require_files=False)


def read(path):
    with open(path, 'rb') as handle:
        return handle.read()


@pytest.fixture
def rhel5(tmp_path):
    """RHEL/CentOS 5 layout: /boot/grub/grub.conf (0600) with menu.lst and /etc/grub.conf symlinked to it."""
    grub = tmp_path / 'boot' / 'grub'
    grub.mkdir(parents=True)
    (tmp_path / 'etc').mkdir()
    conf = grub / 'grub.conf'
    shutil.copy(os.path.join(FIXTURES, 'rhel5_grub.conf'), str(conf))
    os.chmod(str(conf), 0o600)
    os.symlink('./grub.conf', str(grub / 'menu.lst'))
    os.symlink('../boot/grub/grub.conf', str(tmp_path / 'etc' / 'grub.conf'))
    return tmp_path


def test_check_mode_reports_diff_and_writes_nothing(run_module, rhel5):
    conf = rhel5 / 'boot' / 'grub' / 'grub.conf'
    before = read(str(conf))
    result = run_module(grub_legacy, path=str(rhel5 / 'etc' / 'grub.conf'), default='xen', _ansible_check_mode=True, _ansible_diff=True)
    assert result['changed'] is True
    assert result['path'] == str(conf)
    assert result['default_index'] == 1 and result['previous_default'] == 0
    assert result['default_title'] == 'Red Hat Enterprise Linux Server (2.6.18-398.el5xen)'
    assert 'default=1' in result['diff'][0]['after'] and 'default=0' in result['diff'][0]['before']
    assert 'backup_file' not in result
    assert read(str(conf)) == before


def test_symlink_followed_mode_owner_kept_backup_made_and_second_run_unchanged(run_module, rhel5):
    # Only the owner part needs root (to give the file another owner); everything else runs as any user.
    as_root = os.geteuid() == 0
    grub = rhel5 / 'boot' / 'grub'
    conf = grub / 'grub.conf'
    owner = (4321, 4322) if as_root else (os.getuid(), os.getgid())
    if as_root:
        os.chown(str(conf), *owner)
    before = read(str(conf))
    result = run_module(grub_legacy, **WRITES, path=str(grub / 'menu.lst'), default='xen', xen_args='dom0_mem=1024M,max:1024M', backup=True)
    assert result['changed'] is True
    # links still links, target rewritten
    assert os.path.islink(str(grub / 'menu.lst')) and os.path.islink(str(rhel5 / 'etc' / 'grub.conf'))
    st = os.stat(str(conf))
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert (st.st_uid, st.st_gid) == owner
    after = read(str(conf)).decode()
    assert 'default=1\n' in after
    assert 'kernel /xen.gz-2.6.18-398.el5 dom0_mem=1024M,max:1024M\n' in after
    # only those two lines differ
    diff = [(a, b) for a, b in zip(before.decode().split('\n'), after.split('\n')) if a != b]
    assert len(diff) == 2
    backup = result['backup_file']
    assert os.path.dirname(backup) == str(grub) and read(backup) == before
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    # no temporary files left behind
    assert sorted(os.listdir(str(grub))) == sorted(['grub.conf', 'menu.lst', os.path.basename(backup)])
    again = run_module(grub_legacy, **WRITES, path=str(grub / 'menu.lst'), default='xen', xen_args='dom0_mem=1024M,max:1024M', backup=True)
    assert again['changed'] is False and 'backup_file' not in again
    assert read(str(conf)).decode() == after


def test_default_path_lookup_is_absolute_so_explicit_path_is_required_here(run_module, tmp_path):
    result = run_module(grub_legacy, path=str(tmp_path / 'missing.lst'))
    assert result['failed'] is True and 'not a regular file' in result['msg']


def test_missing_report_says_there_is_no_menu_and_reads_one_that_is_there(run_module, tmp_path):
    result = run_module(grub_legacy, path=str(tmp_path / 'menu.lst'), default='0', missing='report')
    assert result == dict(result, changed=False, exists=False, path=str(tmp_path / 'menu.lst'), entries=[])
    assert 'failed' not in result and os.listdir(str(tmp_path)) == []
    # A link to nothing is a menu someone set up: read as ever, so it fails naming the path.
    os.symlink('gone.lst', str(tmp_path / 'menu.lst'))
    result = run_module(grub_legacy, path=str(tmp_path / 'menu.lst'), default='0', missing='report')
    assert result['failed'] is True and 'not a regular file' in result['msg']
    os.remove(str(tmp_path / 'menu.lst'))
    shutil.copy(os.path.join(FIXTURES, 'debian12_menu.lst'), str(tmp_path / 'menu.lst'))
    result = run_module(grub_legacy, path=str(tmp_path / 'menu.lst'), default='0', missing='report', _ansible_check_mode=True)
    assert result['exists'] is True and result['changed'] is False
    assert [e['automagic'] for e in result['entries']] == [True, True, True, True]


def test_no_xen_entry_fails_and_changes_nothing(run_module, tmp_path):
    menu = tmp_path / 'menu.lst'
    shutil.copy(os.path.join(FIXTURES, 'debian12_menu.lst'), str(menu))
    before = read(str(menu))
    result = run_module(grub_legacy, path=str(menu), default='xen', backup=True)
    assert result['failed'] is True
    assert 'no Xen entry' in result['msg'] and 'Debian GNU/Linux, kernel 6.1.0-27-amd64' in result['msg']
    assert read(str(menu)) == before
    assert os.listdir(str(tmp_path)) == ['menu.lst']


def test_unparseable_file_fails(run_module, tmp_path):
    menu = tmp_path / 'menu.lst'
    shutil.copy(os.path.join(FIXTURES, 'bad_default.lst'), str(menu))
    result = run_module(grub_legacy, path=str(menu))
    assert result['failed'] is True and 'default foo' in result['msg']


def test_default_saved_writes_the_default_file_like_grub_set_default(run_module, tmp_path):
    menu = tmp_path / 'menu.lst'
    shutil.copy(os.path.join(FIXTURES, 'debian7_xen_saved_menu.lst'), str(menu))
    default_file = tmp_path / 'default'
    shutil.copy(os.path.join(FIXTURES, 'default_after_savedefault'), str(default_file))
    menu_before = read(str(menu))
    check = run_module(grub_legacy, path=str(menu), default='xen', _ansible_check_mode=True, _ansible_diff=True)
    assert check['changed'] is True and check['previous_default'] == 1
    assert check['diff'][0]['before_header'] == str(default_file)
    assert read(str(default_file)) == read(os.path.join(FIXTURES, 'default_after_savedefault'))
    result = run_module(grub_legacy, **WRITES, path=str(menu), default='xen', backup=True)
    assert result['changed'] is True and result['default_index'] == 0
    assert result['default_file'] == str(default_file)
    assert read(str(menu)) == menu_before
    assert read(str(default_file)).decode() == '0\n' + '#\n' * 10 + (
        "# WARNING: If you want to edit this file directly, do not remove any line\n"
        "# from this file, including this warning. Using `grub-set-default' is\n"
        "# strongly recommended.\n")
    assert read(result['backup_file']) == read(os.path.join(FIXTURES, 'default_after_savedefault'))
    assert read(result['default_backup_file']) == read(os.path.join(FIXTURES, 'default_after_savedefault'))
    assert run_module(grub_legacy, **WRITES, path=str(menu), default='xen')['changed'] is False


def test_menu_and_default_file_both_changed_keep_both_backups(run_module, tmp_path):
    menu = tmp_path / 'menu.lst'
    shutil.copy(os.path.join(FIXTURES, 'debian7_xen_saved_menu.lst'), str(menu))
    default_file = tmp_path / 'default'
    shutil.copy(os.path.join(FIXTURES, 'default_after_savedefault'), str(default_file))
    menu_before, default_before = read(str(menu)), read(str(default_file))
    result = run_module(grub_legacy, **WRITES, path=str(menu), default='xen', xen_args='dom0_mem=1024M,max:1024M', backup=True)
    assert result['changed'] is True
    assert read(str(menu)) != menu_before and read(str(default_file)) != default_before
    assert read(result['backup_file']) == menu_before
    assert read(result['default_backup_file']) == default_before


def test_entries_returned(run_module, tmp_path):
    menu = tmp_path / 'menu.lst'
    shutil.copy(os.path.join(FIXTURES, 'sles11_menu.lst'), str(menu))
    result = run_module(grub_legacy, path=str(menu), default='xen', _ansible_check_mode=True)
    assert [(e['index'], e['xen']) for e in result['entries']] == [(0, False), (1, True), (2, False)]
    assert result['entries'][1]['kernel'] == '/boot/xen.gz'
    assert result['entries'][1]['title'] == 'Xen -- SUSE Linux Enterprise Server 11 SP4 - 3.0.101-63'


# --- files that cannot be read or written: a clean failure naming the file, nothing changed -------

import signal
import tempfile


@pytest.fixture
def saved_menu(tmp_path):
    """Debian 7 layout: menu.lst says "default saved", the default file beside it."""
    grub = tmp_path / 'boot' / 'grub'
    grub.mkdir(parents=True)
    shutil.copy(os.path.join(FIXTURES, 'debian7_xen_saved_menu.lst'), str(grub / 'menu.lst'))
    shutil.copy(os.path.join(FIXTURES, 'debian7_default'), str(grub / 'default'))
    return grub


@pytest.mark.parametrize('make', [
    pytest.param(os.mkdir, id='directory'),
    pytest.param(os.mkfifo, id='fifo'),
    pytest.param(lambda p: os.symlink('/dev/zero', p), id='link-to-dev-zero'),
    pytest.param(lambda p: open(p, 'wb').truncate(10 * 1024 ** 3), id='10GiB'),
    pytest.param(lambda p: os.symlink('default', p), id='link-loop'),
])
def test_unreadable_default_file_fails_naming_it(make, saved_menu, run_module):
    default = str(saved_menu / 'default')
    os.unlink(default)
    make(default)
    before = read(str(saved_menu / 'menu.lst'))
    signal.alarm(10)  # a FIFO must not block the module
    try:
        result = run_module(grub_legacy, path=str(saved_menu / 'menu.lst'), default='xen')
    finally:
        signal.alarm(0)
    assert result['failed'] is True
    assert 'default' in result['msg'] and 'cannot read the GRUB default file' in result['msg']
    assert read(str(saved_menu / 'menu.lst')) == before


def test_unreadable_default_file_is_ignored_when_the_menu_does_not_use_it(tmp_path, run_module):
    grub = tmp_path / 'grub'
    grub.mkdir()
    shutil.copy(os.path.join(FIXTURES, 'rhel5_grub.conf'), str(grub / 'grub.conf'))
    os.mkfifo(str(grub / 'default'))
    result = run_module(grub_legacy, path=str(grub / 'grub.conf'), default='xen', _ansible_check_mode=True)
    assert not result.get('failed'), result


@pytest.mark.parametrize('content', [b'', b'\n', b' 1\n', b'junk\n'])
def test_empty_default_file_boots_0_and_is_rewritten_with_a_note(content, saved_menu, run_module):
    (saved_menu / 'default').write_bytes(content)
    result = run_module(grub_legacy, **WRITES, path=str(saved_menu / 'menu.lst'), default='xen')
    assert result['previous_default'] == 0
    assert any('boots entry 0' in note for note in result['notes'])
    assert read(str(saved_menu / 'default')).startswith(b'%d\n' % result['default_index'])


@pytest.mark.parametrize('error', [PermissionError(13, 'Permission denied'), OSError(28, 'No space left on device'),
                                   OSError(30, 'Read-only file system')])
def test_unwritable_directory_fails_naming_the_file(error, monkeypatch, rhel5, run_module):
    conf = rhel5 / 'boot' / 'grub' / 'grub.conf'
    before = read(str(conf))

    def refuse(*args, **kwargs):
        raise error
    monkeypatch.setattr(tempfile, 'mkstemp', refuse)
    result = run_module(grub_legacy, **WRITES, path=str(conf), default='xen')
    assert result['failed'] is True
    assert result['msg'].startswith('cannot write %s' % conf) and error.strerror in result['msg']
    assert read(str(conf)) == before


@pytest.mark.skipif(os.geteuid() == 0, reason='root writes into a read-only directory anyway')
def test_read_only_directory_for_real(rhel5, run_module):
    grub = rhel5 / 'boot' / 'grub'
    os.chmod(str(grub), 0o555)
    try:
        result = run_module(grub_legacy, **WRITES, path=str(grub / 'grub.conf'), default='xen')
    finally:
        os.chmod(str(grub), 0o755)
    assert result['failed'] is True and 'cannot write' in result['msg']


def test_unreadable_menu_fails_naming_it(tmp_path, run_module, monkeypatch):
    menu = tmp_path / 'menu.lst'
    shutil.copy(os.path.join(FIXTURES, 'rhel5_grub.conf'), str(menu))
    real_open = os.open

    def deny(path, *args, **kwargs):
        if str(path) == str(menu):
            raise PermissionError(13, 'Permission denied', str(path))
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, 'open', deny)
    result = run_module(grub_legacy, path=str(menu), default='xen')
    assert result['failed'] is True
    assert result['msg'].startswith('cannot read the GRUB menu %s' % menu)


@pytest.mark.parametrize('spec', ['', '   ', '\u0663', '\u00b3'])
def test_empty_or_non_ascii_default_fails_cleanly(spec, rhel5, run_module):
    result = run_module(grub_legacy, path=str(rhel5 / 'boot' / 'grub' / 'grub.conf'), default=spec)
    assert result['failed'] is True
    assert 'entries found' in result['msg']


def test_trial_writes_menu_and_a_whole_default_file_then_permanent(run_module, rhel5):
    grub = rhel5 / 'boot' / 'grub'
    conf = grub / 'grub.conf'
    result = run_module(grub_legacy, **WRITES, path=str(conf), default='xen', plan='trial', dom0_args=['panic=10'])
    assert result['changed'] is True and result['trial'] is True and result['plan'] == 'trial'
    assert result['fallback_index'] == 0
    assert result['fallback_title'] == 'Red Hat Enterprise Linux Server (2.6.18-398.el5)'
    assert result['default_file'] == str(grub / 'default')
    assert read(str(grub / 'default')).startswith(b'1\n#\n')
    assert os.stat(str(conf)).st_mode & 0o777 == 0o600
    assert b'\tsavedefault fallback\n' in read(str(conf))
    again = run_module(grub_legacy, **WRITES, path=str(conf), default='xen', plan='trial', dom0_args=['panic=10'])
    assert again['changed'] is False and again['fallback_index'] == 0
    # GRUB's savedefault wrote entry 0 in place of the first 10 bytes as it booted Xen.
    data = read(str(grub / 'default'))
    with open(str(grub / 'default'), 'wb') as handle:
        handle.write(b'0\x00' + b'\n' * 8 + data[10:])
    permanent = run_module(grub_legacy, **WRITES, path=str(conf), default='xen', plan='permanent', dom0_args=['panic=10'])
    assert permanent['changed'] is True and permanent['trial'] is False and permanent['fallback_index'] is None
    assert b'savedefault' not in read(str(conf))
    assert read(str(grub / 'default')).startswith(b'1\n#\n')
    final = run_module(grub_legacy, **WRITES, path=str(conf), default='xen', plan='permanent', dom0_args=['panic=10'])
    assert final['changed'] is False


def test_trial_in_check_mode_writes_nothing(run_module, rhel5):
    grub = rhel5 / 'boot' / 'grub'
    before = read(str(grub / 'grub.conf'))
    result = run_module(grub_legacy, path=str(grub / 'grub.conf'), default='xen', plan='trial',
                        _ansible_check_mode=True, _ansible_diff=True)
    assert result['changed'] is True and len(result['diff']) == 2
    assert read(str(grub / 'grub.conf')) == before and not os.path.exists(str(grub / 'default'))


# The files the RHEL 5 grub.conf's entries load, relative to its /boot.
RHEL5_BOOT_FILES = ('xen.gz-2.6.18-398.el5', 'vmlinuz-2.6.18-398.el5xen', 'initrd-2.6.18-398.el5xen.img',
                    'vmlinuz-2.6.18-398.el5', 'initrd-2.6.18-398.el5.img')


def _boot_files_but(rhel5, missing):
    """Write every file of RHEL5_BOOT_FILES into rhel5/boot except ``missing``; return that /boot."""
    boot = rhel5 / 'boot'
    for name in RHEL5_BOOT_FILES:
        if name != missing:
            (boot / name).write_text('x')
    return boot


def test_missing_files_of_the_default_and_of_a_trials_fallback(run_module, rhel5):
    boot = _boot_files_but(rhel5, 'initrd-2.6.18-398.el5.img')
    conf = boot / 'grub' / 'grub.conf'
    # Without a trial only the Xen default counts; the plain entry's missing initrd does not.
    result = run_module(grub_legacy, path=str(conf), default='xen', boot_dir=str(boot), _ansible_check_mode=True)
    assert result['missing_files'] == []
    # A trial falls back to entry 0, whose initrd is gone (checked in check mode too: it only reads).
    trial = run_module(grub_legacy, path=str(conf), default='xen', plan='trial', boot_dir=str(boot),
                       _ansible_check_mode=True)
    assert trial['fallback_index'] == 0
    assert trial['missing_files'] == [str(boot / 'initrd-2.6.18-398.el5.img')]
    # A directory where the hypervisor should be is not a file GRUB can load.
    os.unlink(str(boot / 'xen.gz-2.6.18-398.el5'))
    os.mkdir(str(boot / 'xen.gz-2.6.18-398.el5'))
    result = run_module(grub_legacy, path=str(conf), default='xen', boot_dir=str(boot), _ansible_check_mode=True)
    assert result['missing_files'] == [str(boot / 'xen.gz-2.6.18-398.el5')]


def test_a_change_to_an_entry_that_cannot_load_is_refused_before_anything_is_written(run_module, rhel5):
    boot = _boot_files_but(rhel5, 'xen.gz-2.6.18-398.el5')
    conf = boot / 'grub' / 'grub.conf'
    before = read(str(conf))
    args = dict(path=str(conf), default='xen', plan='trial', boot_dir=str(boot), backup=True)
    # Xen's image is not there: neither the menu nor the default file is written, no backup is made.
    refused = run_module(grub_legacy, **args)
    assert refused['failed'] is True
    assert refused['missing_files'] == [str(boot / 'xen.gz-2.6.18-398.el5')]
    assert 'not changed' in refused['msg'] and str(boot / 'xen.gz-2.6.18-398.el5') in refused['msg']
    assert read(str(conf)) == before and sorted(os.listdir(str(boot / 'grub'))) == ['grub.conf', 'menu.lst']
    # Check mode only reports them: a package transaction that did not run may install them.
    preview = run_module(grub_legacy, _ansible_check_mode=True, **args)
    assert preview.get('failed') is not True and preview['changed'] is True
    assert preview['missing_files'] == [str(boot / 'xen.gz-2.6.18-398.el5')]
    # The trial's way back counts as much as the Xen entry.
    (boot / 'xen.gz-2.6.18-398.el5').write_text('x')
    os.unlink(str(boot / 'initrd-2.6.18-398.el5.img'))
    refused = run_module(grub_legacy, **args)
    assert refused['failed'] is True and refused['missing_files'] == [str(boot / 'initrd-2.6.18-398.el5.img')]
    assert 'the entry the trial comes back to, 0' in refused['msg'] and read(str(conf)) == before
    # require_files=false writes anyway and reports them.
    written = run_module(grub_legacy, require_files=False, **args)
    assert written['changed'] is True and written['missing_files'] == [str(boot / 'initrd-2.6.18-398.el5.img')]
    assert read(str(conf)) != before
    # Nothing left to write: the missing file is reported, the run does not fail (the role's check says why).
    again = run_module(grub_legacy, **args)
    assert again.get('failed') is not True and again['changed'] is False
    assert again['missing_files'] == [str(boot / 'initrd-2.6.18-398.el5.img')]


@pytest.mark.parametrize('args', [dict(xen_args=['dom0_mem=1024M\\']), dict(dom0_args=['panic=10\\']),
                                  dict(xen_args='a;reboot'), dict(dom0_args='init=$(reboot)'), dict(xen_args=['x#y']),
                                  dict(dom0_args=['quiet', '"a b"']), dict(xen_args=['x=' + 'a' * 100])])
def test_arguments_grub_or_sh_would_read_otherwise_fail_and_change_nothing(run_module, rhel5, args):
    conf = rhel5 / 'boot' / 'grub' / 'grub.conf'
    before = read(str(conf))
    result = run_module(grub_legacy, **WRITES, path=str(conf), default='xen', plan='trial', **args)
    assert result['failed'] is True, result
    assert 'name[=value]' in result['msg'] or 'longer than 99' in result['msg'], result
    assert read(str(conf)) == before and not os.path.exists(str(rhel5 / 'boot' / 'grub' / 'default'))


def test_groot_comes_from_debians_default_options_block(run_module, rhel5, tmp_path):
    menu = tmp_path / 'debian-menu.lst'
    shutil.copy(os.path.join(FIXTURES, 'debian12_menu.lst'), str(menu))
    # The block's "## e.g. groot=(hd0,0)" example line is documentation, "# groot=(hd0,0)" the setting.
    result = run_module(grub_legacy, path=str(menu), default='0', _ansible_check_mode=True)
    assert result['groot'] == '(hd0,0)'
    menu.write_text(menu.read_text().replace('# groot=(hd0,0)', '# groot=(hd1,2)'))
    assert run_module(grub_legacy, path=str(menu), default='0', _ansible_check_mode=True)['groot'] == '(hd1,2)'
    # RHEL 5's grub.conf has no such block.
    conf = str(rhel5 / 'boot' / 'grub' / 'grub.conf')
    assert run_module(grub_legacy, path=conf, default='0', _ansible_check_mode=True)['groot'] is None


# --- stanza: the role's own Xen entry, written in the call that makes it the default ---
STANZA = ('title\t\tXen 4.17-amd64 / Debian GNU/Linux, kernel 6.1.0-28-amd64\n'
          'root\t\t(hd0,0)\n'
          'kernel\t\t/boot/xen-4.17-amd64.gz dom0_mem=1024M,max:1024M\n'
          'module\t\t/boot/vmlinuz-6.1.0-28-amd64 root=UUID=3f9a ro quiet\n'
          'module\t\t/boot/initrd.img-6.1.0-28-amd64\n')


def _blockinfile(run_module, path, block):
    """Ansible's own blockinfile with the marker the role used until 2026-12-02."""
    from ansible.modules import blockinfile
    return run_module(blockinfile, path=str(path), block=block, insertbefore='^### BEGIN AUTOMAGIC KERNELS LIST',
                      marker='# {mark} ' + STANZA_MARKER)


@pytest.mark.parametrize('plan', ['trial', 'permanent'])
def test_stanza_is_written_where_blockinfile_wrote_it_and_made_the_default(run_module, tmp_path, plan):
    ours, theirs = tmp_path / 'ours.lst', tmp_path / 'theirs.lst'
    for menu in (ours, theirs):
        shutil.copy(os.path.join(FIXTURES, 'debian12_menu.lst'), str(menu))
    result = run_module(grub_legacy, **WRITES, path=str(ours), stanza=dict(text=STANZA), default='xen', plan=plan,
                        boot_dir=str(tmp_path))
    assert result['changed'] is True and result['stanza_changed'] is True and result['default_index'] == 0, result
    assert result['default_title'] == 'Xen 4.17-amd64 / Debian GNU/Linux, kernel 6.1.0-28-amd64'
    # The same menu with the stanza written by blockinfile first, then the default set by the module as before.
    _blockinfile(run_module, theirs, STANZA)
    run_module(grub_legacy, **WRITES, path=str(theirs), default='xen', plan=plan, boot_dir=str(tmp_path))
    assert read(str(ours)) == read(str(theirs))
    # Again, on either: nothing to do (a block blockinfile wrote is taken over as it is).
    for menu in (ours, theirs):
        again = run_module(grub_legacy, **WRITES, path=str(menu), stanza=dict(text=STANZA), default='xen', plan=plan,
                           boot_dir=str(tmp_path))
        assert again['changed'] is False and again['stanza_changed'] is False, again


def test_stanza_in_check_mode_shows_the_whole_change_and_writes_nothing(run_module, tmp_path):
    menu = tmp_path / 'menu.lst'
    shutil.copy(os.path.join(FIXTURES, 'debian12_menu.lst'), str(menu))
    (tmp_path / 'default').write_text(u'0\n' + u'#\n' * 10)
    before = sorted(os.listdir(str(tmp_path))), read(str(menu))
    result = run_module(grub_legacy, path=str(menu), stanza=dict(text=STANZA), default='xen', plan='trial',
                        boot_dir=str(tmp_path), _ansible_check_mode=True, _ansible_diff=True)
    assert result['changed'] is True and result['trial'] is True and result['default_index'] == 0
    assert result['fallback_title'] == 'Debian GNU/Linux, kernel 6.1.0-28-amd64'
    assert STANZA.splitlines()[0] in result['diff'][0]['after'] and STANZA.splitlines()[0] not in result['diff'][0]['before']
    assert (sorted(os.listdir(str(tmp_path))), read(str(menu))) == before


def test_stanza_with_a_marker_line_cut_by_hand_fails_and_changes_nothing(run_module, tmp_path):
    menu = tmp_path / 'menu.lst'
    shutil.copy(os.path.join(FIXTURES, 'debian12_menu.lst'), str(menu))
    _blockinfile(run_module, menu, STANZA)
    cut = ''.join(line for line in read(str(menu)).decode().splitlines(True) if not line.startswith('# END '))
    menu.write_text(cut)
    result = run_module(grub_legacy, path=str(menu), stanza=dict(text=STANZA), default='xen', plan='trial',
                        boot_dir=str(tmp_path))
    assert result['failed'] is True and 'found BEGIN 1 and END 0' in result['msg'], result
    assert menu.read_text() == cut
