# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The platform table: everything about a supported Xen dom0 platform that differs between platforms, in one place.

Every role reads the entry chosen for a host from the fact ``ansible_facts.xenhost_platform`` (set by the action
``xenhost.dom0.platform_facts``, which calls ``select`` below); the readiness report's verdict rule and the tests
import this module. Adding a platform is one entry here (plus its VM scenario): ``tests/unit/test_platform_table.py``
adds a fake Debian 14 and checks that every role finds what it reads.

Data that only one role uses and that is the same for a whole family stays in that role, keyed by ``family``;
data keyed by toolstack stays in xen_toolstack. (xen_virt_manager's libvirt settings moved here when xen_preflight
began to read its files and services too.)
Pure data and pure functions: no I/O, importable by modules, action plugins, filters and tests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.xenhost.dom0.plugins.module_utils import systemd_services
from ansible_collections.xenhost.dom0.plugins.module_utils.xen_text import toolstack_of

# Check ids a platform can make fatal (xen_preflight), besides the OS edition's architecture: cpu_virt_facts' and
# boot_facts'. secure_boot fails where Secure Boot is enforced: the signed shim + GRUB chain refuses the hypervisor
# image, which no platform here signs (a platform whose Xen is signed would leave it out).
CPU_CHECKS = ('pae', '64bit')
BOOT_CHECKS = ('secure_boot',)
FATAL_CHECKS = CPU_CHECKS + BOOT_CHECKS


def _debian(release, xen):
    """A Debian release: the family's data with its own Xen release. Debian ships Xen for amd64 only."""
    label = 'Debian %s' % release
    return {
        'id': 'Debian-%s' % release,
        'family': 'Debian',
        'release': release,
        'label': label,
        'name': '%s (Xen %s)' % (label, xen),
        'xen': xen,
        'toolstack': toolstack_of(xen),
        'architectures': ['x86_64'],
        # This Xen has no 32-bit hypervisor, so a 32-bit-only CPU (64bit) is refused too. Debian does not sign Xen.
        'fatal_checks': ['pae', '64bit', 'secure_boot'],
        # The dom0 kernel must already be installed: xen_packages installs only the hypervisor and tools.
        'dom0_kernel': {
            'from_packages': False,
            'hint': ('Install Debian\'s standard kernel (apt-get install linux-image-amd64), which is built with '
                     'CONFIG_XEN_DOM0, and run the play again.'),
        },
        'packages': {
            'manager': 'apt',
            # xen-system-amd64 pulls the hypervisor (xen-hypervisor-<xen>-amd64) and the xl toolstack (xen-utils-<xen>).
            'xen': ['xen-system-amd64', 'bridge-utils', 'qemu-system-xen'],
            # What a headless dom0 needs so virt-manager (here or on a workstation, xen+ssh://) can manage it:
            # libvirt-daemon-driver-xen is libvirt's libxl driver (URI xen:///).
            'libvirt': ['libvirt-daemon-system', 'libvirt-daemon-driver-xen', 'libvirt-clients'],
            # The desktop application itself (GTK and its graphics stack: most of the packages and the time).
            'virt_manager': ['virt-manager'],
            'media': False,
            # xen_packages_keep_boot_default: a grub.d file, sourced before the package's xen.cfg (a name that sorts
            # first in C and locale order), that sets XEN_OVERRIDE_GRUB_DEFAULT=0 where nothing set it. The hypervisor
            # package's postinst runs update-grub, and its xen.cfg makes Xen GRUB's default while that variable is
            # empty: without the file, that update-grub (or any later one, e.g. a kernel update's) would make an
            # untested Xen the default of a host whose play stopped before xen_bootloader wrote its explicit value.
            'keep_boot_default_guard': '/etc/default/grub.d/00-xenhost-keep-boot-default.cfg',
        },
        'bootloader': {
            # GRUB 2 is the standard bootloader; grub-legacy (0.97) is still packaged. The first is the one a host
            # has unless the probe's output names the owner of another.
            'types': ['grub2', 'grub_legacy'],
            # The package that owns update-grub is the bootloader that generates the menu (grub-pc, grub-efi-amd64,
            # grub-legacy); no owner (rc != 0) means no bootloader the roles can configure.
            'probe': ['dpkg-query', '--search', '/usr/sbin/update-grub'],
            'owners': {'grub_legacy': 'grub-legacy:'},
            'hint': 'Install GRUB (apt-get install grub-pc, or grub-efi-amd64 on UEFI) and run update-grub.',
            # Where to look for the boot default when the host came back on the wrong kernel.
            'boot_default_hint': ('/etc/default/grub.d/xen.cfg and /boot/grub/grub.cfg '
                                  '(or /boot/grub/menu.lst with grub-legacy)'),
        },
        'grub2': {
            # Debian's Xen settings, sourced by grub-mkconfig (shipped by xen-hypervisor-common).
            'xen_cfg': '/etc/default/grub.d/xen.cfg',
            'defaults': '/etc/default/grub',
            'cfg': '/boot/grub/grub.cfg',
            'update_command': ['update-grub'],
            # Sets grubenv's next_entry: GRUB boots that entry once and clears it (00_header emits this for any
            # GRUB_DEFAULT).
            'reboot_command': ['grub-reboot'],
            # Clears a one-time boot entry GRUB 2 could not clear itself.
            'clear_next_entry': ['grub-editenv', '/boot/grub/grubenv', 'unset', 'next_entry'],
            # xen_bootloader's way back from a trial entry GRUB cannot load (its files/01_xenhost_fallback): after
            # 00_header, which sets boot_once.
            'fallback_script': '/etc/grub.d/01_xenhost_fallback',
        },
        'grub_legacy': {
            # grub-legacy's update-grub only writes Xen entries for kernels with CONFIG_XEN_PRIVILEGED_GUEST, which
            # Debian's kernels (CONFIG_XEN_DOM0) lack, so the role writes its own Xen stanza before the AUTOMAGIC
            # block (update-grub leaves it alone), built from the newest kernel entry update-grub generated.
            'menu': '/boot/grub/menu.lst',
            'update_command': ['update-grub'],
            'stanza': True,
            'hypervisor_file': 'xen-%s-amd64.gz' % xen,
            'hypervisor_title': '%s-amd64' % xen,
            'os_title': 'Debian GNU/Linux',
            # Where GRUB legacy paths are relative to when /boot is its own partition.
            'boot_dir': '/boot',
            'sysconfig_kernel_file': '',
            'sysconfig_kernel': {},
        },
        # What bounds a trial boot into Xen that comes up but is never confirmed (xen_reboot_trial_watchdog): Linux's
        # xen_wdt driver (Xen's per-domain watchdog as /dev/watchdogN; Debian builds it as a module) armed by a
        # systemd unit early in dom0's boot. '' where the dom0 kernel or init has no such way.
        'trial_watchdog': 'xen_wdt',
        # The daemons of each toolstack this platform ships. Debian's come from /etc/init.d/xen (xenstored,
        # xenconsoled), which systemd runs as xen.service; there is no xencommons.service.
        'services': {'xl': ['xen', 'xendomains']},
        # xen_virt_manager's libvirt (xen_preflight reads these files and services for it; plugins/filter/planned.py).
        'libvirt': {
            'service': 'libvirtd',
            # Debian runs libvirtd with --timeout 120: it exits when idle and relies on socket activation. libvirt owns
            # guest autostart here (xendomains is disabled), so keep the daemon running: no idle timeout.
            'daemon_settings': {'path': '/etc/default/libvirtd', 'regexp': '^#?LIBVIRTD_ARGS=', 'line': 'LIBVIRTD_ARGS=""'},
            # libvirtd.service declares Conflicts=xendomains.service: libvirt autostarts the guests itself. Stopped and
            # disabled before libvirtd starts.
            'conflicting_services': [{'name': 'xendomains', 'enabled': False, 'state': 'stopped'}],
            # With xendomains off, libvirt-guests (libvirt-clients) is what stops the running guests when dom0 goes
            # down (and can resume them at boot); libvirtd itself starts the guests marked autostart. Its Debian
            # defaults would suspend them (managed save): the role gives it xen_toolstack's xendomains policy instead,
            # for Xen's URI.
            'guests': {
                'service': 'libvirt-guests',
                'path': '/etc/default/libvirt-guests',
                'uri': 'xen:///system',
                # Its unit is ordered after libvirtd's sockets only, and libvirtd after xencommons.service, which
                # Debian does not have (its xenstored and xenconsoled are xen.service): at shutdown, systemd could stop
                # xenstored while the guests are still shutting down. Stopped before both (a drop-in of this name), it
                # shuts them down while Xen's daemons run.
                'after': ['xen.service', 'libvirtd.service'],
                'order_drop_in': 'xenhost-order.conf',
            },
        },
        'paths': {
            'xendomains': '/etc/default/xendomains',
            'xl_conf': '/etc/xen/xl.conf',
            'xend_config': '',
            # xen_reboot's reboot command, by absolute path: otherwise Ansible's reboot runs a find module to look for
            # shutdown, a module call (seconds on a slow host) before every reboot.
            'shutdown': '/sbin/shutdown',
        },
    }


PLATFORMS = {
    'Debian-12': _debian('12', '4.17'),   # bookworm
    'Debian-13': _debian('13', '4.20'),   # trixie
    # RHEL 5 and CentOS 5 (os_family RedHat): Xen 3.1 hypervisor with the xend toolstack, for i686 (PAE) and x86_64.
    'RedHat-5': {
        'id': 'RedHat-5',
        'family': 'RedHat',
        'release': '5',
        'label': 'RHEL/CentOS 5',
        'name': 'RHEL/CentOS 5 (Xen 3.1)',
        'xen': '3.1',
        'toolstack': toolstack_of('3.1'),
        'architectures': ['i386', 'i686', 'x86_64'],
        # 32-bit RHEL 5 runs Xen on PAE CPUs, so only PAE is fatal here (the report's "ready (32-bit Xen only)").
        'fatal_checks': ['pae', 'secure_boot'],
        # The dom0 kernel is kernel-xen, installed by xen_packages: its absence now is expected.
        'dom0_kernel': {
            'from_packages': True,
            'hint': 'The xen_packages role installs kernel-xen, the RHEL 5 dom0 kernel.',
        },
        'packages': {
            'manager': 'package',
            # The set of the original RHEL 5 procedure, installed in ONE yum transaction: kernel-xen requires xen and
            # xen requires kernel-xen, which yum resolves only when both are in the same transaction (never use
            # rpm --nodeps for this).
            'xen': ['kernel-xen', 'kernel-xen-devel', 'xen-libs', 'bridge-utils', 'SDL', 'libvirt', 'libvirt-python',
                    'python-virtinst', 'xen'],
            # virt-manager talks to xend through libvirt; it keeps credentials in the GNOME keyring.
            'libvirt': ['libvirt', 'libvirt-python'],
            'virt_manager': ['virt-manager', 'gnome-python2-gnomekeyring'],
            # Installing from the installation DVD (xen_packages_media_path) is supported.
            'media': True,
            # No guard (''): new-kernel-pkg (kernel-xen's scriptlet) makes a new kernel the default only for
            # /etc/sysconfig/kernel's DEFAULTKERNEL, "kernel" until xen_bootloader sets it: installing kernel-xen
            # leaves the default alone.
            'keep_boot_default_guard': '',
        },
        'bootloader': {
            # GRUB legacy only. new-kernel-pkg (run by kernel package scriptlets) edits /boot/grub/grub.conf directly.
            'types': ['grub_legacy'],
            'probe': ['rpm', '--query', 'grub'],
            'owners': {},
            'hint': 'Install the grub package (yum install grub) and run grub-install.',
            'boot_default_hint': 'the default line of /boot/grub/grub.conf',
        },
        'grub2': {
            'xen_cfg': '',
            'defaults': '',
            'cfg': '',
            'update_command': [],
            'reboot_command': [],
            'clear_next_entry': [],
            'fallback_script': '',
        },
        'grub_legacy': {
            # No menu generator to run: the module edits grub.conf.
            'menu': '/boot/grub/grub.conf',
            'update_command': [],
            'stanza': False,
            'hypervisor_file': '',
            'hypervisor_title': '',
            'os_title': '',
            'boot_dir': '/boot',
            # Kernel updates (new-kernel-pkg) make the new kernel-xen the default instead of a bare kernel.
            'sysconfig_kernel_file': '/etc/sysconfig/kernel',
            'sysconfig_kernel': {'UPDATEDEFAULT': 'yes', 'DEFAULTKERNEL': 'kernel-xen'},
        },
        # kernel-xen 2.6.18 has no xen_wdt and the init is SysV: a trial boot here is bounded by panics only.
        'trial_watchdog': '',
        # The xm toolstack talks to the xend daemon. Enabled with chkconfig.
        'services': {'xm': ['xend', 'xendomains']},
        # A SysV libvirtd that stays up on its own: nothing to set. libvirt 0.x talks to xend and leaves guest autostart
        # to xendomains: nothing conflicts, and there is no libvirt-guests.
        'libvirt': {'service': 'libvirtd', 'daemon_settings': {}, 'conflicting_services': [], 'guests': {}},
        'paths': {
            'xendomains': '/etc/sysconfig/xendomains',
            'xl_conf': '',
            'xend_config': '/etc/xen/xend-config.sxp',
            'shutdown': '/sbin/shutdown',
        },
    },
}

# The facts the roles read from Ansible's own gathering, and the setup subset that gathers just them (platform_facts
# gathers it where a play did not): distribution, distribution_major_version and os_family choose the entry (and
# xen_packages tells RHEL from CentOS media); architecture (platform) is xen_preflight's OS edition check;
# service_mgr picks how xen_toolstack and xen_virt_manager enable daemons. The rest of min (dns, env, user, ssh keys,
# selinux...) is not read, and each collector costs time on a slow host.
OS_FACTS_SUBSET = ('!all', '!min', 'distribution', 'platform', 'service_mgr')

# How a host's OS facts name a platform, in order: Debian 12 is "Debian-12"; CentOS 5 (os_family RedHat) "RedHat-5".
KEY_FACTS = (('distribution', 'distribution_major_version'), ('os_family', 'distribution_major_version'))


def namespace(module_facts):
    """Facts as a module returns them (ansible_distribution) under the names ansible_facts uses (distribution)."""
    return dict((k[len('ansible_'):] if k.startswith('ansible_') else k, v) for k, v in module_facts.items())


def platform_ids(table=None):
    """The supported platform ids, sorted."""
    return sorted(PLATFORMS if table is None else table)


def select(facts, table=None):
    """The platform id for a host's OS facts (distribution, os_family, distribution_major_version), or None."""
    table = PLATFORMS if table is None else table
    facts = facts if isinstance(facts, dict) else {}
    for name_key, version_key in KEY_FACTS:
        name, version = facts.get(name_key), facts.get(version_key)
        if name and version:
            candidate = '%s-%s' % (name, version)
            if candidate in table:
                return candidate
    return None


def entry(platform_id, table=None):
    """A copy of one platform's entry (a caller may change it without changing the table), with what is derived from
    the table's data: bootloader.detect, the probe to run when the roles must find out which bootloader a host has
    (the platform's probe where it has a choice of bootloaders, else nothing to run); grub2.sources, the files
    update-grub reads that the roles change (grub2_entries' sources); preread, what xen_preflight reads for the later
    roles (preread())."""
    table = PLATFORMS if table is None else table
    result = copy.deepcopy(table[platform_id])
    bootloader = result['bootloader']
    bootloader['detect'] = list(bootloader['probe']) if len(bootloader['types']) > 1 else []
    grub2 = result['grub2']
    grub2['sources'] = [path for path in (grub2['xen_cfg'], grub2['defaults'], grub2['fallback_script']) if path]
    guests = result['libvirt']['guests']
    if guests.get('after'):
        guests['order_drop_in_path'] = systemd_services.drop_in_path(systemd_services.SYSTEM_DIR, guests['service'],
                                                                     guests['order_drop_in'])
    result['preread'] = preread(result)
    return result


def preread(platform):
    """{'files', 'services', 'grub2_menu', 'grub_legacy_menu', 'virt_manager'}: what xen_preflight's xen_facts call
    reads for the later roles, so that a role whose files, services and menu are already as it wants them leaves its
    module call out (plugins/filter/planned.py): the files xen_bootloader's grub2_xen_cfg and xen_toolstack's
    config_lines change, the daemons of every toolstack of the platform (systemd_services; read only where systemd
    runs), the GRUB 2 menu with the sources grub2_entries compares it with, and the GRUB legacy menu grub_legacy edits
    with its boot directory (each None where the platform has no such menu; a host of the platform that boots with the
    other bootloader has no such file, and the reading says so). virt_manager: the files and services xen_virt_manager
    sets, read only in a play that runs it (each service's is-enabled costs a process in the host). Paths the platform
    does not have ('') are left out. platform: an entry() with its grub2.sources."""
    files = [platform['grub2']['xen_cfg'], platform['grub2']['fallback_script'],
             platform['paths']['xl_conf'], platform['paths']['xendomains']]
    services = []
    for names in platform['services'].values():
        services.extend(name for name in names if name not in services)
    libvirt = platform['libvirt']
    virt_files = [libvirt['daemon_settings'].get('path', ''), libvirt['guests'].get('path', ''),
                  libvirt['guests'].get('order_drop_in_path', '')]
    virt_services = [name for name in (libvirt['service'], libvirt['guests'].get('service')) if name]
    menu = platform['grub2']['cfg']
    legacy = platform['grub_legacy']
    legacy_menu = legacy['menu'] if 'grub_legacy' in platform['bootloader']['types'] else ''
    return {'files': [path for path in files if path], 'services': services,
            'grub2_menu': {'path': menu, 'sources': list(platform['grub2']['sources'])} if menu else None,
            'grub_legacy_menu': {'path': legacy_menu, 'boot_dir': legacy['boot_dir']} if legacy_menu else None,
            'virt_manager': {'files': [path for path in virt_files if path], 'services': virt_services}}


def supported_text(table=None):
    """'Debian 12, Debian 13, RHEL/CentOS 5': for messages."""
    table = PLATFORMS if table is None else table
    return ', '.join(table[p]['label'] for p in platform_ids(table))


def unsupported_message(facts, table=None):
    """The refusal for a host whose OS has no entry (xenhost.dom0.platform_facts fails with it)."""
    facts = facts if isinstance(facts, dict) else {}
    return ('%s %s is not a supported Xen dom0 platform for xenhost.dom0 (supported: %s). '
            'Nothing on this host has been changed.'
            % (facts.get('distribution', 'unknown'), facts.get('distribution_version', ''), supported_text(table)))


def refuses_32bit_cpus(platform):
    """True when this platform's Xen needs a 64-bit CPU (its fatal checks include 64bit)."""
    return '64bit' in platform['fatal_checks']


def platforms_by_cpu_bits(table=None):
    """((id, name) of platforms whose Xen runs on a 32-bit PAE CPU), ((id, name) of those needing a 64-bit CPU)."""
    table = PLATFORMS if table is None else table
    ids = platform_ids(table)
    thirty_two = tuple((p, table[p]['name']) for p in ids if not refuses_32bit_cpus(table[p]))
    sixty_four = tuple((p, table[p]['name']) for p in ids if refuses_32bit_cpus(table[p]))
    return thirty_two, sixty_four


def bootloader_of(platform, probe_stdout):
    """The bootloader a host of this platform uses: the type whose owner the probe's output names, else the first."""
    bootloader = platform['bootloader']
    text = probe_stdout if isinstance(probe_stdout, str) else ''
    for name in bootloader['types']:
        owner = bootloader['owners'].get(name)
        if owner and owner in text:
            return name
    return bootloader['types'][0]
