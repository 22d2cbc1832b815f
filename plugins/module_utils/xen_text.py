# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one parser of Xen's text: toolstack output and the files Xen exposes to Linux.

The parsers and deciders are pure functions over text, so the facts modules and the filter
plugins share them and the unit tests can feed them recorded output. No I/O here: the facts
modules read files beneath their `root` option with module_utils/root_facts.py.

Every parser takes hostile text without raising and in time linear in its length: numbers too long
for a machine word stay text, and no float that JSON cannot carry (nan, inf) is ever returned.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math
import re

# Bit 11 of the XENVER_get_features submap 0: the domain is the control domain.
XENFEAT_DOM0 = 11

# "key                    : value" as printed by xm info (Xen 3.x) and xl info (%-23s: %s).
# At least one blank before the colon keeps the tables of `xl info -n` ("cpu:  core ...") out.
# `xl info -n` also prints "device topology        :" (a key with a blank, stored as device_topology).
_INFO_LINE = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*(?: [a-z]+)?)\s+:\s?(.*)$')
# ASCII digits only (\d would take '٣'), and short enough for a 64-bit value: longer stays text.
_INT = re.compile(r'^-?[0-9]{1,19}$')
_FLOAT = re.compile(r'^-?[0-9]{1,19}\.[0-9]{1,19}$')
_DIGITS = re.compile(r'^[0-9]+$')
# Roles xen_role returns.
ROLES = ('dom0', 'domU', 'none', 'unknown')
# Keys whose values are space-separated lists.
_LIST_KEYS = ('xen_caps', 'virt_caps')
# Keys that are numeric-looking but must stay text (hex words, versions, build ids).
_TEXT_KEYS = ('xen_extra', 'xen_version', 'hw_caps', 'xen_changeset', 'build_id', 'release', 'version',
              'xen_commandline', 'platform_params', 'host', 'machine')
# A state column of xm/xl list: six flag positions, r b p s c d, '-' when not set.
_STATE = re.compile(r'^[rbpscd-]{6}$')


def _scalar(key, value):
    """Type one xm/xl info value: ints and floats as numbers, everything else kept whole."""
    value = value.strip()
    if key in _TEXT_KEYS:
        return value
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return finite_float(value)
    return value


def finite_float(text):
    """float(text) when it is a finite number, else text unchanged (never nan or inf: strict JSON)."""
    try:
        number = float(text)
    except (TypeError, ValueError, OverflowError):
        return text
    return number if math.isfinite(number) else text


_BDF = re.compile(r'^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$')
# The time column of xm/xl list ("%8.1f"): a plain decimal, nothing float() would also take (nan, inf, 1e999).
_TIME = re.compile(r'^[0-9]{1,19}(?:\.[0-9]{1,19})?$')
# The header of xm/xl list, with or without -v/-l columns.
_LIST_HEADER = ('Name', 'ID')


def _table(lines):
    """Parse a table block of `xl info -n` (cpu_topology, device topology, numa_info) into a list of dicts.

    The header is like "cpu:    core    socket     node"; rows like "  0:       0        0        0" or
    "0000:00:1f.2      0". A row with more cells than headers (numa_info distances) puts the surplus
    in a list under the last header. Other lines ("No device topology data available") are skipped.
    """
    header = lines[0].replace(':', ' ').split()
    rows = []
    for line in lines[1:]:
        cells = line.split()
        if len(cells) < len(header) or not (cells[0].endswith(':') or _BDF.match(cells[0])):
            continue
        cells[0] = cells[0].rstrip(':')
        cells = [_scalar('', c) for c in cells]
        row = dict(zip(header[:-1], cells[:len(header) - 1]))
        rest = cells[len(header) - 1:]
        row[header[-1]] = rest if len(rest) > 1 else rest[0]
        rows.append(row)
    return rows


def parse_xen_info(text):
    """Parse the output of `xm info` or `xl info` into a dict.

    Integers and decimals become numbers (hex words such as hw_caps and versions such as
    xen_extra stay strings), xen_caps and virt_caps become lists, every other value (for example
    xen_commandline) is kept whole. Tables printed by `xl info -n` become lists of dicts.
    Lines that are not "key : value" (warnings on stderr mixed in, blank lines) are ignored.
    """
    info = {}
    if not text:
        return info
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _INFO_LINE.match(lines[i].rstrip())
        i += 1
        if not match:
            continue
        key, value = match.group(1).replace(' ', '_'), match.group(2)
        if key in _LIST_KEYS:
            info[key] = value.split()
            continue
        if value.strip() == '':
            block = []
            while i < len(lines) and lines[i].strip() and not _INFO_LINE.match(lines[i].rstrip()):
                block.append(lines[i])
                i += 1
            if len(block) > 1:
                info[key] = _table(block)
                continue
        info[key] = _scalar(key, value)
    return info


def parse_xen_list(text):
    """Parse the output of `xm list` or `xl list` into a list of domains.

    Each item is {name, id, mem, vcpus, state, time}: id, mem (MiB) and vcpus are ints, time (s) a
    float. A domain that is not running (xend's managed but halted domains, a domain being
    created) has no id: id is None, and a missing state is None. Extra columns of `-v`/`-l`
    (UUID, reason, security label) are ignored. The header and unparseable lines are skipped.
    Only the first line that looks like the header ("Name ID Mem ...") is the header: a domain
    literally named Name is a domain. A time that is not a plain decimal number (nan, inf, 1e999)
    is null, never a float JSON cannot carry.
    """
    domains = []
    if not text:
        return domains
    header_seen = False
    for line in text.splitlines():
        tokens = line.split()
        if not header_seen and tuple(tokens[:2]) == _LIST_HEADER:
            header_seen = True
            continue
        if len(tokens) < 4:
            continue
        name = tokens[0]
        rest = tokens[1:]
        # Find the state column, if any; numbers before it are [id] mem vcpus, after it time.
        state_at = next((n for n, tok in enumerate(rest) if _STATE.match(tok)), None)
        if state_at is None:
            numbers, after = rest[:-1], rest[-1:]
        else:
            numbers, after = rest[:state_at], rest[state_at + 1:]
        if not all(_INT.match(tok) for tok in numbers) or len(numbers) not in (2, 3) or not after:
            continue
        if _TIME.match(after[0]):
            seconds = finite_float(after[0])
        else:
            try:
                float(after[0])
            except (ValueError, OverflowError):
                continue
            seconds = None  # nan, inf, 1e5, -1: a number, but not a time xl prints
        values = [int(tok) for tok in numbers]
        if len(values) == 2:
            values.insert(0, None)
        domains.append({
            'name': name,
            'id': values[0],
            'mem': values[1],
            'vcpus': values[2],
            'state': rest[state_at] if state_at is not None else None,
            'time': seconds,
        })
    return domains


def _words(text):
    return (text or '').split()


def is_dom0(proc_xen_capabilities, sys_features):
    """Return True/False whether this domain is the control domain, None when nothing says.

    proc_xen_capabilities: text of /proc/xen/capabilities (xenfs; "control_d" in dom0, empty
    in a domU), or None when the file is missing. sys_features: text of
    /sys/hypervisor/properties/features, a hex string of XENVER_get_features submaps (submap 0
    last), or None. xenfs is not always mounted, so the feature bit is the fallback.
    """
    if proc_xen_capabilities is not None and 'control_d' in _words(proc_xen_capabilities):
        return True
    if sys_features is not None and sys_features.strip():
        bits = _hex(sys_features.strip())
        if bits is not None:
            return bool(bits >> XENFEAT_DOM0 & 1)
    if proc_xen_capabilities is not None:
        # xenfs is mounted and does not say control_d: a domU.
        return False
    return None


def _hex(text):
    """int of an ASCII hex string (a few hundred digits at most), else None: int() takes '٣' and '1_0'."""
    if not re.match(r'^(?:0[xX])?[0-9a-fA-F]{1,512}$', text):
        return None
    return int(text, 16)


def xen_role(hypervisor_type, proc_xen_capabilities, sys_features):
    """Decide the role of this Linux under Xen: 'dom0', 'domU', 'none' or 'unknown'.

    hypervisor_type: text of /sys/hypervisor/type ("xen") or None. Xen is running when that says
    xen or when xenfs/xenified kernels expose /proc/xen/capabilities. Running Xen is 'unknown'
    when nothing could be read that tells the control domain from a guest (no xenfs, features
    missing, unreadable or not hex): a wrong 'domU' would call a dom0 a guest.
    """
    running = (hypervisor_type or '').strip() == 'xen' or proc_xen_capabilities is not None
    if not running:
        return 'none'
    dom0 = is_dom0(proc_xen_capabilities, sys_features)
    if dom0 is None:
        return 'unknown'
    return 'dom0' if dom0 else 'domU'


def xen_version(major, minor, extra):
    """Join /sys/hypervisor/version/{major,minor,extra} into e.g. '4.17.7' or '3.1.2-419.el5'.

    None when major or minor is missing. extra usually starts with '.' (".7", ".2-419.el5",
    "-unstable"); it is appended as is.
    """
    if major is None or minor is None or not major.strip() or not minor.strip():
        return None
    return '%s.%s%s' % (major.strip(), minor.strip(), (extra or '').strip())


def parse_capabilities(text):
    """Split /sys/hypervisor/properties/capabilities (or xen_caps) into a list."""
    return _words(text)


def hvm_from_capabilities(capabilities):
    """True when Xen lists an hvm-* capability (it runs HVM guests on this CPU), else False."""
    return any(cap.startswith('hvm-') for cap in capabilities)


def guest_type(text):
    """Normalise /sys/hypervisor/guest_type ("PV", "HVM", "PVH") to 'pv'/'hvm'/'pvh', or None."""
    value = (text or '').strip().lower()
    return value if value in ('pv', 'hvm', 'pvh') else None


def kernel_config_dom0(config_text):
    """Whether a kernel .config can run as dom0: True, False, or None when no config is given.

    pvops kernels (2.6.37+) say CONFIG_XEN_DOM0=y; the old xenified kernels (RHEL 5 kernel-xen,
    SLES 10/11) have no CONFIG_XEN_DOM0 but CONFIG_XEN_PRIVILEGED_GUEST=y.
    """
    if config_text is None:
        return None
    for line in config_text.splitlines():
        line = line.strip()
        if line in ('CONFIG_XEN_DOM0=y', 'CONFIG_XEN_PRIVILEGED_GUEST=y'):
            return True
    return False


def running_process(cmdlines, program):
    """True when any command line (a list of argv lists, as read from /proc/*/cmdline) runs program.

    Matches argv[0] or, for a Python interpreter (xend is a Python script: "python /usr/sbin/xend start"),
    argv[1], by basename.
    """
    for argv in cmdlines:
        names = [arg.rsplit('/', 1)[-1] for arg in argv[:2]]
        if names and names[0] == program:
            return True
        if len(names) == 2 and names[0].startswith('python') and names[1] == program:
            return True
    return False


# Xen 4.5 removed xend and the xm toolstack: xl from then on. The one place this rule is written.
XL_SINCE = (4, 5)


_MEMTOTAL = re.compile(r'^MemTotal:[ \t]+([0-9]{1,15})[ \t]+kB[ \t]*$', re.M)


def host_memory_mb(role, meminfo, info):
    """The machine's memory in MiB as the bound for dom0's (an int), or None when not known.

    On a dom0, Xen's total_memory (`xl info`/`xm info`, parsed into info): dom0's own MemTotal is only its share. Where
    Linux does not run on Xen, its MemTotal (/proc/meminfo, kB). In a domU, or with role unknown, none: that memory is
    the guest's, not the machine's.
    """
    if role == 'dom0':
        total = (info or {}).get('total_memory')
        return total if isinstance(total, int) and not isinstance(total, bool) and total > 0 else None
    if role == 'none':
        match = _MEMTOTAL.search(meminfo or '')
        return int(match.group(1)) // 1024 if match and int(match.group(1)) >= 1024 else None
    return None


def toolstack_of(version):
    """The toolstack a Xen release ships: 'xm' before 4.5, else 'xl' (also for an unknown version: every current Xen)."""
    major = version_tuple(version if isinstance(version, str) else None)
    return 'xm' if major is not None and major < XL_SINCE else 'xl'


def choose_toolstack(major, have_xl, have_xm, xend_running):
    """Pick the toolstack command for a live dom0: 'xl', 'xm' or None.

    major: Xen major.minor as a tuple of ints, or None. Xen 4.5 removed xm/xend, so from 4.5 only
    xl counts. Before that, xm is preferred while xend runs (xl and xend fight over domains),
    xl otherwise, and xm as the last resort.
    """
    if major is not None and tuple(major) >= XL_SINCE:
        return 'xl' if have_xl else None
    if have_xm and xend_running:
        return 'xm'
    if have_xl:
        return 'xl'
    if have_xm:
        return 'xm'
    return None


def version_tuple(version):
    """'4.17.7' -> (4, 17); None or junk -> None."""
    match = re.match(r'^([0-9]{1,9})\.([0-9]{1,9})', version or '')
    if not match:
        return None
    return (int(match.group(1)), int(match.group(2)))


def release_sort_key(release):
    """Sort kernel releases naturally: '2.6.18-419.el5' before '2.6.18-419.el5xen', 5.10 after 5.9."""
    # Digits compare by length then text: no int() of a hostile 10,000-digit part.
    return [(0, len(part.lstrip('0')), part.lstrip('0'), '') if _DIGITS.match(part) else (1, 0, '', part)
            for part in re.split(r'([0-9]+)', release) if part]
