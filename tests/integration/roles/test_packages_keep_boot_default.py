# -*- coding: utf-8 -*-
"""xen_packages' boot default guard: the role's own tasks write the file, and grub-mkconfig's way of sourcing it keeps
GRUB_DEFAULT while Debian's xen.cfg has no value of its own, and only then.

The tasks run against a path in pytest's tmp_path. The sourcing runs under /bin/sh as grub-mkconfig (bookworm's
grub-common 2.06) does it: /etc/default/grub, then /etc/default/grub.d/*.cfg in glob order. XEN_CFG below is written
here, modelled on the lines of Debian's xen.cfg (xen-hypervisor-common 4.17 and 4.20) that decide the default.
"""

import os
import re
import stat
import subprocess
import sys

from .conftest import ROLES, render, role_vars, run_playbook

GUARD_SOURCE = os.path.join(ROLES, 'xen_packages', 'files', 'keep-boot-default.cfg')
XEN_TITLE = 'Debian GNU/Linux, with Xen hypervisor'
# What decides the default in the packaged xen.cfg: an empty XEN_OVERRIDE_GRUB_DEFAULT becomes 1 (with a warning),
# and 1 makes the Xen entry's title GRUB_DEFAULT. EXPLICIT is the line xen_bootloader adds (or none).
XEN_CFG = '''echo "Including Xen overrides from /etc/default/grub.d/xen.cfg" >&2
#GRUB_CMDLINE_XEN_DEFAULT=""
{explicit}
if [ "$XEN_OVERRIDE_GRUB_DEFAULT" = "" ]; then
    grub_warn "GRUB_DEFAULT changed to boot into Xen by default!"
    XEN_OVERRIDE_GRUB_DEFAULT=1
fi
if [ "$XEN_OVERRIDE_GRUB_DEFAULT" = "1" ]; then
    GRUB_DEFAULT=$(printf "$(gettext "%s, with Xen hypervisor")" "$GRUB_DISTRIBUTOR GNU/Linux")
fi
'''
# grub-mkconfig's reading of the settings, as in its script; then the default it would write.
MKCONFIG = '''GRUB_DISTRIBUTOR=Debian
grub_warn() { echo "Warning: $*" >&2; }
gettext() { printf '%s' "$1"; }
. "$1/grub"
for x in "$1"/grub.d/*.cfg ; do
  if [ -e "${x}" ]; then
    . "${x}"
  fi
done
printf '%s' "$GRUB_DEFAULT"
'''


def guard_path():
    return render(role_vars('xen_packages', 'Debian-12'), '{{ __xen_packages_boot_default_guard }}')


def run_guard_tasks(path, *args):
    return run_playbook(
        os.path.join('tests', 'integration', 'roles', 'playbooks', 'keep_boot_default_in_dir.yml'),
        '-e', '__xen_packages_boot_default_guard=%s' % path,
        '-e', 'ansible_python_interpreter=%s' % sys.executable, *args)


def changed(output):
    return int(re.search(r'changed=(\d+)', output).group(1))


def grub_default(etc, explicit='', defaults='GRUB_DEFAULT=0\n', environment=None):
    """The GRUB_DEFAULT grub-mkconfig would use with these settings (etc: a directory with grub.d/ and its files)."""
    (etc / 'grub').write_text(defaults)
    (etc / 'grub.d' / 'xen.cfg').write_text(XEN_CFG.format(explicit=explicit))
    env = dict((k, v) for k, v in os.environ.items() if k != 'XEN_OVERRIDE_GRUB_DEFAULT')
    env.update(environment or {})
    return subprocess.run(['/bin/sh', '-c', MKCONFIG, 'grub-mkconfig', str(etc)], env=env, check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True).stdout


def test_the_platform_names_a_file_sourced_before_xen_cfg():
    """grub-mkconfig sources grub.d/*.cfg in glob order: dash sorts bytes; bash, where it is sh, the locale's order.
    The guard's name sorts before xen.cfg in both (a digit first)."""
    for platform in ('Debian-12', 'Debian-13'):
        path = render(role_vars('xen_packages', platform), '{{ __xen_packages_boot_default_guard }}')
        assert path == '/etc/default/grub.d/00-xenhost-keep-boot-default.cfg'
        name = os.path.basename(path)
        assert sorted([name, 'xen.cfg']) == [name, 'xen.cfg'] and name[0].isdigit()
    assert render(role_vars('xen_packages', 'RedHat-5'), '{{ __xen_packages_boot_default_guard }}') == ''


def test_the_guard_is_written_before_the_transaction():
    with open(os.path.join(ROLES, 'xen_packages', 'tasks', 'main.yml')) as f:
        text = f.read()
    assert text.index('import_tasks: keep_boot_default.yml') < text.index('include_tasks: "install_')
    for name in ('install_apt.yml', 'install_package.yml'):
        with open(os.path.join(ROLES, 'xen_packages', 'tasks', name)) as f:
            assert 'environment:' not in f.read(), name


def test_tasks_write_the_fixed_file_once_and_check_mode_writes_nothing(tmp_path):
    (tmp_path / 'grub.d').mkdir()
    path = tmp_path / 'grub.d' / os.path.basename(guard_path())
    rc, out = run_guard_tasks(path, '--check')
    assert rc == 0, out
    assert changed(out) == 1 and not path.exists(), out
    rc, out = run_guard_tasks(path)
    assert rc == 0, out
    assert changed(out) == 1, out
    with open(GUARD_SOURCE) as f:
        assert path.read_text() == f.read()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    rc, out = run_guard_tasks(path)
    assert rc == 0 and changed(out) == 0, out


def test_tasks_leave_grub_legacy_alone_and_remove_the_file_when_asked(tmp_path):
    (tmp_path / 'grub.d').mkdir()
    path = tmp_path / 'grub.d' / os.path.basename(guard_path())
    rc, out = run_guard_tasks(path, '-e', 'xen_preflight_bootloader=grub_legacy')
    assert rc == 0 and changed(out) == 0 and not path.exists(), out
    rc, out = run_guard_tasks(path)
    assert rc == 0 and path.exists(), out
    rc, out = run_guard_tasks(path, '-e', 'xen_packages_keep_boot_default=false')
    assert rc == 0 and changed(out) == 1 and not path.exists(), out
    rc, out = run_guard_tasks(path, '-e', 'xen_packages_keep_boot_default=false')
    assert rc == 0 and changed(out) == 0, out


def test_sourced_as_grub_mkconfig_does_it_keeps_the_default_until_xen_cfg_decides(tmp_path):
    etc = tmp_path
    (etc / 'grub.d').mkdir()
    # Without the file: the packaged xen.cfg alone makes Xen the default (what the guard is for).
    assert grub_default(etc) == XEN_TITLE
    with open(GUARD_SOURCE) as f:
        (etc / 'grub.d' / os.path.basename(guard_path())).write_text(f.read())
    # The hypervisor package's update-grub, or any other before xen_bootloader: the host's own default.
    assert grub_default(etc) == '0'
    # xen_bootloader's explicit values decide: 0 for the trial boot, 1 once Xen is proven.
    assert grub_default(etc, explicit='XEN_OVERRIDE_GRUB_DEFAULT=0') == '0'
    assert grub_default(etc, explicit='XEN_OVERRIDE_GRUB_DEFAULT=1') == XEN_TITLE
    # A sysadmin's own value, in /etc/default/grub or in the environment, wins over the guard.
    assert grub_default(etc, defaults='GRUB_DEFAULT=0\nXEN_OVERRIDE_GRUB_DEFAULT=1\n') == XEN_TITLE
    assert grub_default(etc, environment={'XEN_OVERRIDE_GRUB_DEFAULT': '1'}) == XEN_TITLE
