# -*- coding: utf-8 -*-
"""text_file.read_state: one reading that answers both ways the modules read a file (xen_facts' files option)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.xenhost.dom0.plugins.module_utils.text_file import read_installed, read_state


def test_regular_file(tmp_path):
    f = tmp_path / 'xl.conf'
    f.write_text(u'autoballoon="off"\n')
    f.chmod(0o640)
    assert read_state(str(f), 1024) == dict(exists=True, regular=True, mode=0o640, uid=os.getuid(), gid=os.getgid(),
                                            text=u'autoballoon="off"\n', error=None)
    assert read_installed(str(f), 1024) == (u'autoballoon="off"\n', 0o640, True)


def test_link_text_is_the_targets_but_it_is_not_a_regular_file(tmp_path):
    (tmp_path / 'target').write_text(u'A=1\n')
    (tmp_path / 'link').symlink_to(tmp_path / 'target')
    state = read_state(str(tmp_path / 'link'), 1024)
    assert state == dict(exists=True, regular=False, mode=None, uid=None, gid=None, text=u'A=1\n', error=None)
    assert read_installed(str(tmp_path / 'link'), 1024) == (None, None, True)


def test_dangling_link_missing_directory(tmp_path):
    (tmp_path / 'dangling').symlink_to(tmp_path / 'nowhere')
    dangling = read_state(str(tmp_path / 'dangling'), 1024)
    assert dangling['exists'] is True and dangling['text'] is None and dangling['error']
    missing = read_state(str(tmp_path / 'none'), 1024)
    assert missing['exists'] is False and missing['text'] is None and missing['error']
    directory = read_state(str(tmp_path), 1024)
    assert directory['exists'] is True and directory['regular'] is False and 'not a regular file' in directory['error']


def test_a_fifo_is_not_waited_on_and_a_big_file_not_read(tmp_path):
    os.mkfifo(str(tmp_path / 'fifo'))
    fifo = read_state(str(tmp_path / 'fifo'), 1024)
    assert fifo['exists'] is True and fifo['text'] is None and 'not a regular file' in fifo['error']
    (tmp_path / 'big').write_text(u'x' * 2048)
    big = read_state(str(tmp_path / 'big'), 1024)
    assert big['regular'] is True and big['text'] is None and 'larger than 1024 bytes' in big['error']
