# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How a machine boots (BIOS or UEFI, Secure Boot, the EFI system partition and its boot chain),
and the one rule that says whether Secure Boot would refuse the Xen hypervisor.

The functions up to secure_boot_check() do no I/O. gather() at the end reads a machine's files
for them, through root_facts only, and runs no command: it is shared by boot_facts and by
xen_facts with boot_firmware=true. The check id is fixed (xen_preflight and the readiness report
read it): secure_boot. Callers that have the facts and want the decision call
secure_boot_check(facts); the modules already put its result in facts['checks'].

Where the Secure Boot rule comes from (read in the sources, not copied):

* Linux's EFI stub (drivers/firmware/efi/libstub/secureboot.c, efi_get_secureboot) and GRUB
  (grub-core/kern/efi/sb.c, grub_efi_get_secureboot): no SecureBoot variable means disabled;
  SecureBoot=0 or SetupMode=1 means disabled; an unreadable SetupMode means unknown; otherwise
  enabled, unless shim's boot-services-only MokSBState is 1 (validation disabled in shim).
* shim (mok.c, the mok_state_variables table and mirror_one_mok_variable; MokVars.txt) cannot
  be asked from the running OS about MokSBState (it is BS,NV, no runtime access); on every boot it
  deletes and re-creates the volatile copy MokSBStateRT with attributes BS|RT (0x06) and the
  same one byte, only when MokSBState exists. MokManager writes MokSBState=1 for
  `mokutil --disable-validation` and deletes it for --enable-validation.
* mokutil (src/mokutil.c, sb_state_internal): "SecureBoot enabled" when SecureBoot=1 and
  SetupMode=0, plus "SecureBoot validation is disabled in shim" when MokSBStateRT exists;
  "SecureBoot disabled" when SecureBoot=0 or SetupMode=1; "This system doesn't support Secure
  Boot" when the SecureBoot variable cannot be read.
* GRUB's shim_lock verifier (same sb.c) checks GRUB_FILE_TYPE_MULTIBOOT_KERNEL files: with Secure
  Boot enforced, `multiboot2 /boot/xen.gz` must pass shim's signature check, which Debian's
  unsigned Xen does not.

efivarfs (Linux fs/efivarfs/file.c) presents each variable as one file: the 4-byte
little-endian attribute word, then the data.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import struct

from ansible_collections.xenhost.dom0.plugins.module_utils.root_facts import list_under, read_bytes_under, read_under
from ansible_collections.xenhost.dom0.plugins.module_utils.xen_text import xen_role as decide_xen_role

CHECK_ID = 'secure_boot'

EFI_GLOBAL_VARIABLE_GUID = '8be4df61-93ca-11d2-aa0d-00e098032b8c'
SHIM_LOCK_GUID = '605dab50-e046-4300-abb6-3dd810dd8b23'
# The variables read, in the order the facts list them: (name, vendor GUID).
EFI_VARIABLES = (
    ('SecureBoot', EFI_GLOBAL_VARIABLE_GUID),
    ('SetupMode', EFI_GLOBAL_VARIABLE_GUID),
    ('MokSBStateRT', SHIM_LOCK_GUID),
)
EFI_VARIABLE_RUNTIME_ACCESS = 0x4
EFIVARS = 'sys/firmware/efi/efivars'

# A variable whose file does not exist (as opposed to None: it exists but could not be read or understood).
ABSENT = 'absent'

# Boot loader files in EFI/<distributor>/, lower case (FAT is case-insensitive): x86_64, ia32, aarch64.
SHIM_FILES = ('shimx64.efi', 'shimia32.efi', 'shimaa64.efi', 'shim.efi')
GRUB_FILES = ('grubx64.efi', 'grubia32.efi', 'grubaa64.efi', 'grub.efi')
# Debian package names: shim-signed puts the signed shim on the ESP (through grub-install);
# grub-efi-<arch>-signed is GRUB signed by Debian, the only GRUB a Secure Boot shim loads.
SHIM_PACKAGES = ('shim-signed',)
SIGNED_GRUB_PACKAGES = ('grub-efi-amd64-signed', 'grub-efi-ia32-signed', 'grub-efi-arm64-signed')
GRUB_EFI_PACKAGES = ('grub-efi-amd64', 'grub-efi-ia32', 'grub-efi-arm64') + SIGNED_GRUB_PACKAGES
# Where the ESP is mounted, most usual first; a vfat mount elsewhere counts only with an EFI/ directory.
ESP_MOUNTPOINTS = ('/boot/efi', '/efi')
ESP_FSTYPES = ('vfat', 'msdos')
# At most this many directories under EFI/ are listed (each listing is bounded by root_facts).
MAX_LOADER_DIRS = 32
# /etc/os-release ID -> the directory its GRUB installs into (GRUB_DISTRIBUTOR), when they differ.
LOADER_DIR_OF_OS = {'rhel': 'redhat'}

# sosreport: commands the boot plugin runs (sos/report/plugins/boot.py), as sos names their output
# (`ls -lanR /sys/firmware` from sos 4.1, `ls -alhZR /sys/firmware/` in 4.8.0, `ls -alZR /sys/firmware/` since 4.8.1).
SOS_BOOT = 'sos_commands/boot'
SOS_FIRMWARE_LISTING = re.compile(r'^ls_-[A-Za-z]*R[A-Za-z]*_\.sys\.firmware$')
SOS_BOOT_LISTING = re.compile(r'^ls_-[A-Za-z]*R[A-Za-z]*_\.boot$')
SOS_MOKUTIL = 'mokutil_--sb-state'
SOS_DPKG_LIST = ('installed-debs', 'sos_commands/dpkg/dpkg_-l')

# One entry of `ls -l` in the C locale: "<mode> <links> <owner> <group> [<context>] <size> Mon DD HH:MM name".
_LS_ENTRY = re.compile(r'^([-bcdlps?])[^\s]{9}\S*\s.*?\s\S+\s+[0-9]{1,2}\s+(?:[0-9]{1,2}:[0-9]{2}|[0-9]{4})\s(.+)$')
# Longer lines of a listing are skipped (no name or path of interest is that long).
MAX_LS_LINE = 4096
_OCTAL_ESCAPE = re.compile(r'\\([0-7]{3})')


def efivar_file(name, guid):
    """The efivarfs file name of a variable: <Name>-<guid>."""
    return '%s-%s' % (name, guid)


def parse_efi_variable(data):
    """0 or 1 from the bytes of a one-byte boolean variable's efivarfs file, else None.

    The file is the 4-byte little-endian attribute word and then the data. None (garbage) for
    anything but exactly 4 + 1 bytes, an attribute word without runtime access (no variable the
    running OS can see lacks it) or a value other than 0 and 1.
    """
    if not isinstance(data, bytes) or len(data) != 5:
        return None
    attributes = struct.unpack('<I', data[:4])[0]
    if not attributes & EFI_VARIABLE_RUNTIME_ACCESS:
        return None
    value = bytearray(data[4:])[0]
    return value if value in (0, 1) else None


def parse_ls_recursive(text):
    """{directory: set of names} of `ls -lR` output (the listings a sosreport holds), or None.

    Directory headers are normalised without a trailing slash; '.' and '..' are left out, a
    symbolic link is listed under its own name. None when the text has no directory header.
    """
    if text is None:
        return None
    dirs = {}
    current = None
    for line in text.splitlines():
        if len(line) > MAX_LS_LINE:
            continue
        if line.startswith('/') and line.endswith(':'):
            current = re.sub('/+', '/', line[:-1]).rstrip('/') or '/'
            dirs.setdefault(current, set())
            continue
        match = _LS_ENTRY.match(line) if current is not None else None
        if not match:
            continue
        name = match.group(2)
        if match.group(1) == 'l':
            name = name.split(' -> ', 1)[0]
        if name not in ('.', '..'):
            dirs[current].add(name)
    return dirs or None


def boot_mode(efi_dir, firmware_names, firmware_listing, sosreport, xen_role):
    """(mode, why): 'uefi', 'bios' or 'unknown', and a short reason.

    efi_dir: sys/firmware/efi is a readable directory; firmware_names: names in sys/firmware or
    None when it is missing or unreadable; firmware_listing: parse_ls_recursive() of a
    sosreport's `ls -R /sys/firmware`, or None; sosreport: the tree is a sosreport, whose
    sys/firmware holds only what sos copied (acpi/), so only its listing tells; xen_role:
    xen_text.xen_role(). Linux sees sys/firmware/efi only on UEFI, and under Xen only when Xen
    itself was started through UEFI and passes EFI on: no efi/ under Xen proves nothing.
    """
    if efi_dir:
        return 'uefi', 'sys/firmware/efi exists'
    if sosreport:
        if not (firmware_listing or {}).get('/sys/firmware'):
            # Missing, garbage, or a block without entries (a real one always lists acpi, dmi, memmap...).
            return 'unknown', 'sosreport without a readable listing of /sys/firmware'
        if 'efi' in firmware_listing['/sys/firmware']:
            return 'uefi', 'the sosreport lists /sys/firmware/efi'
        no_efi = 'the sosreport lists /sys/firmware without efi'
    elif firmware_names is None:
        return 'unknown', 'no readable sys/firmware'
    elif 'efi' in firmware_names:
        return 'unknown', 'sys/firmware/efi is not a readable directory'
    else:
        no_efi = 'sys/firmware has no efi'
    if xen_role != 'none':
        return 'unknown', ('%s, but Linux runs under Xen, which shows it /sys/firmware/efi only when Xen itself '
                           'was started through UEFI' % no_efi)
    return 'bios', no_efi


def parse_mokutil_sb_state(text):
    """(state, why) from the output of `mokutil --sb-state` (a sosreport keeps it), or None when it tells nothing."""
    lines = set(line.strip() for line in (text or '').splitlines())
    if 'SecureBoot enabled' in lines:
        if 'SecureBoot validation is disabled in shim' in lines:
            return 'off', 'mokutil --sb-state: SecureBoot enabled, validation disabled in shim'
        return 'on', 'mokutil --sb-state: SecureBoot enabled'
    if 'SecureBoot disabled' in lines:
        if 'Platform is in Setup Mode' in lines:
            return 'off', 'mokutil --sb-state: SecureBoot disabled, setup mode'
        return 'off', 'mokutil --sb-state: SecureBoot disabled'
    if "This system doesn't support Secure Boot" in lines:
        return 'off', "mokutil --sb-state: this system doesn't support Secure Boot"
    return None


def secure_boot_state(mode, efivars, under_xen=False, mokutil=None):
    """(state, why): whether UEFI Secure Boot is enforced for the boot chain: 'on', 'off' or 'unknown'.

    mode: boot_mode()'s; efivars: None when no EFI variable could be listed (efivarfs not
    mounted, empty, unreadable), else {name: 0, 1, None (unreadable or garbage) or ABSENT} for
    the names of EFI_VARIABLES; under_xen: Linux runs under Xen; mokutil: (state, why) from
    another source, a sosreport's parse_mokutil_sb_state(), used only when efivars is None.

    on: SecureBoot=1, SetupMode=0 and shim validation not disabled (MokSBStateRT absent or 0).
    off: SecureBoot=0, SetupMode=1, no SecureBoot variable (firmware without Secure Boot) or
    MokSBStateRT=1 (`mokutil --disable-validation`). unknown: anything else that cannot be read.
    """
    if mode == 'bios':
        return 'off', 'BIOS boot, no UEFI Secure Boot'
    if mode != 'uefi':
        return 'unknown', 'the boot mode is unknown'
    if efivars is None:
        if mokutil is not None:
            return mokutil
        why = 'no EFI variables readable in /sys/firmware/efi/efivars'
        if under_xen:
            why += ' (Xen gives dom0 none when its EFI runtime services are off, efi=no-rs)'
        return 'unknown', why
    secure_boot = efivars.get('SecureBoot', ABSENT)
    setup_mode = efivars.get('SetupMode', ABSENT)
    shim = efivars.get('MokSBStateRT', ABSENT)
    if secure_boot == ABSENT:
        return 'off', 'no SecureBoot variable: the firmware has no Secure Boot'
    if setup_mode == 1:
        # Setup mode: no platform key is enrolled, so the firmware verifies nothing (SecureBoot reads 0 then).
        return 'off', 'SetupMode=1: the firmware is in setup mode (no platform key), nothing is enforced'
    if secure_boot == 0:
        return 'off', 'SecureBoot=0'
    if secure_boot is None:
        return 'unknown', 'the SecureBoot variable is unreadable or not one byte 0 or 1'
    if setup_mode is None or setup_mode == ABSENT:
        return 'unknown', 'SecureBoot=1 but the SetupMode variable is %s' % (
            'missing' if setup_mode == ABSENT else 'unreadable or not one byte 0 or 1')
    if shim == 1:
        return 'off', 'SecureBoot=1, SetupMode=0, MokSBStateRT=1: validation disabled in shim (mokutil --disable-validation)'
    if shim is None:
        return 'unknown', 'SecureBoot=1, SetupMode=0, but shim\'s MokSBStateRT is unreadable or not one byte 0 or 1'
    return 'on', 'SecureBoot=1, SetupMode=0, shim validation on'


def _check(status, message):
    return {'id': CHECK_ID, 'status': status, 'message': message}


ENFORCED_MESSAGE = (
    'Secure Boot is enforced (%s): the signed shim and GRUB boot chain refuses to load the Xen hypervisor, '
    'which Debian does not sign, so this host would not boot Xen. Either turn Secure Boot off in the firmware '
    'setup, or run "mokutil --disable-validation" and confirm the change in MokManager at the next boot '
    '(needs console access).')


def secure_boot_check(facts):
    """The secure_boot check {id, status, message} of the boot_firmware facts (the one rule).

    fail: Secure Boot is enforced, so the chain refuses the unsigned Xen; pass: not enforced or a
    BIOS boot; unknown: it could not be read (facts missing or incomplete included).
    """
    facts = facts if isinstance(facts, dict) else {}
    state = facts.get('secure_boot')
    why = facts.get('secure_boot_source') or 'no reason recorded'
    if state == 'on':
        return _check('fail', ENFORCED_MESSAGE % why)
    if state == 'off' and facts.get('mode') == 'bios':
        return _check('pass', 'BIOS boot: no Secure Boot to refuse the Xen hypervisor.')
    if state == 'off':
        return _check('pass', 'Secure Boot is not enforced (%s): the boot chain loads the unsigned Xen hypervisor.' % why)
    return _check('unknown', 'Whether Secure Boot is enforced could not be read (%s). If it is, the signed shim and GRUB '
                             'boot chain refuses the unsigned Xen hypervisor: check with "mokutil --sb-state" or in the '
                             'firmware setup.' % why)


def parse_mounts(text):
    """[(device, mountpoint, fstype)] of /proc/mounts text; octal escapes (\\040 for a blank) decoded."""
    mounts = []
    for line in (text or '').splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        device, mountpoint, fstype = (_OCTAL_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), f) for f in fields[:3])
        mounts.append((device, mountpoint, fstype))
    return mounts


def _plain_mountpoint(path):
    return path.startswith('/') and not any(ord(ch) < 32 or ch == '\x7f' for ch in path) and \
        '..' not in path.split('/')


def find_esp(mounts, has_efi_dir):
    """{mountpoint, device, fstype} of the EFI system partition among parse_mounts(), or None.

    A vfat mount at /boot/efi or /efi; else any other vfat mount for which has_efi_dir(mountpoint)
    is true (its tree holds EFI/). The last mount on a mountpoint is the one visible.
    """
    fat = {}
    for device, mountpoint, fstype in mounts:
        if fstype in ESP_FSTYPES and _plain_mountpoint(mountpoint):
            fat[mountpoint] = {'mountpoint': mountpoint, 'device': device, 'fstype': fstype}
        elif mountpoint in fat:
            del fat[mountpoint]   # something else was mounted over it
    for mountpoint in ESP_MOUNTPOINTS:
        if mountpoint in fat:
            return fat[mountpoint]
    for mountpoint in sorted(fat):
        if has_efi_dir(mountpoint):
            return fat[mountpoint]
    return None


def parse_dpkg_status(text):
    """Names of the packages /var/lib/dpkg/status says are installed, or None without the text."""
    if text is None:
        return None
    installed = set()
    package = status = None
    for line in text.splitlines() + ['']:
        if not line.strip():
            if package and status and status.split()[-1:] == ['installed']:
                installed.add(package)
            package = status = None
        elif line.startswith('Package:'):
            package = line[len('Package:'):].strip()
        elif line.startswith('Status:'):
            status = line[len('Status:'):].strip()
    return installed


def parse_dpkg_list(text):
    """Names of the packages `dpkg -l` lists as installed (a sosreport's installed-debs), or None."""
    if text is None:
        return None
    installed = set()
    for line in text.splitlines():
        fields = line.split()
        # First column: desired action then status; status 'i' is installed ("ii", "hi", "rc" is not).
        if len(fields) >= 2 and len(fields[0]) in (2, 3) and fields[0][0] in 'uihrp' and fields[0][1] == 'i':
            installed.add(fields[1].split(':', 1)[0])
    return installed


def os_release_id(text):
    """ID= of /etc/os-release (debian, ubuntu, rhel...), or None."""
    for line in (text or '').splitlines():
        if line.startswith('ID='):
            value = line[3:].strip().strip('"\'').lower()
            return value or None
    return None


def _pick_loader_dir(esp_dirs, os_id):
    candidates = sorted(name for name, files in esp_dirs.items()
                        if name.lower() != 'boot' and files & set(SHIM_FILES + GRUB_FILES))
    wanted = LOADER_DIR_OF_OS.get(os_id, os_id)
    for name in candidates:
        if wanted and name.lower() == wanted:
            return name
    # Several distributions' loaders and no os-release to choose: ambiguous, say nothing.
    return candidates[0] if len(candidates) == 1 else None


def boot_chain(esp_dirs, installed, os_id=None):
    """{shim, grub, signed_grub, loader_dir, source}: the boot chain this OS has on its ESP.

    esp_dirs: {directory under EFI/: set of lower-case file names} or None when the ESP could not
    be listed; installed: installed package names (dpkg) or None; os_id: os_release_id().
    shim/grub come from EFI/<loader_dir>/ (source 'esp') when a loader directory is found there,
    else from the packages shim-signed and grub-efi-* (source 'dpkg'), else null. EFI/BOOT/ is not
    a loader directory: its BOOTX64.EFI may be shim, GRUB or anything else.
    """
    loader_dir = _pick_loader_dir(esp_dirs, os_id) if esp_dirs else None
    signed_grub = None if installed is None else any(p in installed for p in SIGNED_GRUB_PACKAGES)
    if loader_dir is not None:
        files = esp_dirs[loader_dir]
        return {'shim': any(f in files for f in SHIM_FILES), 'grub': any(f in files for f in GRUB_FILES),
                'signed_grub': signed_grub, 'loader_dir': 'EFI/' + loader_dir, 'source': 'esp'}
    if installed is not None:
        return {'shim': any(p in installed for p in SHIM_PACKAGES), 'grub': any(p in installed for p in GRUB_EFI_PACKAGES),
                'signed_grub': signed_grub, 'loader_dir': None, 'source': 'dpkg'}
    return {'shim': None, 'grub': None, 'signed_grub': None, 'loader_dir': None, 'source': None}


def assess(mode, mode_source, efivars, esp, chain, under_xen=False, mokutil=None):
    """The boot_firmware facts from the readings (see gather())."""
    state, why = secure_boot_state(mode, efivars, under_xen, mokutil)
    if mode not in ('uefi', 'bios'):
        why = 'BIOS or UEFI boot is unknown: %s' % mode_source
    values = dict((name, None) for name, guid in EFI_VARIABLES)
    for name in values:
        value = (efivars or {}).get(name)
        values[name] = value if value in (0, 1) else None
    facts = {
        'mode': mode,
        'mode_source': mode_source,
        'secure_boot': state,
        'secure_boot_source': why,
        'efi_variables': values,
        'esp': esp,
        'chain': chain,
    }
    facts['checks'] = [secure_boot_check(facts)]
    return facts


# I/O: everything below reads through root_facts only.

def read_efivars(root):
    """{name: 0|1|None|ABSENT} of EFI_VARIABLES from efivarfs under root, or None when none can be listed.

    An empty directory is efivarfs not mounted (the kernel's bare mount point), never a firmware
    without variables: a UEFI firmware always has some (BootOrder, Boot####, ...).
    """
    names = list_under(root, EFIVARS)
    if not names:
        return None
    names = set(names)
    values = {}
    for name, guid in EFI_VARIABLES:
        filename = efivar_file(name, guid)
        if filename not in names:
            values[name] = ABSENT
        else:
            # Bigger than 4 + 1 bytes is garbage anyway: read at most a little more, never a huge file.
            values[name] = parse_efi_variable(read_bytes_under(root, EFIVARS + '/' + filename, limit=64))
    return values


def _sos_file(root, pattern):
    for name in list_under(root, SOS_BOOT) or ():
        if pattern.match(name):
            return read_under(root, SOS_BOOT + '/' + name)
    return None


def _esp_dirs_from_tree(root, mountpoint):
    """{dir under EFI/: lower-case names} from the ESP's own files under root, or None."""
    top = mountpoint.strip('/')
    efi = [name for name in list_under(root, top) or () if name.lower() == 'efi']
    if not efi:
        return None
    efi_path = (top + '/' if top else '') + efi[0]
    subdirs = list_under(root, efi_path)
    if subdirs is None:
        return None
    dirs = {}
    for name in subdirs[:MAX_LOADER_DIRS]:
        files = list_under(root, efi_path + '/' + name)
        if files is not None:
            dirs[name] = set(f.lower() for f in files)
    return dirs


def _esp_dirs_from_listing(listing, mountpoint):
    """{dir under EFI/: lower-case names} from a sosreport's `ls -R /boot`, or None."""
    if not listing:
        return None
    prefix = (mountpoint.rstrip('/') + '/efi/').lower()
    dirs = {}
    for path, names in listing.items():
        lower = path.lower()
        if lower.startswith(prefix) and '/' not in lower[len(prefix):]:
            dirs[path[len(prefix):]] = set(n.lower() for n in names)
    return dirs or None


def gather(root, xen_role=None):
    """The boot_firmware facts of the machine whose files are under `root`.

    xen_role: xen_text.xen_role() when the caller has it (xen_facts), else read here.
    """
    if xen_role is None:
        xen_role = decide_xen_role(read_under(root, 'sys/hypervisor/type'), read_under(root, 'proc/xen/capabilities'),
                                   read_under(root, 'sys/hypervisor/properties/features'))
    sosreport = list_under(root, 'sos_commands') is not None
    firmware_listing = parse_ls_recursive(_sos_file(root, SOS_FIRMWARE_LISTING)) if sosreport else None
    efi_dir = list_under(root, 'sys/firmware/efi') is not None
    mode, mode_source = boot_mode(efi_dir, list_under(root, 'sys/firmware'), firmware_listing, sosreport, xen_role)

    efivars = read_efivars(root) if mode == 'uefi' else None
    mokutil = None
    if sosreport:
        # sos keeps no efivars, but the output of `mokutil --sb-state`, which reads them.
        mokutil = parse_mokutil_sb_state(read_under(root, SOS_BOOT + '/' + SOS_MOKUTIL))
        if mode == 'unknown' and mokutil is not None:
            # mokutil printed a Secure Boot state, so Linux could read EFI variables: it booted through UEFI.
            mode, mode_source = 'uefi', 'the sosreport\'s mokutil --sb-state read EFI variables'
        if mokutil is None:
            mokutil = ('unknown', 'the sosreport keeps no EFI variables, and no mokutil --sb-state output that tells')

    mounts = parse_mounts(read_under(root, 'proc/mounts') or read_under(root, 'proc/self/mounts'))
    boot_listing = parse_ls_recursive(_sos_file(root, SOS_BOOT_LISTING)) if sosreport else None

    def has_efi_dir(mountpoint):
        return _esp_dirs_from_tree(root, mountpoint) is not None
    esp = find_esp(mounts, has_efi_dir)
    esp_dirs = None
    if esp is not None:
        # A sosreport holds only the ESP files sos copied (grub.cfg): its `ls -R /boot` lists the ESP.
        esp_dirs = _esp_dirs_from_listing(boot_listing, esp['mountpoint']) if sosreport else \
            _esp_dirs_from_tree(root, esp['mountpoint'])
    installed = parse_dpkg_status(read_under(root, 'var/lib/dpkg/status'))
    if installed is None and sosreport:
        for path in SOS_DPKG_LIST:
            installed = parse_dpkg_list(read_under(root, path))
            if installed is not None:
                break
    os_id = os_release_id(read_under(root, 'etc/os-release') or read_under(root, 'usr/lib/os-release'))
    chain = boot_chain(esp_dirs, installed, os_id)
    return assess(mode, mode_source, efivars, esp, chain, under_xen=xen_role != 'none', mokutil=mokutil)
