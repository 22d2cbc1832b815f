# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import grub2_cfg, grub2_menu

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'grub')


@pytest.fixture
def menu(tmp_path):
    boot = tmp_path / 'boot'
    (boot / 'grub').mkdir(parents=True)
    shutil.copy(os.path.join(FIXTURES, 'debian12_xen_grub.cfg'), str(boot / 'grub' / 'grub.cfg'))
    (boot / 'grub' / 'grubenv').write_text(u'# GRUB Environment Block\nsaved_entry=0\n' + u'#' * 990)
    (boot / 'xen-4.17-amd64.gz').write_text(u'x')
    return tmp_path, str(boot / 'grub' / 'grub.cfg')


def test_default_grubenv_is_the_one_beside_the_menu():
    assert grub2_menu.default_grubenv('/boot/grub/grub.cfg') == '/boot/grub/grubenv'
    assert grub2_menu.default_grubenv('/boot/efi/EFI/debian/grub.cfg') == '/boot/efi/EFI/debian/grubenv'


@pytest.mark.parametrize('plan', [None, 'trial', 'permanent'])
def test_read_parsed_gives_read_s_reading_and_a_parse_that_answers_as_the_text_does(menu, plan, monkeypatch):
    root, path = menu
    grubenv = grub2_menu.default_grubenv(path)
    reading, config = grub2_menu.read_parsed(path, grubenv, root=str(root))
    assert reading == grub2_menu.read(path, grubenv, root=str(root))
    parsed_again = grub2_menu.answer(reading, plan=plan, update=True)

    def no_second_parse(text):
        raise AssertionError('answer() parsed the text again although it was given the parse')
    monkeypatch.setattr(grub2_cfg, 'parse', no_second_parse)
    given = grub2_menu.answer(reading, plan=plan, update=True, config=config)
    assert given == parsed_again
    # The fixture's initrd and kernel are missing: the answer is one the files decide, not a trivially equal one.
    assert given['default']['files_exist'] is False


@pytest.mark.parametrize('damage', ['missing', 'unparseable'])
def test_read_parsed_gives_no_parse_with_an_error(menu, damage):
    root, path = menu
    if damage == 'missing':
        os.remove(path)
    else:
        with open(path, 'w') as handle:
            handle.write('menuentry "x" {\n')
    reading, config = grub2_menu.read_parsed(path, grub2_menu.default_grubenv(path), root=str(root))
    assert reading['error'] and config is None
