# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""xen_bootloader leaves its grub_legacy calls out where xen_preflight's xen_facts reading of the menu (its
grub_legacy_menu option), through the grub_legacy_answer filter, says the module would change nothing: the filter's
answer then stands for the module's, so the two must agree whole, on every kind of menu, and the filter must say None
wherever the reading cannot stand for the module's own."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil

import pytest

from ansible_collections.xenhost.dom0.plugins.filter.planned import grub_legacy_answer
from ansible_collections.xenhost.dom0.plugins.modules import grub_legacy, xen_facts

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'grub')
STANZA = ('title\t\tXen 4.17-amd64 / Debian GNU/Linux, kernel 6.1.0-28-amd64\n'
          'root\t\t(hd0,0)\n'
          'kernel\t\t/boot/xen-4.17-amd64.gz dom0_mem=1024M,max:1024M\n'
          'module\t\t/boot/vmlinuz-6.1.0-28-amd64 root=UUID=3f9a ro quiet\n'
          'module\t\t/boot/initrd.img-6.1.0-28-amd64\n')
BOOT_FILES = ('xen-4.17-amd64.gz', 'vmlinuz-6.1.0-28-amd64', 'initrd.img-6.1.0-28-amd64', 'vmlinuz-6.1.0-27-amd64',
              'initrd.img-6.1.0-27-amd64')
# AnsibleModule.exit_json adds the invocation, the path's stat (add_path_info) to a result with a 'path', and the
# module's notes as warnings: none of it is the module's answer.
ADDED = ('invocation', 'uid', 'gid', 'owner', 'group', 'mode', 'size', 'state', 'warnings', 'secontext')


@pytest.fixture
def debian(tmp_path):
    """Debian's grub-legacy layout under tmp_path: /boot/grub/menu.lst (the AUTOMAGIC block update-grub writes) and the
    kernels, initrds and hypervisor its entries and the Xen stanza load (paths under boot_dir=tmp_path)."""
    grub = tmp_path / 'boot' / 'grub'
    grub.mkdir(parents=True)
    shutil.copy(os.path.join(FIXTURES, 'debian12_menu.lst'), str(grub / 'menu.lst'))
    for name in BOOT_FILES:
        (tmp_path / 'boot' / name).write_text(u'x')
    return tmp_path


def _options(root, plan, **extra):
    options = dict(path=str(root / 'boot' / 'grub' / 'menu.lst'), stanza=dict(text=STANZA), default='xen', plan=plan,
                   xen_args='dom0_mem=1024M,max:1024M', dom0_args=['panic=10'], boot_dir=str(root))
    options.update(extra)
    return options


def _with(options, **changes):
    changed = dict(options)
    changed.update(changes)
    return changed


def _reading(run_module, options):
    result = run_module(xen_facts, grub_legacy_menu=dict(path=options['path'], boot_dir=options['boot_dir']))
    return result['grub_legacy_menu']


def _module(run_module, options, check_mode=True):
    result = run_module(grub_legacy, _ansible_check_mode=check_mode, **options)
    assert not result.get('failed'), result
    for key in ADDED:
        result.pop(key, None)
    return result


def _state(run_module, root, state):
    """Bring the menu under root into ``state``; return the plan the role would run with."""
    grub = root / 'boot' / 'grub'
    if state not in ('fresh', 'fresh-trial'):
        plan = 'trial' if state == 'trial-armed' else 'permanent'
        _module(run_module, _options(root, plan), check_mode=False)
    if state == 'file-missing':
        (root / 'boot' / 'initrd.img-6.1.0-28-amd64').unlink()
    elif state == 'menu-link':
        # RHEL 5 style: the name the role passes is a link to the menu.
        os.rename(str(grub / 'menu.lst'), str(grub / 'grub.conf'))
        os.symlink('./grub.conf', str(grub / 'menu.lst'))
    elif state == 'hand-edited':
        # Someone set another default by hand since: the module would set it back (a change; the role calls it).
        text = (grub / 'menu.lst').read_text()
        (grub / 'menu.lst').write_text(text.replace('\ndefault\t\t0\n', '\ndefault\t\t2\n'))
    elif state == 'saved':
        # Hand-edited to "default saved" with GRUB's default file naming the Xen entry: nothing to change either.
        text = (grub / 'menu.lst').read_text()
        (grub / 'menu.lst').write_text(text.replace('\ndefault\t\t0\n', '\ndefault\t\tsaved\n'))
        (grub / 'default').write_text(u'0\n' + u'#\n' * 10)
    return 'trial' if state in ('fresh-trial', 'trial-armed') else 'permanent'


@pytest.mark.parametrize('state', ['fresh', 'fresh-trial'])
def test_a_stanza_not_yet_in_the_menu_is_left_to_the_module(run_module, debian, state):
    """The first run: the files of the Xen entry the module is about to write were not read (nothing in the menu
    named them), so the reading cannot say whether GRUB could load it: None, and the role calls the module."""
    options = _options(debian, _state(run_module, debian, state))
    assert grub_legacy_answer(_reading(run_module, options), **options) is None
    assert _module(run_module, options)['changed'] is True


@pytest.mark.parametrize('state', ['converged', 'trial-armed', 'file-missing', 'menu-link', 'saved', 'hand-edited'])
def test_the_filter_on_xen_facts_reading_agrees_with_the_module(run_module, debian, state):
    plan = _state(run_module, debian, state)
    options = _options(debian, plan)
    menu = debian / 'boot' / 'grub' / 'menu.lst'
    before = (menu.read_bytes(), sorted(os.listdir(str(menu.parent))))
    answer = grub_legacy_answer(_reading(run_module, options), **options)
    assert answer == _module(run_module, options), state
    # The module in check mode, the reading and the filter wrote nothing.
    assert (menu.read_bytes(), sorted(os.listdir(str(menu.parent)))) == before
    # Where the role would leave the call out (nothing to change), a real run of the module changes nothing either.
    assert answer['changed'] is (state == 'hand-edited')
    if not answer['changed']:
        assert _module(run_module, options, check_mode=False) == answer
    if state == 'file-missing':
        assert answer['missing_files'] == [str(debian / 'boot' / 'initrd.img-6.1.0-28-amd64')]


def test_the_menu_as_the_role_reads_it_agrees_with_the_module(run_module, debian):
    """grub_legacy_generate.yml and grub_legacy_stanza.yml read the menu with default "0" in check mode, or take the
    filter's answer for that read: entries, the current default, groot."""
    options = dict(path=str(debian / 'boot' / 'grub' / 'menu.lst'), default='0', boot_dir=str(debian),
                   missing='report')
    answer = grub_legacy_answer(_reading(run_module, options), **options)
    assert answer == _module(run_module, options)
    assert answer['exists'] is True and answer['groot'] == '(hd0,0)' and len(answer['entries']) == 4
    # No menu yet (update-grub never ran): the module's missing=report answer.
    options['path'] += '.none'
    reading = _reading(run_module, options)
    assert reading['exists'] is False and reading['error']
    assert grub_legacy_answer(reading, **options) == _module(run_module, options) == dict(
        changed=False, exists=False, path=options['path'], entries=[])


def test_the_filter_says_none_where_the_reading_cannot_stand_for_the_module(run_module, debian):
    options = _options(debian, _state(run_module, debian, 'converged'))
    reading = _reading(run_module, options)
    assert grub_legacy_answer(reading, **options) is not None
    assert grub_legacy_answer(None, **options) is None                                        # not read
    assert grub_legacy_answer(reading, **_with(options, path=options['path'] + '.other')) is None   # another menu
    assert grub_legacy_answer(reading, **_with(options, boot_dir='/boot')) is None              # another boot_dir
    files = dict(reading['files'])
    files.pop(str(debian / 'boot' / 'xen-4.17-amd64.gz'))
    # A file the reading did not look at: the module checks it itself.
    assert grub_legacy_answer(dict(reading, files=files), **options) is None
    # Options the module refuses (a default no entry has, a word GRUB would read otherwise): it says why itself.
    for refused in (dict(default='Windows 95'), dict(xen_args='console=com1 \\')):
        assert grub_legacy_answer(reading, **_with(options, **refused)) is None
        assert run_module(grub_legacy, _ansible_check_mode=True, **_with(options, **refused))['failed']
    # Missing, without missing=report: the module fails, naming it.
    gone = _with(options, path=options['path'] + '.gone')
    assert grub_legacy_answer(_reading(run_module, gone), **gone) is None


def test_a_menu_that_is_not_utf8_is_left_to_the_module(run_module, debian):
    menu = debian / 'boot' / 'grub' / 'menu.lst'
    menu.write_bytes(menu.read_bytes().replace(b'kernel 6.1.0-27-amd64\n', b'kernel 6.1.0-27-amd64 \xe9\n'))
    options = _options(debian, 'permanent')
    reading = _reading(run_module, options)
    assert 'not UTF-8' in reading['error'] and 'text' not in reading
    assert grub_legacy_answer(reading, **options) is None
    assert _module(run_module, options)['changed'] is True


def test_an_unreadable_default_file_of_a_saved_menu_is_left_to_the_module(run_module, debian):
    """The module fails naming the default file; the reading says why it could not read it, the filter None."""
    _state(run_module, debian, 'saved')
    default = debian / 'boot' / 'grub' / 'default'
    default.unlink()
    default.mkdir()
    options = _options(debian, 'permanent')
    reading = _reading(run_module, options)
    assert reading['default_text'] is None and 'not a regular file' in reading['default_error']
    assert grub_legacy_answer(reading, **options) is None
    failed = run_module(grub_legacy, _ansible_check_mode=True, **options)
    assert failed['failed'] and 'says "default saved"' in failed['msg']


def test_xen_facts_reads_no_grub_legacy_menu_of_another_root(run_module, debian):
    result = run_module(xen_facts, root=str(debian), grub_legacy_menu=dict(path='/boot/grub/menu.lst'))
    assert result['grub_legacy_menu'] is None


@pytest.mark.parametrize('kind', ['fifo', 'directory', 'link-loop', 'dev-zero', 'default-fifo', 'nul-in-name'])
def test_xen_facts_reading_of_a_hostile_menu_never_hangs_or_traces_back(run_module, debian, kind):
    """A facts module reads what it is given without blocking on a FIFO, following a link loop or reading /dev/zero to
    the end; where it cannot tell, the reading says why (an error) and the filter leaves the decision to the module."""
    grub = debian / 'boot' / 'grub'
    menu = grub / 'menu.lst'
    if kind != 'default-fifo':
        menu.unlink()
    if kind == 'fifo':
        os.mkfifo(str(menu))
    elif kind == 'directory':
        menu.mkdir()
    elif kind == 'link-loop':
        os.symlink('menu.lst', str(menu))
    elif kind == 'dev-zero':
        os.symlink('/dev/zero', str(menu))
    elif kind == 'default-fifo':
        os.mkfifo(str(grub / 'default'))
    options = _options(debian, 'permanent')
    if kind == 'nul-in-name':
        options['path'] = str(menu) + '\x00x'
    reading = run_module(xen_facts, grub_legacy_menu=dict(path=options['path'], boot_dir=options['boot_dir']))
    assert not reading.get('failed'), reading
    reading = reading['grub_legacy_menu']
    if kind == 'default-fifo':
        # Only a "default saved" menu reads the default file: this one ("default 0") is answered.
        assert 'not a regular file' in reading['default_error'] and reading['error'] is None
        plain = _with(options, stanza=None, default='0', plan=None, xen_args=None, dom0_args=None)
        assert grub_legacy_answer(reading, **plain)['changed'] is False
    else:
        assert reading['error'] and grub_legacy_answer(reading, **options) is None
