# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/xen_image.py: is the running hypervisor build the one the next boot loads?"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import binascii
import gzip
import importlib.util
import os
import struct

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import xen_image

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'xen_image')
_SPEC = importlib.util.spec_from_file_location('xen_image_fixtures', os.path.join(FIXTURES, 'make_fixtures.py'))
make = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(make)

BOOKWORM_DATE = 'Sat Nov 29 13:52:25 UTC 2025'
BOOKWORM_CC = 'x86_64-linux-gnu-gcc (Debian 12.2.0-14+deb12u1) 12.2.0'


@pytest.mark.parametrize('relpath', sorted(make.FILES))
def test_fixture_files_are_what_make_fixtures_writes(relpath):
    with open(os.path.join(FIXTURES, relpath), 'rb') as handle:
        assert handle.read() == make.FILES[relpath], 'run tests/unit/fixtures/xen_image/make_fixtures.py'


def test_image_names_newest_first_only_hypervisor_images():
    names = ['config-6.1.0-41-amd64', 'xen-4.17-amd64.gz', 'xen-4.17-amd64.efi', 'xen-4.17-amd64.config',
             'xen-4.20-amd64.gz', 'xen-4.9-amd64.gz', 'xen-syms-4.17', 'vmlinuz-6.1.0-41-amd64', 'xen.gz',
             'xen.gz-2.6.18-419.el5', 'xen.gz-2.6.18-398.el5', 'xen-4.17-amd64.gz.dpkg-bak']
    assert xen_image.image_names(names) == ['xen.gz-2.6.18-419.el5', 'xen.gz-2.6.18-398.el5', 'xen-4.20-amd64.gz',
                                            'xen-4.17-amd64.gz', 'xen-4.9-amd64.gz']
    assert xen_image.image_names(None) == []


def test_elf_build_id_of_the_fixture_images():
    for relpath, build_id in (('debian12-current/boot/xen-4.17-amd64.gz', make.BOOKWORM_ID),
                              ('debian13-upgraded/boot/xen-4.20-amd64.gz', make.TRIXIE_ID),
                              ('debian12-update-pending/boot/xen-4.17-amd64.gz', make.UPDATE_ID),
                              ('rhel5-compile-info/boot/xen.gz-2.6.18-419.el5', None)):
        data, error = xen_image.decompress(make.FILES[relpath])
        assert error is None
        assert xen_image.elf_build_id(data) == build_id, relpath


def test_elf_build_id_elf64_and_big_endian():
    assert xen_image.elf_build_id(make.elf_image(make.TRIXIE_ID, [], wide=True)) == make.TRIXIE_ID
    little = make.elf_image(make.BOOKWORM_ID, [])
    # Only the byte order mark flipped: every field now reads as garbage, which must give None, not an exception.
    assert xen_image.elf_build_id(little[:5] + b'\x02' + little[6:]) is None


@pytest.mark.parametrize('data', [
    None, b'', b'\x7fELF', b'MZ' + b'\0' * 200, b'\x7fELF\x01\x01\x01' + b'\xff' * 200,
    # A NOTE segment pointing past the end, and a note whose descsz runs past its segment.
    make.elf_image(make.BOOKWORM_ID, [])[:0x80] + b'\0' * 64,
])
def test_elf_build_id_of_broken_data_is_none(data):
    assert xen_image.elf_build_id(data) is None


def test_elf_build_id_two_different_notes_is_none():
    image = bytearray(make.elf_image(make.BOOKWORM_ID, []))
    note = make.note(make.BOOKWORM_ID)
    at = bytes(image).index(note)
    other = make.note(make.TRIXIE_ID)
    # The section header of .note (the last one) keeps pointing at the first note; point the segment at a copy.
    image += other
    phdr_note = 52 + 32  # second program header of the ELF32
    struct.pack_into('<I', image, phdr_note + 4, len(image) - len(other))
    assert at > 0
    assert xen_image.elf_build_id(bytes(image)) is None


def test_decompress_bounds_and_errors():
    data = b'\x7fELF' + b'\0' * 5000
    assert xen_image.decompress(gzip.compress(data)) == (data, None)
    assert xen_image.decompress(data) == (data, None)
    out, error = xen_image.decompress(gzip.compress(data), limit=4096)
    assert out is None and 'bigger than 4096 bytes once decompressed' in error
    assert xen_image.decompress(data, limit=10)[1] == 'bigger than 10 bytes'
    out, error = xen_image.decompress(b'\x1f\x8b' + b'garbage')
    assert out is None and error.startswith('not a valid gzip file')
    assert xen_image.decompress(None)[0] is None


def test_running_build_prefers_xl_info_then_sysfs_bytes():
    raw = binascii.unhexlify(make.BOOKWORM_ID)
    running = xen_image.running_build('4.17.5', xl_build_id=make.BOOKWORM_ID.upper() + '\n', sysfs_build_id=b'x' * 20)
    assert (running['build_id'], running['build_id_source'], running['method']) == (make.BOOKWORM_ID, 'xl info', 'build_id')
    running = xen_image.running_build('4.17.5', xl_build_id='', sysfs_build_id=raw)
    assert (running['build_id'], running['build_id_source']) == (make.BOOKWORM_ID, '/sys/hypervisor/properties/buildid')


@pytest.mark.parametrize('sysfs', [
    b'<denied>',  # XENVER_build_id refused
    binascii.unhexlify(make.BOOKWORM_ID)[:7],  # an old kernel's sprintf("%s") stopped at a NUL byte
    binascii.unhexlify(make.BOOKWORM_ID) + b'\x81\x02',  # ... or ran past the id into heap bytes
    b'',
])
def test_running_build_refuses_a_sysfs_value_that_is_not_20_bytes(sysfs):
    running = xen_image.running_build('4.17.5', xl_build_id='<denied>', sysfs_build_id=sysfs)
    assert running['build_id'] is None and running['method'] is None


def test_running_build_compile_info_and_denied_strings():
    running = xen_image.running_build('3.1.2-419.el5', compile_date='Tue Sep 20 09:41:44 EDT 2016\n',
                                      compiler='gcc version 4.1.2 20080704 (Red Hat 4.1.2-55)\n')
    assert running['method'] == 'compile_info' and running['compile_date'] == 'Tue Sep 20 09:41:44 EDT 2016'
    # '<denied>' is a literal in every Xen image: taken as a compile date it would match any of them.
    assert xen_image.running_build('4.17.5', compile_date='<denied>', compiler='<denied>')['method'] is None
    assert xen_image.running_build('4.17.5', compile_date=BOOKWORM_DATE)['method'] is None


def running_bookworm():
    return xen_image.running_build('4.17.5', xl_build_id=make.BOOKWORM_ID, compile_date=BOOKWORM_DATE, compiler=BOOKWORM_CC)


def entry(relpath, running, package=None, version=None):
    data, error = xen_image.decompress(make.FILES[relpath])
    return xen_image.image_entry('/boot/' + os.path.basename(relpath), data, error, running, package, version)


def test_holds_running_by_build_id_not_by_strings():
    running = running_bookworm()
    assert entry('debian12-current/boot/xen-4.17-amd64.gz', running)['holds_running'] is True
    # Same compile strings but another build-id: another build.
    same_strings = make.elf_image(make.UPDATE_ID, make.BOOKWORM_STRINGS)
    assert xen_image.holds_running(same_strings, make.UPDATE_ID, running) is False
    # An ELF without a note is another build than one that has a build-id; data that is no ELF says nothing.
    assert xen_image.holds_running(make.elf_image(None, make.BOOKWORM_STRINGS), None, running) is False
    assert xen_image.holds_running(b'PK\3\4 not a hypervisor', None, running) is None


def test_holds_running_by_compile_info():
    running = xen_image.running_build('4.17.5', compile_date=BOOKWORM_DATE, compiler=BOOKWORM_CC)
    assert xen_image.holds_running(make.elf_image(None, make.BOOKWORM_STRINGS), None, running) is True
    assert xen_image.holds_running(make.elf_image(None, make.UPDATE_STRINGS), None, running) is False
    # The date must be a whole C string: a prefix of a longer one is not it.
    longer = [BOOKWORM_DATE + ' (rebuilt)'] + make.BOOKWORM_STRINGS[1:]
    assert xen_image.holds_running(make.elf_image(None, longer), None, running) is False
    assert xen_image.holds_running(None, None, running) is None
    assert xen_image.holds_running(b'', None, xen_image.running_build('4.17.5')) is None


def test_decide_current():
    running = running_bookworm()
    image = entry('debian12-current/boot/xen-4.17-amd64.gz', running, 'xen-hypervisor-4.17-amd64', '4.17.5+72-g01140da4e8-1')
    fact = xen_image.decide('dom0', running, [image])
    assert fact['status'] == 'current' and fact['method'] == 'build_id'
    assert fact['boot_image'] == image and fact['images'] == [image]
    assert fact['message'] == ('the running Xen 4.17.5 (build-id 39a640e6f141) is the installed xen-hypervisor-4.17-amd64 '
                               '4.17.5+72-g01140da4e8-1 (/boot/xen-4.17-amd64.gz, build-id 39a640e6f141)')


def test_decide_security_update_waits_for_reboot():
    running = running_bookworm()
    image = entry('debian12-update-pending/boot/xen-4.17-amd64.gz', running, 'xen-hypervisor-4.17-amd64', '4.17.5+80-g2d0e7bbc3a-1')
    fact = xen_image.decide('dom0', running, [image])
    assert fact['status'] == 'required'
    assert fact['message'] == ('reboot required (running Xen 4.17.5 (build-id 39a640e6f141), installed xen-hypervisor-4.17-amd64 '
                               '4.17.5+80-g2d0e7bbc3a-1 (/boot/xen-4.17-amd64.gz, build-id 7c3e1f09a2b4))')


def test_decide_newer_image_than_the_running_one():
    running = running_bookworm()
    images = [entry('debian13-upgraded/boot/xen-4.20-amd64.gz', running),
              entry('debian13-upgraded/boot/xen-4.17-amd64.gz', running)]
    fact = xen_image.decide('dom0', running, images)
    assert fact['status'] == 'required'
    assert [i['holds_running'] for i in fact['images']] == [False, True]
    assert fact['message'].endswith('installed (/boot/xen-4.20-amd64.gz, build-id 576c0736b3e3))')


def test_decide_running_build_newer_than_a_leftover_image_is_current():
    """An older image left behind does not matter: the next boot loads the newest, which is the running build."""
    running = xen_image.running_build('4.20.5-pre', xl_build_id=make.TRIXIE_ID)
    images = [entry('debian13-upgraded/boot/xen-4.20-amd64.gz', running),
              entry('debian13-upgraded/boot/xen-4.17-amd64.gz', running)]
    assert xen_image.decide('dom0', running, images)['status'] == 'current'


def test_decide_unknown_cases():
    running = running_bookworm()
    assert xen_image.decide('domU', None, [])['message'] == 'not a Xen dom0: nothing to compare'
    assert xen_image.decide('none', None, [])['status'] == 'unknown'
    nameless = xen_image.running_build('4.17.5')
    fact = xen_image.decide('dom0', nameless, [entry('debian12-current/boot/xen-4.17-amd64.gz', nameless)])
    assert fact['status'] == 'unknown' and fact['message'].startswith('the running Xen build cannot be identified')
    fact = xen_image.decide('dom0', running, [])
    assert fact['status'] == 'unknown' and fact['message'].startswith('no hypervisor image')
    broken = xen_image.image_entry('/boot/xen-4.20-amd64.gz', None, 'not a valid gzip file (x)', running)
    fact = xen_image.decide('dom0', running, [broken, entry('debian12-current/boot/xen-4.17-amd64.gz', running)])
    assert fact['status'] == 'unknown'
    assert fact['message'] == 'cannot read /boot/xen-4.20-amd64.gz, the image the next boot loads: not a valid gzip file (x)'
    not_elf = xen_image.image_entry('/boot/xen-4.20-amd64.gz', b'garbage', None, running)
    assert xen_image.decide('dom0', running, [not_elf])['message'].endswith('no identity to compare')


def test_running_text_without_build_id():
    running = xen_image.running_build('3.1.2-419.el5', compile_date='Tue Sep 20 09:41:44 EDT 2016', compiler='gcc')
    assert xen_image.running_text(running) == 'Xen 3.1.2-419.el5 (built Tue Sep 20 09:41:44 EDT 2016)'


STATUS = '''Package: xen-hypervisor-common
Status: install ok installed
Version: 4.20.4+63-g7abfd2bce2-0+deb13u1

Package: xen-hypervisor-4.17-amd64
Status: deinstall ok config-files
Version: 4.17.5+72-g01140da4e8-1

Package: xen-hypervisor-4.20-amd64
Status: install ok installed
Source: xen
Version: 4.20.4+63-g7abfd2bce2-0+deb13u1
Description: Xen Hypervisor on AMD64
 Version: not this one
'''


def test_dpkg_owner_and_version():
    lists = {'xen-hypervisor-4.20-amd64': '/.\n/boot\n/boot/xen-4.20-amd64.gz\n', 'xen-hypervisor-4.17-amd64': '/boot/xen-4.17-amd64.gz.x\n',
             'broken': None}
    assert xen_image.dpkg_owner(lists, '/boot/xen-4.20-amd64.gz') == 'xen-hypervisor-4.20-amd64'
    assert xen_image.dpkg_owner(lists, '/boot/xen-4.17-amd64.gz') is None
    assert xen_image.dpkg_owner({'a': '/boot/x\n', 'b': '/boot/x\n'}, '/boot/x') is None
    assert xen_image.dpkg_versions(STATUS, ['xen-hypervisor-4.20-amd64', 'xen-hypervisor-4.17-amd64', 'absent']) == {
        'xen-hypervisor-4.20-amd64': '4.20.4+63-g7abfd2bce2-0+deb13u1',
        'xen-hypervisor-4.17-amd64': None,  # removed, only its config files left
        'absent': None}
    assert xen_image.dpkg_versions(None, ['xen-hypervisor-4.20-amd64']) == {'xen-hypervisor-4.20-amd64': None}
    assert xen_image.dpkg_versions(STATUS, []) == {}


# Multi-arch: one stanza per architecture, the last without a blank line at its end; a package only unpacked.
STATUS_MULTIARCH = '''Package: libc6
Status: deinstall ok config-files
Architecture: i386
Version: 2.36-9+deb12u8

Package: libc6
Status: install ok installed
Architecture: amd64
Version: 2.36-9+deb12u9

Package: qemu-system-xen
Status: install ok unpacked
Version: 1:7.2+dfsg-7+deb12u16

Package: bridge-utils
Status: hold ok installed
Version: 1.7.1-1'''


def test_dpkg_versions_multiarch_unpacked_held():
    assert xen_image.dpkg_versions(STATUS_MULTIARCH, ['libc6', 'qemu-system-xen', 'bridge-utils']) == {
        'libc6': '2.36-9+deb12u9', 'qemu-system-xen': None, 'bridge-utils': '1.7.1-1'}
