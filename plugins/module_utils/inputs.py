# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one validation layer for values that reach a root shell, a file root sources, or the boot command line.

Every role variable with a format is checked here (RULES, by variable name), by the action
xenhost.dom0.check_inputs before any change, and the modules that write such values call the
same functions. A value is accepted only when it matches a strict grammar (full match, so a
trailing newline is refused) within bounds where a wrong value makes a host unbootable; the
error names the variable and says what it accepts. Pure functions: no I/O.

Why strict character sets rather than quoting alone: the values land in four languages at once
(POSIX sh sourcing /etc/default files, GRUB 2's script in grub.cfg, GRUB legacy's menu.lst and
Xen's own command-line parser). Characters outside the sets have a meaning in at least one.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

# A hypervisor option: a name, optionally '=' and a value. The value set covers Xen's documented
# syntax (com1=115200,8n1  console=com1,vga  cpufreq=xen:performance  loglvl=all/all  iommu=no-intremap)
# and has no character special to sh, GRUB script or menu.lst (no quotes, $, `, ;, \, #, {, }, blanks).
_OPTION_RE = re.compile(r'[A-Za-z][A-Za-z0-9_.-]{0,63}(=[A-Za-z0-9_.,:+/@=-]{0,192})?')
# A word of dom0's kernel command line: the same, but a name may start with a digit (8250.nr_uarts=4).
_KERNEL_ARG_RE = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(=[A-Za-z0-9_.,:+/@=-]{0,192})?')
# Xen copies each blank-separated option into a fixed buffer and silently drops the rest (xen/common/kernel.c,
# cmdline parsing): 128 bytes in Xen 4.x, 100 in Xen 3.x (RHEL 5's 3.1). A longer option would reach Xen cut, as
# another value than the one written.
OPTION_MAX_CHARS = 99
# Xen keeps the first 1023 characters of its whole command line (saved_cmdline, a xen_commandline_t of 1024 bytes in
# public/version.h): what `xl info` reports as xen_commandline, which the roles read to tell whether the running Xen
# has the wanted options. Beyond that an option would look missing on every run. The line starts with the image's
# path or GRUB's placeholder word; the options together get the rest, less a margin for that word.
OPTIONS_MAX_CHARS = 960
# Hypervisor options the roles own: given in the list they would silently override or defeat them.
OWNED_OPTIONS = {
    'dom0_mem': 'set xen_bootloader_dom0_mem instead',
    'dom0_max_vcpus': 'set xen_bootloader_dom0_max_vcpus instead',
    'noreboot': 'it keeps a crashed host halted, so a failed boot into Xen cannot fall back by itself',
    'panic': 'not a Xen option; Xen reboots on panic by itself unless noreboot is given',
}
# reboot=<type>[,<type>...]: Xen's x86 set_reboot_type reads a type starting with "n" ("no", "n") as noreboot, and
# Xen's parser turns "no-reboot" into reboot=no.
_NOREBOOT_TYPE = ('noreboot under another name (no-reboot, or a reboot= type starting with "n"): %s'
                  % OWNED_OPTIONS['noreboot'])
_SIZE_RE = re.compile(r'([1-9][0-9]{0,9})([KMGTkmgt])')
_SIZE_MIB = {'k': 1.0 / 1024, 'm': 1, 'g': 1024, 't': 1024 * 1024}
# dom0 below this does not boot a current distribution kernel with its initramfs; Xen itself supports
# hosts up to 16 TiB on the releases the collection manages.
DOM0_MEM_MIN_MIB = 256
DOM0_MEM_MAX_MIB = 16 * 1024 * 1024
# dom0's panic=N (seconds before its kernel reboots after a panic): an hour at most.
DOM0_PANIC_SECONDS_MAX = 3600
_VCPUS_RE = re.compile(r'([1-9][0-9]{0,3})(?:-([1-9][0-9]{0,3}))?')
VCPUS_MAX = 4096
_PATH_RE = re.compile(r'/(?:[A-Za-z0-9_.+-]+/?)*')
# A directory on the installation media, named in a yum repository id too (yum takes letters, digits and - _ . : there).
_MEDIA_DIR_RE = re.compile(r'[A-Za-z0-9_.-]{1,64}')
# Debian (name[:arch][=version]) and RPM package names; no glob characters, nothing a shell expands.
_PACKAGE_RE = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}(?::[a-z0-9-]{1,20})?(?:=[A-Za-z0-9.+~:_-]{1,100})?')
# The reboot message is one quoted word on shutdown's command line (xen_reboot's vars/main.yml quotes it). systemd's
# shutdown reorders its arguments, so a message starting with "-" would still be read as an option (-P powers off,
# -H halts, -c cancels): it must not start with one.
_MESSAGE_RE = re.compile(r"[A-Za-z0-9 .,:;()/_+'!?@%=][A-Za-z0-9 .,:;()/_+'!?@%=-]{0,199}")
# The reboot test command is run by a shell: a program and plain words, no shell syntax. The program does not start
# with "-" (the shell would look for a program of that name, and the reboot would wait out its time for nothing).
_COMMAND_RE = re.compile(r'[A-Za-z0-9_./][A-Za-z0-9_./-]{0,99}(?: [A-Za-z0-9_./=:,+@%-]{1,100}){0,10}')


def _show(value):
    return repr(value) if not isinstance(value, str) or len(value) <= 80 else repr(value[:77] + '...')


def boot_arg_error(arg, kernel=False):
    """Why ``arg`` cannot be one word of a boot command line, Xen's (or with ``kernel`` dom0's kernel's), in GRUB's menu
    and in files root sources, or None: the grammar alone, no policy."""
    if not isinstance(arg, str):
        return 'each option must be a string, got %s %s' % (type(arg).__name__, _show(arg))
    if not (_KERNEL_ARG_RE if kernel else _OPTION_RE).fullmatch(arg):
        what = 'dom0 kernel argument' if kernel else 'hypervisor option'
        return ('%s is not one %s: name[=value], the value only of letters, digits and _ . , : + / @ = -'
                ' (no blanks, quotes, $, `, ;, \\ or #)' % (_show(arg), what))
    return None


def hypervisor_option_error(option, owned=True):
    """Why ``option`` cannot go on the Xen command line, or None. owned=False allows the roles' own options."""
    error = boot_arg_error(option)
    if error:
        return error
    if len(option) > OPTION_MAX_CHARS:
        return ('%s is longer than %d characters: Xen would read it cut short (Xen 3.x keeps 99, 4.x 127)'
                % (_show(option), OPTION_MAX_CHARS))
    name, _sep, value = option.partition('=')
    # Xen reads "no-NAME" as NAME negated (a custom option such as reboot gets the value "no").
    base = name[3:] if name.startswith('no-') else name
    if owned and base in OWNED_OPTIONS:
        return '%s is refused: %s' % (_show(option), OWNED_OPTIONS[base])
    if owned and base == 'reboot' and (base != name or any(kind[:1] in ('n', 'N') for kind in value.split(','))):
        return '%s is refused: %s' % (_show(option), _NOREBOOT_TYPE)
    return None


def hypervisor_options_errors(options, owned=True):
    """Errors for a list of hypervisor options (a string is refused: lists only)."""
    if isinstance(options, str) or not isinstance(options, (list, tuple)):
        return ['must be a list of options such as [com1=115200,8n1, console=com1], got %s %s'
                % (type(options).__name__, _show(options))]
    errors = [e for e in (hypervisor_option_error(o, owned) for o in options) if e]
    if errors:  # each one a string of the grammar, so they can be measured together
        return errors
    length = len(' '.join(options))
    if length > OPTIONS_MAX_CHARS:
        return ['the options take %d characters together, more than %d: Xen keeps 1023 of its whole command line,'
                ' the roles\' own options and the image\'s path included' % (length, OPTIONS_MAX_CHARS)]
    return []


def size_mib(value):
    """MiB of a Xen size such as 1024M or 4G; None when it is not one."""
    if not isinstance(value, str):
        return None
    match = _SIZE_RE.fullmatch(value)
    if not match:
        return None
    return int(match.group(1)) * _SIZE_MIB[match.group(2).lower()]


def dom0_mem_error(value, host_mib=None):
    """Why ``value`` cannot be dom0's fixed memory, or None. host_mib: the host's RAM when known."""
    if value == '':
        return None
    mib = size_mib(value)
    if mib is None:
        return 'must be a size with unit K, M, G or T such as 1024M or 4G, got %s' % _show(value)
    if mib < DOM0_MEM_MIN_MIB:
        return 'must be at least %dM, or dom0 cannot boot; got %s' % (DOM0_MEM_MIN_MIB, _show(value))
    if mib > DOM0_MEM_MAX_MIB:
        return 'must be at most 16T; got %s' % _show(value)
    if host_mib and mib >= host_mib:
        return ('must be less than the host\'s memory (%d MiB), which Xen and the guests share with dom0; got %s'
                % (host_mib, _show(value)))
    return None


def dom0_max_vcpus_error(value):
    """Why ``value`` cannot be dom0_max_vcpus (N or MIN-MAX), or None."""
    if isinstance(value, bool):
        return 'must be a count such as 2 or a range such as 1-4, got %s' % _show(value)
    if isinstance(value, int):
        value = str(value)
    if value == '':
        return None
    match = _VCPUS_RE.fullmatch(value) if isinstance(value, str) else None
    if not match:
        return 'must be a count such as 2 or a range such as 1-4, got %s' % _show(value)
    low, high = int(match.group(1)), int(match.group(2) or match.group(1))
    if high > VCPUS_MAX:
        return 'must be at most %d, got %s' % (VCPUS_MAX, _show(value))
    if low > high:
        return 'must be a range from low to high such as 1-4, got %s' % _show(value)
    return None


def path_error(value, empty_ok=True):
    """Why ``value`` cannot be an absolute path written into a root-read file, or None."""
    if empty_ok and value == '':
        return None
    if not isinstance(value, str) or not _PATH_RE.fullmatch(value) or '..' in value.split('/') or len(value) > 255:
        return ('must be an absolute path of letters, digits and _ . + - without .. (at most 255 characters), got %s'
                % _show(value))
    return None


def media_dir_error(value):
    if not isinstance(value, str) or not _MEDIA_DIR_RE.fullmatch(value) or value in ('.', '..'):
        return ('must be the name of a directory at the top of the media: letters, digits and _ . - (not . or ..), '
                'got %s' % _show(value))
    return None


def package_error(value):
    if not isinstance(value, str) or not _PACKAGE_RE.fullmatch(value):
        return ('must be a package name (Debian name[:arch][=version] or an RPM name), without glob characters,'
                ' got %s' % _show(value))
    return None


def _list_of(check, example):
    def errors(value):
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            return ['must be a list such as %s, got %s %s' % (example, type(value).__name__, _show(value))]
        return [e for e in (check(item) for item in value) if e]
    return errors


def _one(check):
    def errors(value):
        error = check(value)
        return [error] if error else []
    return errors


def _int_between(low, high):
    def check(value):
        # YAML and -e give ints; an int-typed argument spec also accepts digit strings. Never a bool (True == 1).
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if not is_int and not (isinstance(value, str) and re.fullmatch(r'[0-9]{1,9}', value)):
            return 'must be a whole number from %d to %d, got %s' % (low, high, _show(value))
        if not low <= int(value) <= high:
            return 'must be from %d to %d, got %s' % (low, high, _show(value))
        return None
    return _one(check)


def _off_or_between(low, high):
    """0 (off) or a whole number from low to high."""
    between = _int_between(low, high)

    def errors(value):
        if value in (0, '0') and not isinstance(value, bool):
            return []
        return [error.replace('must be', 'must be 0 (off) or', 1) for error in between(value)]
    return errors


def _matching(regex, what):
    def check(value):
        if not isinstance(value, str) or not regex.fullmatch(value):
            return 'must be %s, got %s' % (what, _show(value))
        return None
    return _one(check)


def _autoballoon(value):
    if isinstance(value, bool):
        return ("must be one of '', auto, on, off as a string: YAML reads unquoted on/off/yes/no as the boolean %s;"
                " write '%s' in quotes" % (value, 'on' if value else 'off'))
    if value not in ('', 'auto', 'on', 'off'):
        return "must be one of '', auto, on, off, got %s" % _show(value)
    return None


# Variable name -> function(value) returning a list of errors. Booleans and choices without a format are
# left to the roles' argument specs.
RULES = {
    'xen_bootloader_dom0_mem': _one(dom0_mem_error),
    'xen_bootloader_dom0_max_vcpus': _one(dom0_max_vcpus_error),
    'xen_bootloader_extra_args': hypervisor_options_errors,
    'xen_bootloader_dom0_panic_seconds': _int_between(0, DOM0_PANIC_SECONDS_MAX),
    'xen_bootloader_grub_legacy_path': _one(path_error),
    'xen_bootloader_grub2_cfg_path': _one(path_error),
    'xen_packages_extra': _list_of(package_error, '[xen-tools]'),
    'xen_packages_apt_cache_valid_time': _int_between(0, 31536000),
    'xen_packages_media_path': _one(path_error),
    'xen_packages_media_gpgkey': _one(path_error),
    'xen_packages_media_subdirs': _list_of(media_dir_error, '[Server, VT]'),
    'xen_toolstack_autoballoon': _one(_autoballoon),
    'xen_toolstack_xendomains_save_dir': _one(path_error),
    'xen_virt_manager_extra_packages': _list_of(package_error, '[virt-viewer]'),
    'xen_virt_manager_apt_cache_valid_time': _int_between(0, 31536000),
    'xen_reboot_timeout': _int_between(60, 86400),
    'xen_reboot_connect_timeout': _int_between(5, 300),
    'xen_reboot_msg': _matching(_MESSAGE_RE, "1 to 200 characters of letters, digits, blanks and . , : ; ( ) / _ + ' ! ? @ % = -"
                                             ", not starting with - (shutdown would read it as an option)"),
    'xen_reboot_test_command': _matching(_COMMAND_RE, 'a program and plain arguments, such as "uptime" (no shell syntax)'),
    'xen_reboot_trial_watchdog': _off_or_between(60, 86400),
    'xen_reboot_smoke_guest_timeout': _int_between(60, 3600),
    'xen_reboot_smoke_guest_memory': _int_between(64, 4096),
}


def check_values(values, host_mib=None):
    """Every error for the variables in ``values`` (name -> value) that RULES knows, as 'name: reason' strings.

    host_mib, when known, also bounds xen_bootloader_dom0_mem by the host's RAM.
    """
    errors = []
    for name in sorted(values):
        rule = RULES.get(name)
        if rule is None:
            continue
        if name == 'xen_bootloader_dom0_mem' and host_mib:
            found = _one(lambda v: dom0_mem_error(v, host_mib))(values[name])
        else:
            found = rule(values[name])
        errors.extend('%s %s' % (name, error) for error in found)
    return errors
