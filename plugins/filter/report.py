# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters behind playbooks/report.yml: one readiness row per host.

The playbook registers the raw result of xen_facts (cpu_virt=true, boot_firmware=true: one call gives the
cpu_virt, xen and boot_firmware facts), including unreachable and failed results, and hands it to readiness_row;
the templates only lay the rows out. The verdict rule lives here, in one place, so it is unit-tested; the
Secure Boot decision itself is boot_facts' secure_boot check (module_utils/boot_firmware.py), which xen_preflight
reads too.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.xenhost.dom0.plugins.module_utils import platforms

# How cpu_virt_facts' checks (ids pae, 64bit, hvm, iommu, firmware) make the verdict:
#  - required checks (pae, 64bit): fail -> "not ready"; unknown -> "unknown". Any check id this
#    filter does not know yet is treated as required: better a false "not ready" than a false "ready".
#  - except a 32-bit-only x86 CPU with PAE (64bit fails, pae passes, nothing else blocks): only old
#    32-bit PAE Xen runs there -> "ready (32-bit Xen only)", see THIRTY_TWO_BIT_XEN_PLATFORMS.
#  - hvm: the module says warn (or fail) when HVM is known to be missing -> "ready (PV only)";
#    unknown (a dom0 without Xen's capabilities, Arm) is only a warning: HVM is not known to be absent.
#  - firmware: fail means VT is locked off in the BIOS -> "ready (PV only)" with what to switch on.
#  - iommu: only matters for PCI passthrough, never changes the verdict.
#  - secure_boot (boot_facts): fail (Secure Boot enforced: the signed chain refuses the unsigned Xen image, on every
#    platform of the table) -> "not ready", as xen_preflight stops there; unknown is a warning only on a host known to
#    boot through UEFI (a copy of a machine without sys/firmware says nothing about it), as preflight only warns.
# For the optional checks an "unknown" status is common and not actionable, so it is not shown.
# Unknown input never gives a decided verdict: a required check that is missing, or has a status
# other than pass/fail/warn/unknown, counts as unknown, and xen_capable false is trusted only when
# no required check is undecided (cpu_virt_facts reports an unreadable cpuinfo that way).
PAE_CHECK = 'pae'
BITS_CHECK = '64bit'
HVM_CHECK = 'hvm'
FIRMWARE_CHECK = 'firmware'
SECURE_BOOT_CHECK = 'secure_boot'
INFORMATIVE_CHECKS = ('iommu',)
REQUIRED_CHECKS = (PAE_CHECK, BITS_CHECK)
# Checks whose failure makes a host "not ready" (the generic rule of _verdict): the required ones and secure_boot.
BLOCKING_CHECKS = REQUIRED_CHECKS + (SECURE_BOOT_CHECK,)
STATUSES = ('pass', 'fail', 'warn', 'unknown')

X86_ARCH = re.compile(r'^(i[3-6]86|x86_64|amd64)$')

# Display names for the technology values cpu_virt_facts returns.
HVM_NAMES = {'vmx': 'VT-x', 'svm': 'AMD-V'}
IOMMU_NAMES = {'vt-d': 'VT-d', 'amd-vi': 'AMD-Vi'}

VERDICT_READY = 'ready'
VERDICT_PV_ONLY = 'ready (PV only)'
VERDICT_32BIT = 'ready (32-bit Xen only)'
VERDICT_NOT_READY = 'not ready'
VERDICT_UNKNOWN = 'unknown'
VERDICT_UNREACHABLE = 'unreachable'
VERDICT_ERROR = 'error'
# Order of the summary line (worst first, so it is what the eye meets first).
# A 32-bit-only CPU is more limited than a PV-only one (it rules out every current Xen), so it comes first.
VERDICT_ORDER = (VERDICT_UNREACHABLE, VERDICT_ERROR, VERDICT_NOT_READY, VERDICT_UNKNOWN, VERDICT_32BIT, VERDICT_PV_ONLY,
                 VERDICT_READY)

# The report cannot know a host's target platform (it gathers no OS facts and may read a sosreport), so its verdict
# covers every platform of the table (module_utils/platforms.py) that xen_preflight decides with: every platform
# refuses a failed pae check; a failed 64bit check (a 32-bit-only x86 CPU) is fatal on the platforms whose
# fatal_checks name it (they ship only a 64-bit Xen), and accepted on the others, whose Xen still has a 32-bit PAE
# hypervisor. Both lists come from the table: one rule, one place.
THIRTY_TWO_BIT_XEN_PLATFORMS = platforms.platforms_by_cpu_bits()[0]
SIXTY_FOUR_BIT_XEN_PLATFORMS = platforms.platforms_by_cpu_bits()[1]
THIRTY_TWO_BIT_REASON = (
    'The CPU has PAE but is 32-bit only (no "lm" flag): only old 32-bit (PAE) Xen releases run on it, such as %s in its '
    'i686 edition, which the xen_preflight role accepts. Current Xen (4.3 and later) needs a 64-bit (x86_64) CPU, '
    'so %s cannot run here.' % (' or '.join(name for dummy, name in THIRTY_TWO_BIT_XEN_PLATFORMS),
                                ' and '.join(name for dummy, name in SIXTY_FOUR_BIT_XEN_PLATFORMS)))

# Longest error text kept in a row: a module traceback must not swamp a 200-host table.
MAX_ERROR_CHARS = 300

# CommonMark lets any ASCII punctuation be backslash-escaped. These are the characters that could
# break the table (|), start raw HTML (<, >, &), code spans or links in a rendered Markdown file.
_MD_SPECIAL = re.compile(r'([\\|<>&`\[\]])')
_CONTROL = re.compile(r'[\x00-\x1f\x7f]+')


def _mapping(value):
    return value if isinstance(value, dict) else {}


def _yes_no(value):
    if value is True:
        return 'yes'
    if value is False:
        return 'no'
    return '?'


def _error_text(result, default):
    """First line of a failed/unreachable result's message, bounded in length."""
    msg = result.get('msg') or result.get('module_stderr') or result.get('stderr') or default
    lines = [line.strip() for line in to_text(msg).splitlines() if line.strip()]
    text = lines[0] if lines else default
    # ansible-core 2.19 prefixes every task error with this; in a table it is only noise.
    if text.startswith('Task failed: ') and len(text) > len('Task failed: '):
        text = text[len('Task failed: '):]
    # "MODULE FAILURE" says nothing by itself; the cause (e.g. a SyntaxError under an old Python) ends module_stderr.
    stderr = [line.strip() for line in to_text(result.get('module_stderr') or '').splitlines() if line.strip()]
    if stderr and stderr[-1] not in text:
        text = '%s (%s)' % (text, stderr[-1])
    if len(text) > MAX_ERROR_CHARS:
        text = text[:MAX_ERROR_CHARS - 3] + '...'
    return text


def _result_problem(result, what):
    """(verdict, message) when a registered module result carries no facts, else None."""
    if not isinstance(result, dict) or not result:
        return VERDICT_ERROR, '%s: no result (the task did not run on this host)' % what
    if result.get('unreachable'):
        return VERDICT_UNREACHABLE, 'unreachable: %s' % _error_text(result, 'no message')
    if result.get('timedout'):
        period = _mapping(result.get('timedout')).get('period')
        return VERDICT_ERROR, '%s timed out%s: the host did not answer in time (a hung mount or device?)' % (
            what, ' after %s s' % period if isinstance(period, int) and not isinstance(period, bool) else '')
    if result.get('failed'):
        return VERDICT_ERROR, '%s failed: %s' % (what, _error_text(result, 'no message'))
    if result.get('skipped'):
        return VERDICT_ERROR, '%s: skipped' % what
    return None


def _cpu_text(cpu):
    arch = to_text(cpu.get('arch') or '')
    model = cpu.get('model_name') or cpu.get('vendor')
    details = [arch] if model and arch else []
    for key, unit in (('logical_cpus', 'CPU'), ('sockets', 'socket')):
        if cpu.get(key):
            details.append('%s %s%s' % (cpu[key], unit, '' if cpu[key] == 1 else 's'))
    name = to_text(model or arch or 'unknown CPU')
    return '%s (%s)' % (name, ', '.join(details)) if details else name


def _is_x86(arch):
    return bool(X86_ARCH.match(to_text(arch or '')))


def _bits_text(cpu, flags):
    """64-bit column: the lm flag on x86; elsewhere the architecture name tells (aarch64, ppc64le, s390x)."""
    arch = to_text(cpu.get('arch') or '')
    if _is_x86(arch) or not arch:
        return _yes_no(flags.get('lm')) if arch else '?'
    return 'yes' if '64' in arch or arch == 's390x' else 'no'


def _hvm_text(hvm):
    if hvm.get('capable') is True:
        return HVM_NAMES.get(hvm.get('technology'), to_text(hvm.get('technology') or 'yes'))
    return _yes_no(hvm.get('capable'))


def _iommu_text(iommu):
    if iommu.get('present') is True:
        return IOMMU_NAMES.get(iommu.get('type'), to_text(iommu.get('type') or 'yes'))
    return _yes_no(iommu.get('present'))


def _xen_text(xen):
    role = xen.get('role') or 'none'
    parts = [to_text(role)]
    if role == 'domU' and xen.get('guest_type'):
        parts.append('(%s)' % to_text(xen['guest_type']).upper())
    if xen.get('version'):
        parts.append(to_text(xen['version']))
    if role == 'dom0' and xen.get('toolstack'):
        parts.append('(%s)' % xen['toolstack'])
    return ' '.join(parts)


def _only_32bit_xen(cpu, blocking_ids):
    """True when the only blocking failure is the 64bit check of an x86 CPU that has PAE but no lm.

    Such a CPU runs a 32-bit PAE Xen (RHEL/CentOS 5's Xen 3.1), which the xen_preflight role accepts on
    THIRTY_TWO_BIT_XEN_PLATFORMS. cpu_virt_facts' xen_capable is false for it (it means: current Xen).
    """
    flags = _mapping(cpu.get('flags'))
    checks = cpu.get('checks') if isinstance(cpu.get('checks'), (list, tuple)) else []
    statuses = [_mapping(c).get('status') for c in checks if _mapping(c).get('id') == PAE_CHECK]
    return (blocking_ids == [BITS_CHECK] and statuses == ['pass'] and _is_x86(cpu.get('arch'))
            and flags.get('pae') is True and flags.get('lm') is False)


def _boot_checks(boot):
    """boot_facts' checks as _verdict takes them: an unknown secure_boot counts only on a host booted through UEFI."""
    checks = boot.get('checks') if isinstance(boot.get('checks'), (list, tuple)) else []
    return [c for c in (_mapping(c) for c in checks)
            if not (c.get('id') == SECURE_BOOT_CHECK and c.get('status') == 'unknown' and boot.get('mode') != 'uefi')]


def _verdict(cpu, boot_checks=()):
    """(verdict, reasons, warnings) from cpu_virt_facts' checks and boot_facts' (already filtered by _boot_checks).

    Only what matters for the verdict is given as reasons: a CPU that cannot run Xen at all lists
    just the blocking failures, not the HVM or IOMMU advice that no longer applies.
    """
    blocking = []
    blocking_ids = []
    undecided = []
    pv_only = []
    warnings = []
    checks = cpu.get('checks') if isinstance(cpu.get('checks'), (list, tuple)) else []
    seen = set()
    for check in list(checks) + list(boot_checks):
        check = _mapping(check)
        cid = check.get('id')
        status = check.get('status')
        message = to_text(check.get('message') or '%s check: %s' % (cid, status))
        if status not in STATUSES:
            status = 'unknown'
            message = '%s (status %r is not one cpu_virt_facts reports: unknown)' % (message, check.get('status'))
        seen.add(cid)
        if cid in INFORMATIVE_CHECKS:
            if status in ('fail', 'warn'):
                warnings.append(message)
        elif cid == HVM_CHECK:
            if status in ('fail', 'warn'):
                pv_only.append(message)
            elif status == 'unknown':
                warnings.append(message)
        elif cid == FIRMWARE_CHECK:
            if status == 'fail':
                pv_only.append(message)
            elif status == 'warn':
                warnings.append(message)
        elif cid == SECURE_BOOT_CHECK and status == 'unknown':
            warnings.append(message)
        elif status == 'fail':
            blocking.append(message)
            blocking_ids.append(cid)
        elif status == 'unknown':
            undecided.append(message)
        elif status == 'warn':
            warnings.append(message)
    for cid in REQUIRED_CHECKS:
        if checks and cid not in seen:
            undecided.append('cpu_virt_facts reported no %s check, so it is unknown' % cid)
    limits = []
    if THIRTY_TWO_BIT_XEN_PLATFORMS and _only_32bit_xen(cpu, blocking_ids):
        # Not blocking: xen_preflight sets such a host up on RHEL/CentOS 5 (32-bit PAE Xen 3.1).
        blocking = []
        limits.append(THIRTY_TWO_BIT_REASON)
    elif not blocking and not undecided and cpu.get('xen_capable') is False:
        # The module's own summary disagrees with its checks: trust the stricter one, say so.
        blocking.append('cpu_virt_facts reports this CPU cannot run Xen (xen_capable is false)')
    if blocking:
        return VERDICT_NOT_READY, blocking, []
    if not checks:
        return VERDICT_UNKNOWN, ['cpu_virt_facts returned no checks'], warnings
    if undecided:
        return VERDICT_UNKNOWN, undecided + limits + pv_only, warnings
    if limits:
        # HVM advice still applies on 32-bit Xen 3.1 (it runs HVM guests on VT-x/AMD-V), so it stays a reason.
        return VERDICT_32BIT, limits + pv_only, warnings
    if pv_only:
        return VERDICT_PV_ONLY, pv_only, warnings
    return VERDICT_READY, [], warnings


def _boot_texts(boot):
    """(Boot column, Secure Boot column): UEFI/BIOS/?, on/off/?; n/a for Secure Boot on a BIOS host."""
    mode = boot.get('mode')
    boot_text = {'uefi': 'UEFI', 'bios': 'BIOS'}.get(mode, '?')
    secure = boot.get('secure_boot')
    if mode == 'bios':
        return boot_text, 'n/a'
    return boot_text, secure if secure in ('on', 'off') else '?'


def _boot_facts(*results):
    """boot_firmware facts from the first registered result that carries them (xen_facts with boot_firmware=true)."""
    for result in results:
        facts = _mapping(_mapping(_mapping(result).get('ansible_facts')).get('boot_firmware'))
        if facts:
            return facts
    return {}


def _xen_warnings(xen):
    warnings = []
    if xen.get('role') == 'domU':
        warnings.append('this host is itself a Xen guest (domU): a dom0 belongs on the physical machine')
    # A dom0 needs a dom0-capable kernel; warn when every kernel we know about says no.
    kernels = [_mapping(xen.get('kernel'))] + [_mapping(k) for k in xen.get('boot_kernels') or []]
    known = [k for k in kernels if k.get('dom0_capable') is not None]
    if xen.get('role') != 'dom0' and known and not [k for k in known if k.get('dom0_capable')]:
        warnings.append('no installed kernel can run as dom0 (no CONFIG_XEN_DOM0 or CONFIG_XEN_PRIVILEGED_GUEST in /boot/config-*): '
                        'one must be installed (on RHEL/CentOS 5 kernel-xen, which the xen_packages role installs)')
    # xen_facts' hypervisor_reboot (module_utils/xen_image.py): a Xen update installed but not running yet.
    pending = _mapping(xen.get('hypervisor_reboot'))
    if xen.get('role') == 'dom0' and pending.get('status') == 'required':
        warnings.append(to_text(pending.get('message') or 'reboot required: the installed Xen is not the running one'))
    return warnings


def readiness_row(host, result, xen_result=None):
    """One report row for a host from its registered facts results.

    result is xen_facts' with cpu_virt=true and boot_firmware=true (what report.yml registers: one call, every fact
    in it), or cpu_virt_facts' own; xen_result is xen_facts' when that was a separate call. boot_firmware facts are
    taken from whichever result carries them.
    """
    one_call = xen_result is None and 'xen' in _mapping(_mapping(result).get('ansible_facts'))
    cpu_result, xen_result = result, (result if one_call else xen_result)
    row = {
        'host': to_text(host),
        'cpu': '', 'pae': '', 'x86_64': '', 'hvm': '', 'hvm_source': '', 'iommu': '', 'boot': '', 'secure_boot': '',
        'xen': '',
        'verdict': VERDICT_ERROR, 'reasons': [], 'warnings': [], 'notes': [],
    }
    problem = _result_problem(cpu_result, 'xen_facts' if xen_result is None else 'cpu_virt_facts')
    if problem:
        row['verdict'], message = problem
        row['reasons'] = [message]
        row['notes'] = [message]
        return row

    cpu = _mapping(_mapping(cpu_result.get('ansible_facts')).get('cpu_virt'))
    flags = _mapping(cpu.get('flags'))
    hvm = _mapping(cpu.get('hvm'))
    row.update({
        'cpu': _cpu_text(cpu),
        # PAE is an x86 notion; cpu_virt_facts reports x86 flags as false on other architectures.
        'pae': _yes_no(flags.get('pae')) if _is_x86(cpu.get('arch')) else 'n/a',
        'x86_64': _bits_text(cpu, flags),
        'hvm': _hvm_text(hvm),
        'hvm_source': to_text(hvm.get('source') or ''),
        'iommu': _iommu_text(_mapping(cpu.get('iommu'))),
    })
    boot = _boot_facts(xen_result, cpu_result)
    row['boot'], row['secure_boot'] = _boot_texts(boot)
    row['verdict'], row['reasons'], row['warnings'] = _verdict(cpu, _boot_checks(boot))
    blocked = row['verdict'] == VERDICT_NOT_READY

    # xen_facts only adds context: without it the CPU verdict still stands.
    problem = _result_problem(xen_result, 'xen_facts')
    if problem:
        row['xen'] = '?'
        if not blocked:
            row['warnings'].append(problem[1])
    else:
        xen = _mapping(_mapping(xen_result.get('ansible_facts')).get('xen'))
        row['xen'] = _xen_text(xen)
        if not blocked:  # kernel or domU advice is moot for a CPU that cannot run Xen
            row['warnings'].extend(_xen_warnings(xen))
    row['notes'] = row['reasons'] + ['warning: %s' % w for w in row['warnings']]
    return row


def _natural_key(text):
    return [(0, int(part), '') if part.isdigit() else (1, 0, part) for part in re.split(r'(\d+)', to_text(text).lower())]


def readiness_sort(rows):
    """Rows sorted by host name, numbers in names compared as numbers (web2 before web10)."""
    if not isinstance(rows, (list, tuple)):
        raise AnsibleFilterError('readiness_sort expects a list of rows, got %s' % type(rows).__name__)
    return sorted(rows, key=lambda row: _natural_key(_mapping(row).get('host', '')))


def readiness_summary(rows):
    """Count of hosts per verdict, worst first, as a list of {verdict, count, text} (only verdicts present)."""
    counts = {}
    for row in rows or []:
        verdict = _mapping(row).get('verdict', VERDICT_ERROR)
        counts[verdict] = counts.get(verdict, 0) + 1
    ordered = [v for v in VERDICT_ORDER if v in counts] + sorted(v for v in counts if v not in VERDICT_ORDER)
    return [{'verdict': v, 'count': counts[v], 'text': '%d %s' % (counts[v], v)} for v in ordered]


def md_cell(value):
    """Text safe inside a Markdown table cell: one line, table and HTML characters escaped."""
    if isinstance(value, (list, tuple)):
        value = '; '.join(to_text(v) for v in value)
    text = _CONTROL.sub(' ', to_text('' if value is None else value)).strip()
    return _MD_SPECIAL.sub(r'\\\1', text)


def md_table(rows, columns):
    """Lines of a Markdown table, cells escaped and padded so it also reads well in a terminal.

    columns is a list of [header, key] pairs; list values are joined with '; '.
    The last column is not padded (it holds the long free text).
    """
    if not isinstance(columns, (list, tuple)) or not columns:
        raise AnsibleFilterError('md_table expects a non-empty list of [header, key] columns')
    try:
        headers = [md_cell(header) for header, dummy in columns]
        keys = [key for dummy, key in columns]
    except (TypeError, ValueError):
        raise AnsibleFilterError('md_table columns must be [header, key] pairs, got %r' % (columns,))
    body = [[md_cell(_mapping(row).get(key)) for key in keys] for row in rows or []]
    widths = [max([3, len(headers[i])] + [len(cells[i]) for cells in body]) for i in range(len(keys))]

    def line(cells):
        last = len(cells) - 1
        return '| ' + ' | '.join(cell if i == last else cell.ljust(widths[i]) for i, cell in enumerate(cells)) + ' |'

    rule = ['-' * width for width in widths[:-1]] + ['---']
    return [line(headers), line(rule)] + [line(cells) for cells in body]


class FilterModule(object):
    def filters(self):
        return {
            'readiness_row': readiness_row,
            'readiness_sort': readiness_sort,
            'readiness_summary': readiness_summary,
            'md_cell': md_cell,
            'md_table': md_table,
        }
