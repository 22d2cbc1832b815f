# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Does the running hypervisor build differ from the one the next boot loads? Pure functions, no I/O.

xen_facts reads the files (module plugins/modules/xen_facts.py) and returns the decision as
ansible_facts.xen.hypervisor_reboot. The rule:

* The running build is identified by its GNU build-id: the 20-byte SHA-1 the linker writes into a
  note of xen-syms. The running hypervisor returns the bytes of that note in its own memory
  (XENVER_build_id), which `xl info` prints as `build_id` (hex) and Linux 4.12+ exposes as
  /sys/hypervisor/properties/buildid (raw bytes). xen.gz is xen-syms converted by mkelf32 with its
  notes kept (a PT_NOTE segment and a .note section), so the installed image carries the same
  bytes. Checked on Debian's packages: bookworm's xen-hypervisor-4.17-amd64 4.17.5+72-g01140da4e8-1
  has note 39a640e6f1412319235087391df9f1c5e13ae920 in /boot/xen-4.17-amd64.gz, and a VM booted
  from it logged "(XEN) build-id: 39a640e6f1412319235087391df9f1c5e13ae920"; trixie's 4.20 image
  has its own (576c0736...). A rebuilt or patched package has another build-id even when the
  version string (4.17.5) stays the same, which is exactly the security-update case.
* Without a build-id (Xen before 4.7, or no readable one), the running build's compile date (to
  the second) and compiler, as Xen reports them (XENVER_compile_info), are looked for as the
  literal C strings they are in the image: method compile_info, weaker but still no version guess.
* The image the next boot loads is the newest /boot/xen-*.gz or /boot/xen.gz-* by version sort of
  its name: what Debian's GRUB 2 20_linux_xen makes the first (default) Xen entry. A host whose
  boot menu pins an older image (GRUB legacy's default, a hand-made GRUB_DEFAULT) is not followed.
* status: required when that image does not hold the running build, current when it does,
  unknown when the running build has no identity, no image is found, or that image cannot be read.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import binascii
import re
import struct
import zlib

from ansible_collections.xenhost.dom0.plugins.module_utils.xen_text import release_sort_key

# Hypervisor images in /boot: Debian's xen-4.17-amd64.gz, RHEL 5's xen.gz-2.6.18-419.el5. Not xen-*.efi (a PE
# image booted by the firmware, not by GRUB's multiboot), xen-*.config, xen-syms-*.
IMAGE_NAME = re.compile(r'^xen(?:-[^/]+\.gz|\.gz-[^/]+)$')
# At most this many images (the newest) are read, each at most MAX_IMAGE_BYTES once decompressed: a release
# build of Xen 4.17/4.20 is about 2.7 MB, a debug build about 4x that. The bound of all work is their product.
MAX_IMAGES = 4
MAX_IMAGE_BYTES = 16 * 1024 * 1024
# Xen links with --build-id=sha1. /sys/hypervisor/properties/buildid is the raw bytes (Linux 6.x memcpy()s them;
# older kernels sprintf("%s") them, which stops at a NUL byte): only a 20-byte value is taken as the build-id.
SYSFS_BUILD_ID_BYTES = 20
HEX_BUILD_ID = re.compile(r'^(?:[0-9a-f]{2}){16,64}$')
# Tables of a hostile ELF file are walked at most this far.
MAX_ELF_ENTRIES = 1024
NT_GNU_BUILD_ID = 3
PT_NOTE = 4
SHT_NOTE = 7
SHORT_ID = 12

STATUS_REQUIRED = 'required'
STATUS_CURRENT = 'current'
STATUS_UNKNOWN = 'unknown'


def image_names(names):
    """Hypervisor image names among a /boot listing, newest first (version sort of the name)."""
    found = [name for name in names or () if IMAGE_NAME.match(name)]
    return sorted(found, key=release_sort_key, reverse=True)


def decompress(data, limit=MAX_IMAGE_BYTES):
    """(image bytes, None) or (None, reason): a gzip file is inflated up to limit bytes, anything else is taken as is."""
    if data is None:
        return None, 'unreadable (missing, not a regular file, or too big)'
    if data[:2] != b'\x1f\x8b':
        return (data, None) if len(data) <= limit else (None, 'bigger than %d bytes' % limit)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit)
        if inflater.unconsumed_tail:
            return None, 'bigger than %d bytes once decompressed' % limit
        out += inflater.flush()
    except zlib.error as exc:
        return None, 'not a valid gzip file (%s)' % exc
    if len(out) > limit:
        return None, 'bigger than %d bytes once decompressed' % limit
    return out, None


def _notes(data, start, size, endian):
    """(name, type, desc) of the ELF notes in data[start:start+size]; stops at the first malformed one."""
    end = min(start + size, len(data))
    pos = start
    found = []
    while pos + 12 <= end and len(found) < MAX_ELF_ENTRIES:
        namesz, descsz, ntype = struct.unpack_from(endian + 'III', data, pos)
        name_at = pos + 12
        desc_at = name_at + ((namesz + 3) & ~3)
        after = desc_at + ((descsz + 3) & ~3)
        if desc_at + descsz > end:
            break
        found.append((data[name_at:name_at + namesz].rstrip(b'\0'), ntype, data[desc_at:desc_at + descsz]))
        pos = after
    return found


def _note_ranges(data):
    """(endian, [(offset, size)]) of the PT_NOTE segments and SHT_NOTE sections of an ELF file, or (None, [])."""
    if len(data) < 64 or data[:4] != b'\x7fELF' or data[4:5] not in (b'\x01', b'\x02') or data[5:6] not in (b'\x01', b'\x02'):
        return None, []
    wide = data[4:5] == b'\x02'
    endian = '<' if data[5:6] == b'\x01' else '>'
    if wide:
        phoff, shoff = struct.unpack_from(endian + 'QQ', data, 32)
        phentsize, phnum, shentsize, shnum = struct.unpack_from(endian + 'HHHH', data, 54)
        seg, sec = (endian + 'II', 0, endian + 'Q', 8, endian + 'Q', 32), (endian + 'Q', 24, endian + 'Q', 32)
    else:
        phoff, shoff = struct.unpack_from(endian + 'II', data, 28)
        phentsize, phnum, shentsize, shnum = struct.unpack_from(endian + 'HHHH', data, 42)
        seg, sec = (endian + 'II', 0, endian + 'I', 4, endian + 'I', 16), (endian + 'I', 16, endian + 'I', 20)
    ranges = []
    for i in range(min(phnum, MAX_ELF_ENTRIES)):
        at = phoff + i * phentsize
        if phentsize < 8 or at + phentsize > len(data):
            break
        if struct.unpack_from(endian + 'I', data, at)[0] == PT_NOTE:
            ranges.append((struct.unpack_from(seg[2], data, at + seg[3])[0], struct.unpack_from(seg[4], data, at + seg[5])[0]))
    for i in range(min(shnum, MAX_ELF_ENTRIES)):
        at = shoff + i * shentsize
        if shentsize < 8 or at + shentsize > len(data):
            break
        if struct.unpack_from(endian + 'I', data, at + 4)[0] == SHT_NOTE:
            ranges.append((struct.unpack_from(sec[0], data, at + sec[1])[0], struct.unpack_from(sec[2], data, at + sec[3])[0]))
    return endian, ranges


def elf_build_id(data):
    """Lower-case hex of the GNU build-id note of an ELF image, or None (not ELF, no note, or two different ones)."""
    try:
        endian, ranges = _note_ranges(data or b'')
        ids = set()
        for offset, size in ranges:
            for name, ntype, desc in _notes(data, offset, size, endian):
                if name == b'GNU' and ntype == NT_GNU_BUILD_ID and desc:
                    ids.add(binascii.hexlify(desc).decode('ascii'))
    except struct.error:
        return None
    return ids.pop() if len(ids) == 1 else None


def _text(value):
    """A value Xen reported, stripped; None when empty, undecodable, or Xen's '<denied>' (also a literal in every image)."""
    value = (value or '').strip() if isinstance(value, str) else ''
    return value if value and value != '<denied>' and '\0' not in value and '\ufffd' not in value else None


def running_build(version, xl_build_id=None, sysfs_build_id=None, compile_date=None, compiler=None):
    """Identity of the running hypervisor build.

    xl_build_id: `xl info`'s build_id (hex text); sysfs_build_id: the bytes of /sys/hypervisor/properties/buildid;
    compile_date and compiler: /sys/hypervisor/compilation/* or `xl info`'s cc_compile_date and cc_compiler.
    method is build_id, compile_info, or None when neither identifies the build.
    """
    build_id, source = None, None
    xl_id = (_text(xl_build_id) or '').lower()
    if HEX_BUILD_ID.match(xl_id):
        build_id, source = xl_id, 'xl info'
    elif isinstance(sysfs_build_id, bytes) and len(sysfs_build_id) == SYSFS_BUILD_ID_BYTES:
        build_id, source = binascii.hexlify(sysfs_build_id).decode('ascii'), '/sys/hypervisor/properties/buildid'
    compile_date, compiler = _text(compile_date), _text(compiler)
    method = 'build_id' if build_id else ('compile_info' if compile_date and compiler else None)
    return {'version': _text(version), 'build_id': build_id, 'build_id_source': source,
            'compile_date': compile_date, 'compiler': compiler, 'method': method}


def holds_running(data, build_id, running):
    """Whether an image (its bytes and its build-id) is the running build: True, False, or None (cannot tell)."""
    method = running.get('method')
    if method == 'build_id':
        if build_id is None and not (data or b'').startswith(b'\x7fELF'):
            return None  # not an ELF image: nothing says which build it is
        return build_id == running['build_id']
    if method == 'compile_info' and data is not None:
        # C strings of the image: NUL before and after the date; the compiler string Xen reports may be cut at 63 bytes.
        date = b'\0' + running['compile_date'].encode('utf-8') + b'\0'
        compiler = b'\0' + running['compiler'].encode('utf-8')
        return date in data and compiler in data
    return None


def image_entry(path, data, error, running, package=None, package_version=None):
    """One image of the fact: its path on the host, build-id, whether it holds the running build, its package."""
    build_id = elf_build_id(data) if data is not None else None
    return {'path': path, 'build_id': build_id,
            'holds_running': holds_running(data, build_id, running) if error is None else None,
            'package': package, 'package_version': package_version, 'error': error}


def _short(build_id):
    return build_id[:SHORT_ID] if build_id else None


def running_text(running):
    """'Xen 4.17.5 (build-id 39a640e6f141)', with the compile date when there is no build-id."""
    details = ('build-id %s' % _short(running['build_id'])) if running.get('build_id') else (
        'built %s' % running['compile_date'] if running.get('compile_date') else None)
    name = 'Xen %s' % (running.get('version') or '(version unknown)')
    return '%s (%s)' % (name, details) if details else name


def image_text(image):
    """'xen-hypervisor-4.17-amd64 4.17.5+72-g01140da4e8-1 (/boot/xen-4.17-amd64.gz, build-id 39a640e6f141)'."""
    details = [image['path']] + (['build-id %s' % _short(image['build_id'])] if image.get('build_id') else [])
    name = '%s %s ' % (image['package'], image['package_version']) if image.get('package') and image.get('package_version') else ''
    return '%s(%s)' % (name, ', '.join(details))


def decide(role, running, images):
    """The hypervisor_reboot fact from the role, running_build() and image_entry()s newest first."""
    fact = {'status': STATUS_UNKNOWN, 'message': '', 'method': running.get('method') if running else None,
            'running': running, 'boot_image': images[0] if images else None, 'images': list(images)}
    if role != 'dom0':
        fact['message'] = 'not a Xen dom0: nothing to compare'
    elif not fact['method']:
        fact['message'] = ('the running Xen build cannot be identified: no build-id (xl info, '
                           '/sys/hypervisor/properties/buildid) and no compile date and compiler')
    elif not images:
        fact['message'] = 'no hypervisor image (/boot/xen-*.gz or /boot/xen.gz-*) found to compare with the running Xen'
    elif images[0]['error'] or images[0]['holds_running'] is None:
        fact['message'] = 'cannot read %s, the image the next boot loads: %s' % (
            images[0]['path'], images[0]['error'] or 'no identity to compare')
    elif images[0]['holds_running']:
        fact['status'] = STATUS_CURRENT
        fact['message'] = 'the running %s is the installed %s' % (running_text(running), image_text(images[0]))
    else:
        fact['status'] = STATUS_REQUIRED
        fact['message'] = 'reboot required (running %s, installed %s)' % (running_text(running), image_text(images[0]))
    return fact


def dpkg_owner(lists, path):
    """The package among {package: text of its /var/lib/dpkg/info/<package>.list} that installed path, or None."""
    owners = sorted(package for package, text in (lists or {}).items() if text and path in text.splitlines())
    return owners[0] if len(owners) == 1 else None


# The blank line that ends a stanza of /var/lib/dpkg/status.
_STANZA_END = re.compile(r'\n[ \t]*\n')


def dpkg_versions(status, packages):
    """{package: version or None} for the named packages in the text of /var/lib/dpkg/status: the version where dpkg
    has the package installed (Status ending in "installed"), None where it has not (absent, removed with only its
    config files left, half-installed). One pass that parses only the named packages' stanzas: the file has hundreds."""
    found = dict.fromkeys(packages)
    for match in re.finditer(r'^Package:[ \t]*(\S+)[ \t]*$', status or '', re.M):
        if match.group(1) not in found or found[match.group(1)]:
            continue
        end = _STANZA_END.search(status, match.end())
        stanza = status[match.start():end.start() if end else len(status)]
        fields = dict(re.findall(r'^([A-Za-z-]+):[ \t]*(.*)$', stanza, re.M))
        if fields.get('Status', '').endswith(' installed'):
            found[match.group(1)] = fields.get('Version') or None
    return found
