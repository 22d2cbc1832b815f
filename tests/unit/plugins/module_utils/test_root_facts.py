# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/root_facts.py, the root option of the facts modules."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import root_facts


class Failed(Exception):
    pass


class FakeModule:
    """Just what checked_root uses of an AnsibleModule: params and a fail_json that does not return."""

    def __init__(self, root):
        self.params = {'root': root}

    def fail_json(self, msg):
        raise Failed(msg)


def test_argument_spec_is_the_documented_option():
    assert root_facts.ROOT_ARGUMENT_SPEC == {'root': {'type': 'path', 'default': '/'}}


@pytest.mark.parametrize('dirs,expected', [
    (('proc', 'sys'), "root /nope is not a directory: point it at / or at a copy of a machine's files (proc/, sys/)."),
    (('proc', 'sys', 'boot'),
     "root /nope is not a directory: point it at / or at a copy of a machine's files (proc/, sys/, boot/)."),
])
def test_not_a_directory_message(dirs, expected):
    assert root_facts.not_a_directory_message('/nope', dirs) == expected


def test_checked_root_returns_a_directory(tmp_path):
    assert root_facts.checked_root(FakeModule(str(tmp_path)), ('proc',)) == str(tmp_path)


@pytest.mark.parametrize('make', [
    pytest.param(lambda tmp_path: tmp_path / 'missing', id='missing'),
    pytest.param(lambda tmp_path: tmp_path / 'file', id='file'),
])
def test_checked_root_fails_for_anything_else(make, tmp_path):
    (tmp_path / 'file').write_text('not a tree')
    root = str(make(tmp_path))
    with pytest.raises(Failed) as failed:
        root_facts.checked_root(FakeModule(root), ('proc', 'sys'))
    assert str(failed.value) == root_facts.not_a_directory_message(root, ('proc', 'sys'))


# ---------------------------------------------------------------------------------------------
# The one reader beneath root: hostile trees (an unpacked sosreport is made by someone else).
# Every case must return None ("unreadable": the fact becomes unknown) without raising or blocking.
# ---------------------------------------------------------------------------------------------

import os
import signal
import stat
import time


@pytest.fixture
def tree(tmp_path):
    """A copied machine under tmp_path/root, and a 'controller' file outside it that must never be read."""
    root = tmp_path / 'root'
    (root / 'proc').mkdir(parents=True)
    (root / 'proc' / 'cpuinfo').write_text('processor\t: 0\nflags\t\t: fpu pae lm\n')
    (tmp_path / 'controller-secret').write_text('root:x:0:0:controller\n')
    return root


@pytest.fixture(autouse=True)
def no_hang():
    """Any read that blocks (a FIFO opened without O_NONBLOCK) fails the test after 5 s instead of hanging it."""
    def alarm(signum, frame):
        raise AssertionError('the reader blocked')
    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_reads_a_regular_file(tree):
    assert root_facts.read_under(str(tree), 'proc/cpuinfo') == 'processor\t: 0\nflags\t\t: fpu pae lm\n'
    assert root_facts.read_under(str(tree), '/proc//./cpuinfo') == 'processor\t: 0\nflags\t\t: fpu pae lm\n'


@pytest.mark.parametrize('make', [
    pytest.param(lambda p: os.mkfifo(str(p)), id='fifo'),
    pytest.param(lambda p: os.mkdir(str(p)), id='directory'),
    pytest.param(lambda p: os.symlink('/dev/zero', str(p)), id='link-to-dev-zero'),
    pytest.param(lambda p: os.symlink('/dev/urandom', str(p)), id='link-to-dev-urandom'),
    pytest.param(lambda p: os.symlink('/dev/stdin', str(p)), id='link-to-dev-stdin'),
    pytest.param(lambda p: os.symlink('/proc/self/fd/0', str(p)), id='link-to-proc-self-fd'),
    pytest.param(lambda p: os.symlink(str(p), str(p)), id='link-to-itself'),
    pytest.param(lambda p: os.symlink('missing', str(p)), id='dangling-link'),
    pytest.param(lambda p: os.symlink('../../../../../../../../controller-secret', str(p)), id='dotdot-escape'),
    pytest.param(lambda p: os.symlink(str(p.parent.parent.parent / 'controller-secret'), str(p)), id='absolute-escape'),
])
def test_cpuinfo_that_is_not_a_regular_file_in_the_tree_is_unreadable(make, tree):
    target = tree / 'proc' / 'cpuinfo'
    target.unlink()
    make(target)
    assert root_facts.read_under(str(tree), 'proc/cpuinfo') is None
    assert root_facts.read_bytes_under(str(tree), 'proc/cpuinfo') is None


def test_fifo_does_not_block_even_with_a_writer_that_never_writes(tree):
    fifo = tree / 'proc' / 'fifo'
    os.mkfifo(str(fifo))
    writer = os.open(str(fifo), os.O_RDWR)  # a writer that keeps the FIFO open and never writes
    try:
        started = time.time()
        assert root_facts.read_under(str(tree), 'proc/fifo') is None
        assert time.time() - started < 1
    finally:
        os.close(writer)


@pytest.mark.skipif(os.geteuid() != 0, reason='mknod needs root')
@pytest.mark.parametrize('major_minor', [(1, 3), (1, 5), (1, 8), (5, 0)], ids=['null', 'zero', 'random', 'tty'])
def test_device_node_in_the_tree_is_never_opened(major_minor, tree):
    node = tree / 'dev' / 'cpu' / '0' / 'msr'
    node.parent.mkdir(parents=True)
    os.mknod(str(node), 0o600 | stat.S_IFCHR, os.makedev(*major_minor))
    assert root_facts.read_under(str(tree), 'dev/cpu/0/msr') is None
    # Not even for the device reader: only the live root / may read a device.
    assert root_facts.read_device_at(str(tree), 'dev/cpu/0/msr', 0, 8) is None


@pytest.mark.parametrize('target', [
    '/etc/machine', '../etc/machine', '../../../../../etc/machine', '/../../etc/machine',
    '/proc/../etc/machine', './../etc/./machine', '//etc//machine',
])
def test_links_are_resolved_inside_the_root(target, tree):
    """Absolute targets are re-rooted (chroot semantics) and '..' stops at the root."""
    (tree / 'etc').mkdir()
    (tree / 'etc' / 'machine').write_text('inside\n')
    os.symlink(target, str(tree / 'proc' / 'link'))
    assert root_facts.read_under(str(tree), 'proc/link') == 'inside\n'


def test_absolute_link_to_a_controller_file_reads_the_trees_copy_or_nothing(tree, tmp_path):
    secret = str(tmp_path / 'controller-secret')
    os.symlink(secret, str(tree / 'proc' / 'secret'))
    assert root_facts.read_under(str(tree), 'proc/secret') is None
    # The same path inside the tree is what the link means in the copied machine.
    inside = tree / secret.lstrip('/')
    inside.parent.mkdir(parents=True)
    inside.write_text('the copy\n')
    assert root_facts.read_under(str(tree), 'proc/secret') == 'the copy\n'


def test_linked_directories_on_the_way_stay_inside(tree, tmp_path):
    os.symlink(str(tmp_path), str(tree / 'sys'))           # absolute link to the directory holding the secret
    os.symlink('..', str(tree / 'proc' / 'up'))
    assert root_facts.read_under(str(tree), 'sys/controller-secret') is None
    assert root_facts.read_under(str(tree), 'proc/up/up/up/up/controller-secret') is None
    assert root_facts.read_under(str(tree), 'proc/up/proc/cpuinfo').startswith('processor')
    assert root_facts.read_under(str(tree), '../controller-secret') is None
    assert root_facts.list_under(str(tree), 'proc/up/../../..') == ['proc', 'sys']


@pytest.mark.parametrize('chain', [1, 10, 39])
def test_link_chains_up_to_the_limit_are_followed(chain, tree):
    previous = 'cpuinfo'
    for n in range(chain):
        os.symlink(previous, str(tree / 'proc' / ('l%d' % n)))
        previous = 'l%d' % n
    assert root_facts.read_under(str(tree), 'proc/' + previous) is not None


@pytest.mark.parametrize('chain', [41, 200])
def test_link_chains_over_the_limit_are_unreadable(chain, tree):
    previous = 'cpuinfo'
    for n in range(chain):
        os.symlink(previous, str(tree / 'proc' / ('l%d' % n)))
        previous = 'l%d' % n
    assert root_facts.read_under(str(tree), 'proc/' + previous) is None


def test_link_loops_through_directories_end(tree):
    os.symlink('b/x', str(tree / 'proc' / 'a'))
    os.symlink('../proc/a', str(tree / 'proc' / 'b'))
    os.symlink('.', str(tree / 'proc' / 'self'))
    assert root_facts.read_under(str(tree), 'proc/a') is None
    assert root_facts.read_under(str(tree), 'proc/' + 'self/' * 30 + 'cpuinfo').startswith('processor')


@pytest.mark.parametrize('relpath', ['proc/cpu\0info', 'proc\0/cpuinfo', '\0', 'proc/' + 'x' * 5000, ''])
def test_odd_relative_paths_are_unreadable(relpath, tree):
    assert root_facts.read_under(str(tree), relpath) is None


def test_nul_in_root_is_unreadable(tree):
    assert root_facts.read_under(str(tree) + '\0', 'proc/cpuinfo') is None
    assert root_facts.list_under(str(tree) + '\0', 'proc') is None


@pytest.mark.parametrize('data,text', [
    (b'flags\t: pae\x00lm\n', 'flags\t: pae\x00lm\n'),
    (b'\x00' * 100, '\x00' * 100),
    (b'model name\t: \xff\xfe Xeon\n', 'model name\t: \ufffd\ufffd Xeon\n'),
    (b'\xc3', '\ufffd'),
    (b'\xed\xa0\x80', '\ufffd\ufffd\ufffd'),  # an encoded surrogate is not UTF-8
    (b'', ''),
])
def test_bytes_never_crash_the_decoder(data, text, tree):
    (tree / 'proc' / 'cpuinfo').write_bytes(data)
    assert root_facts.read_under(str(tree), 'proc/cpuinfo') == text


def test_size_cap_exactly(tree, monkeypatch):
    (tree / 'proc' / 'cpuinfo').write_bytes(b'x' * 1000)
    assert root_facts.read_bytes_under(str(tree), 'proc/cpuinfo', limit=1000) == b'x' * 1000
    assert root_facts.read_bytes_under(str(tree), 'proc/cpuinfo', limit=999) is None


def test_huge_sparse_file_is_refused_without_reading(tree):
    with open(str(tree / 'proc' / 'cpuinfo'), 'wb') as handle:
        handle.truncate(64 * 1024 ** 3)  # 64 GiB of holes
    started = time.time()
    assert root_facts.read_under(str(tree), 'proc/cpuinfo') is None
    assert time.time() - started < 1


def test_file_that_grows_past_the_cap_while_reporting_size_0_is_refused(monkeypatch, tree):
    """/proc and /sys files say st_size 0: the cap is enforced by reading one byte past it."""
    (tree / 'proc' / 'cpuinfo').write_bytes(b'y' * 5000)
    real_fstat = os.fstat

    class Zero(object):
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, 0

    monkeypatch.setattr(root_facts.os, 'fstat', lambda fd: Zero(real_fstat(fd)))
    assert root_facts.read_bytes_under(str(tree), 'proc/cpuinfo', limit=4999) is None
    assert len(root_facts.read_bytes_under(str(tree), 'proc/cpuinfo', limit=5000)) == 5000


def test_default_cap_is_documented_size():
    assert root_facts.MAX_FILE_BYTES == 8 * 1024 * 1024
    assert root_facts.MAX_DIR_ENTRIES == 65536
    assert root_facts.MAX_SYMLINKS == 40


def test_listing(tree):
    for n in range(50):
        (tree / 'proc' / ('f%02d' % n)).write_text('')
    names = root_facts.list_under(str(tree), 'proc')
    assert names == sorted(names) and len(names) == 51
    assert root_facts.list_under(str(tree), 'proc', limit=51) == names
    assert root_facts.list_under(str(tree), 'proc', limit=50) is None
    assert root_facts.list_under(str(tree), 'proc/cpuinfo') is None
    assert root_facts.list_under(str(tree), 'missing') is None


@pytest.mark.parametrize('make', [
    pytest.param(lambda p, out: os.symlink(str(out), str(p)), id='absolute-link-out'),
    pytest.param(lambda p, out: os.symlink('../..', str(p)), id='relative-link-out'),
    pytest.param(lambda p, out: os.mkfifo(str(p)), id='fifo'),
    pytest.param(lambda p, out: os.symlink('/dev', str(p)), id='link-to-dev'),
])
def test_listing_never_leaves_the_tree(make, tree, tmp_path):
    make(tree / 'boot', tmp_path)
    names = root_facts.list_under(str(tree), 'boot')
    assert names is None or 'controller-secret' not in names
    assert names is None or names == sorted(os.listdir(str(tree)))


def test_device_reads_of_a_tree_use_regular_files_only(tree):
    path = tree / 'dev' / 'cpu' / '0'
    path.mkdir(parents=True)
    with open(str(path / 'msr'), 'wb') as handle:
        handle.seek(0x3a)
        handle.write(b'\x05\x00\x00\x00\x00\x00\x00\x00')
    assert root_facts.read_device_at(str(tree), 'dev/cpu/0/msr', 0x3a, 8) == b'\x05' + b'\x00' * 7
    assert root_facts.read_device_at(str(tree), 'dev/cpu/0/msr', 0x3b, 8) is None    # short read
    assert root_facts.read_device_at(str(tree), 'dev/cpu/0/msr', None, 8) is None
    assert root_facts.read_device_at(str(tree), 'dev/cpu/0/msr', -1, 8) is None
    assert root_facts.read_device_at(str(tree), 'dev/cpu/0/msr', 2 ** 70, 8) is None
    os.symlink('/dev/zero', str(path / 'cpuid'))
    assert root_facts.read_device_at(str(tree), 'dev/cpu/0/cpuid', 0, 16) is None


def test_live_root_may_read_a_character_device():
    # /dev/zero stands in for /dev/cpu/0/msr: a device is read only when root is the real /.
    assert root_facts.read_device_at('/', 'dev/zero', 0x3a, 8) == b'\x00' * 8
    assert root_facts.read_under('/', 'dev/zero') is None
    assert root_facts.is_live_root('/') and root_facts.is_live_root('/.') and not root_facts.is_live_root('/tmp')
