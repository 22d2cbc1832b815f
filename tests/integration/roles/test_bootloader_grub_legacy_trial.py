# -*- coding: utf-8 -*-
"""xen_bootloader on GRUB legacy: the trial boot, then the permanent Xen default, on copies of real menus.

Runs the role's grub_legacy.yml against files in pytest's tmp_path (Debian 12's menu.lst with the role's own Xen
stanza; RHEL 5's grub.conf with new-kernel-pkg's Xen entry): every path and the update-grub command are overridden
with -e (extra vars beat the platform vars), so this machine is not touched. "Proven" (the host runs as dom0 with
every option) is given with -e, as xen_reboot's run after a good trial has it.
"""

import json
import os
import re
import shutil
import sys

from .conftest import REPO, run_playbook, task_result

GRUB_FIXTURES = os.path.join(REPO, 'tests', 'unit', 'fixtures', 'grub')
DEBIAN_FILES = ('xen-4.17-amd64.gz', 'vmlinuz-6.1.0-28-amd64', 'initrd.img-6.1.0-28-amd64',
                'vmlinuz-6.1.0-27-amd64', 'initrd.img-6.1.0-27-amd64')
RHEL_FILES = ('xen.gz-2.6.18-398.el5', 'vmlinuz-2.6.18-398.el5xen', 'initrd-2.6.18-398.el5xen.img',
              'vmlinuz-2.6.18-398.el5', 'initrd-2.6.18-398.el5.img')
DEFAULT_TAIL = '#\n' * 10 + ("# WARNING: If you want to edit this file directly, do not remove any line\n"
                             "# from this file, including this warning. Using `grub-set-default' is\n"
                             "# strongly recommended.\n")


def _debian(tmp_path):
    boot = tmp_path / 'boot'
    (boot / 'grub').mkdir(parents=True)
    shutil.copy(os.path.join(GRUB_FIXTURES, 'debian12_menu.lst'), str(boot / 'grub' / 'menu.lst'))
    (boot / 'grub' / 'default').write_text('0\n' + DEFAULT_TAIL)     # as update-grub leaves it
    for name in DEBIAN_FILES:
        (boot / name).write_text('x')
    return boot / 'grub' / 'menu.lst'


def _rhel5(tmp_path):
    # RHEL 5 has a /boot partition: GRUB paths are relative to it, and there is no default file yet.
    boot = tmp_path / 'boot'
    (boot / 'grub').mkdir(parents=True)
    shutil.copy(os.path.join(GRUB_FIXTURES, 'rhel5_grub.conf'), str(boot / 'grub' / 'grub.conf'))
    for name in RHEL_FILES:
        (boot / name).write_text('x')
    return boot / 'grub' / 'grub.conf'


# The platforms' GRUB legacy data the steps use (extra vars beat the role's platform data).
PLATFORMS = {
    'Debian-12': {'__xen_bootloader_grub_legacy_stanza': True, '__xen_bootloader_hypervisor_file': 'xen-4.17-amd64.gz',
                  '__xen_bootloader_hypervisor_title': '4.17-amd64', '__xen_bootloader_os_title': 'Debian GNU/Linux',
                  '__xen_bootloader_sysconfig_kernel_file': ''},
    'RedHat-5': {'__xen_bootloader_grub_legacy_stanza': False, '__xen_bootloader_sysconfig_kernel_file': ''},
}


def _run(playbook_dir, tmp_path, menu, *extra, proven=False, platform='Debian-12'):
    boot_dir = tmp_path if platform == 'Debian-12' else tmp_path / 'boot'
    return run_playbook(
        os.path.join(playbook_dir, 'grub_legacy_in_dir.yml'),
        '-e', 'ansible_python_interpreter=%s' % sys.executable,
        '-e', json.dumps(PLATFORMS[platform]),
        '-e', 'facts_file=%s' % (tmp_path / 'facts.json'),
        '-e', 'xen_bootloader_grub_legacy_path=%s' % menu,
        '-e', '__xen_bootloader_boot_dir=%s' % boot_dir,
        # Debian's menu already has update-grub's entries, so update-grub must not run (it would fail); RHEL 5 has none.
        '-e', '{"__xen_bootloader_grub_legacy_update_command": %s, "xen_bootloader_backup": false}'
        % ('["false"]' if platform == 'Debian-12' else '[]'),
        '-e', '{"__xen_bootloader_sysconfig_kernel": {}}',
        '-e', '{"__xen_bootloader_proven": %s}' % ('true' if proven else 'false'),
        '-e', '{"__xen_bootloader_xen_args_list": ["dom0_mem=1024M,max:1024M"]}',
        *extra)


def _facts(tmp_path):
    return json.loads((tmp_path / 'facts.json').read_text())


def _saved(menu):
    return (menu.parent / 'default').read_text()


def test_debian_trial_then_permanent(playbook_dir, tmp_path):
    menu = _debian(tmp_path)
    rc, out = _run(playbook_dir, tmp_path, menu)
    assert rc == 0, out
    text = menu.read_text()
    # The stanza goes before update-grub's block: entry 0 is Xen, the kernel the host booted (was 0) is now 1.
    assert re.search(r'(?m)^default\s+saved$', text), text
    assert re.search(r'(?m)^fallback\s+1$', text), text
    assert re.search(r'(?m)^title\s+Xen 4\.17-amd64 / Debian GNU/Linux, kernel 6\.1\.0-28-amd64\nsavedefault\s+fallback\n'
                     r'root\s+\(hd0,0\)\n', text), text    # the menu's "# groot=(hd0,0)", from the grub_legacy module
    assert re.search(r'(?m)^module\s+/boot/vmlinuz-6\.1\.0-28-amd64 root=\S+ ro quiet panic=10$', text), text
    assert _saved(menu) == '0\n' + DEFAULT_TAIL
    assert _facts(tmp_path) == {'changed': True, 'trial': True,
                                'xen_entry': 'Xen 4.17-amd64 / Debian GNU/Linux, kernel 6.1.0-28-amd64',
                                'fallback_entry': 'Debian GNU/Linux, kernel 6.1.0-28-amd64'}

    # A rerun before the reboot (xen_reboot_ok=false, then true): nothing changes, the fallback is still entry 1.
    rc, out = _run(playbook_dir, tmp_path, menu)
    assert rc == 0, out
    assert re.search(r'changed=0\s', out), out
    assert menu.read_text() == text

    # GRUB booted the Xen entry: its savedefault fallback wrote 1 (stage2 pads with a NUL and newlines).
    (menu.parent / 'default').write_bytes(b'1\x00' + b'\n' * 8 + DEFAULT_TAIL.encode())
    rc, out = _run(playbook_dir, tmp_path, menu, proven=True)
    assert rc == 0, out
    assert _facts(tmp_path)['trial'] is False and _facts(tmp_path)['changed'] is True
    permanent = menu.read_text()
    assert not re.search(r'(?m)^\s*savedefault', permanent), permanent
    assert re.search(r'(?m)^default\s+saved$', permanent) and re.search(r'(?m)^fallback\s+1$', permanent)
    assert _saved(menu) == '0\n' + DEFAULT_TAIL
    # Idempotent on the proven dom0.
    rc, out = _run(playbook_dir, tmp_path, menu, proven=True)
    assert rc == 0, out
    assert re.search(r'changed=0\s', out), out
    assert menu.read_text() == permanent


def test_debian_menu_generated_first_where_update_grub_never_wrote_one(playbook_dir, tmp_path):
    """No menu.lst yet (grub-legacy just installed): the module's read says so (no stat call), the platform's
    update-grub (a stand-in that writes Debian 12's menu) runs once, and the trial is set on the menu it wrote."""
    menu = _debian(tmp_path)
    generated = tmp_path / 'generated.lst'
    shutil.move(str(menu), str(generated))
    update_grub = tmp_path / 'update-grub'
    update_grub.write_text('#!/bin/sh\necho run >> "%s"\ncp "%s" "%s"\n' % (tmp_path / 'runs', generated, menu))
    update_grub.chmod(0o755)
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', '{"__xen_bootloader_grub_legacy_update_command": ["%s"]}'
                   % update_grub)
    assert rc == 0, out
    assert (tmp_path / 'runs').read_text() == 'run\n'
    assert re.search(r'(?m)^default\s+saved$', menu.read_text()) and _facts(tmp_path)['trial'] is True
    # Again: the menu is there, so update-grub does not run a second time.
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', '{"__xen_bootloader_grub_legacy_update_command": ["%s"]}'
                   % update_grub)
    assert rc == 0 and re.search(r'changed=0\s', out), out
    assert (tmp_path / 'runs').read_text() == 'run\n'


def test_debian_without_trial_is_permanent_at_once(playbook_dir, tmp_path):
    menu = _debian(tmp_path)
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', '{"xen_bootloader_trial_boot": false}')
    assert rc == 0, out
    text = menu.read_text()
    assert not re.search(r'(?m)^\s*savedefault', text) and not re.search(r'(?m)^fallback', text), text
    assert re.search(r'(?m)^default\s+0$', text), text
    assert _facts(tmp_path)['trial'] is False


def test_dom0_panic_seconds_given_with_a_leading_zero_reach_the_menu_as_a_plain_number(playbook_dir, tmp_path):
    # -e gives a string; Linux would read panic=010 as 8 seconds (base 0) and panic=09 not at all.
    menu = _debian(tmp_path)
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', 'xen_bootloader_dom0_panic_seconds=010')
    assert rc == 0, out
    assert re.search(r'(?m)^module\s+/boot/vmlinuz-6\.1\.0-28-amd64 root=\S+ ro quiet panic=10$', menu.read_text())


def test_debian_check_mode_changes_nothing(playbook_dir, tmp_path):
    menu = _debian(tmp_path)
    before = menu.read_text()
    rc, out = _run(playbook_dir, tmp_path, menu, '--check')
    assert rc == 0, out
    assert menu.read_text() == before
    assert _saved(menu) == '0\n' + DEFAULT_TAIL


def test_debian_check_mode_before_the_packages_says_what_would_change(playbook_dir, tmp_path):
    """A fresh host in check mode: the package transaction did not run, so Xen's image is not in /boot yet. The play
    shows the trial it would set up and does not fail on the file a real run installs first."""
    menu = _debian(tmp_path)
    os.remove(str(tmp_path / 'boot' / 'xen-4.17-amd64.gz'))
    before = menu.read_text()
    rc, out = _run(playbook_dir, tmp_path, menu, '--check', '--diff')
    assert rc == 0, out
    assert 'would get the Xen entry' in out and 'Xen 4.17-amd64 / Debian GNU/Linux, kernel 6.1.0-28-amd64' in out, out
    assert '+# BEGIN xenhost.dom0 Xen entry' in out, out
    assert menu.read_text() == before
    # A real run refuses the entry whose hypervisor image is missing, before it writes anything.
    rc, out = _run(playbook_dir, tmp_path, menu)
    assert rc != 0 and 'xen-4.17-amd64.gz' in out and 'not changed' in out, out
    assert menu.read_text() == before
    assert _saved(menu) == '0\n' + DEFAULT_TAIL


def test_rhel5_trial_then_permanent(playbook_dir, tmp_path):
    menu = _rhel5(tmp_path)
    rc, out = _run(playbook_dir, tmp_path, menu, platform='RedHat-5')
    assert rc == 0, out
    text = menu.read_text()
    assert re.search(r'(?m)^default=saved$', text) and re.search(r'(?m)^fallback=0$', text), text
    assert '(2.6.18-398.el5xen)\n\tsavedefault fallback\n\troot (hd0,0)\n' in text, text
    assert '\tmodule /vmlinuz-2.6.18-398.el5xen ro root=/dev/VolGroup00/LogVol00 rhgb quiet panic=10\n' in text, text
    assert '\tkernel /xen.gz-2.6.18-398.el5 dom0_mem=1024M,max:1024M\n' in text, text
    # The default file did not exist: it is written whole, as grub-set-default would (stage2 needs >= 10 bytes).
    assert _saved(menu) == '1\n' + DEFAULT_TAIL
    assert _facts(tmp_path)['fallback_entry'] == 'Red Hat Enterprise Linux Server (2.6.18-398.el5)'
    assert _facts(tmp_path)['trial'] is True

    (menu.parent / 'default').write_bytes(b'0\x00' + b'\n' * 8 + DEFAULT_TAIL.encode())
    rc, out = _run(playbook_dir, tmp_path, menu, proven=True, platform='RedHat-5')
    assert rc == 0, out
    permanent = menu.read_text()
    assert not re.search(r'(?m)^\s*savedefault', permanent) and re.search(r'(?m)^default=saved$', permanent)
    assert _saved(menu) == '1\n' + DEFAULT_TAIL
    rc, out = _run(playbook_dir, tmp_path, menu, proven=True, platform='RedHat-5')
    assert rc == 0, out
    assert re.search(r'changed=0\s', out), out


def test_trial_refused_when_the_fallback_kernel_is_missing(playbook_dir, tmp_path):
    menu = _rhel5(tmp_path)
    os.unlink(str(tmp_path / 'boot' / 'vmlinuz-2.6.18-398.el5'))
    rc, out = _run(playbook_dir, tmp_path, menu, '--check', platform='RedHat-5')
    assert rc != 0, out
    assert 'name files that do not exist' in out and 'vmlinuz-2.6.18-398.el5' in out, out
    # A real run: grub.conf is not touched and no default file is written (the trial is not armed).
    before = menu.read_text()
    rc, out = _run(playbook_dir, tmp_path, menu, platform='RedHat-5')
    assert rc != 0 and 'not changed' in out and 'vmlinuz-2.6.18-398.el5' in out, out
    assert menu.read_text() == before and not (menu.parent / 'default').exists()


READ_TASK = 'Read the GRUB legacy menu'
WRITE_TASK = 'Make the Xen entry the boot default, once (trial) or for good, and set the hypervisor options'


def test_debian_module_calls_left_out_only_where_the_preflight_reading_shows_nothing_to_change(playbook_dir, tmp_path):
    """A re-run on a converged host makes no grub_legacy call: xen_preflight's reading of the menu (xen_facts'
    grub_legacy_menu) gives the module's answers (grub_legacy_answer). Wherever that reading cannot stand for the
    module's own, the module is called."""
    menu = _debian(tmp_path)
    # The first run: the Xen stanza is not in the menu, so the reading never looked at its files: the module writes.
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', 'preread=true')
    assert rc == 0 and task_result(out, READ_TASK) == 'skipping' and task_result(out, WRITE_TASK) == 'changed', out
    trial, facts = menu.read_text(), _facts(tmp_path)
    # Again before the reboot (a trial armed): no call, the same answer, nothing written.
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', 'preread=true')
    assert rc == 0 and task_result(out, READ_TASK) == 'skipping' and task_result(out, WRITE_TASK) == 'skipping', out
    assert re.search(r'changed=0\s', out) and 'Trial boot: the next boot only starts 0:' in out, out
    assert menu.read_text() == trial and _facts(tmp_path) == dict(facts, changed=False)
    # After the good trial: the promotion writes (the answer says changed), then converged, no call.
    (menu.parent / 'default').write_bytes(b'1\x00' + b'\n' * 8 + DEFAULT_TAIL.encode())
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', 'preread=true', proven=True)
    assert rc == 0 and task_result(out, WRITE_TASK) == 'changed', out
    permanent, saved = menu.read_text(), _saved(menu)
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', 'preread=true', proven=True)
    assert rc == 0 and task_result(out, READ_TASK) == 'skipping' and task_result(out, WRITE_TASK) == 'skipping', out
    assert re.search(r'changed=0\s', out) and 'Boot default: 0: Xen 4.17-amd64' in out, out
    assert (menu.read_text(), _saved(menu)) == (permanent, saved)
    assert _facts(tmp_path) == {'changed': False, 'trial': False, 'fallback_entry': '',
                                'xen_entry': 'Xen 4.17-amd64 / Debian GNU/Linux, kernel 6.1.0-28-amd64'}
    # A package changed in this run (its hooks run update-grub): the reading is not trusted; the module reads.
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', 'preread=true', '-e', 'xen_packages_changed=true', proven=True)
    assert rc == 0 and task_result(out, READ_TASK) == 'ok' and task_result(out, WRITE_TASK) == 'ok', out
    # GRUB's default file set to another entry by hand (grub-set-default 2): the reading shows it, the module sets it back.
    (menu.parent / 'default').write_text('2\n' + DEFAULT_TAIL)
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', 'preread=true', proven=True)
    assert rc == 0 and task_result(out, WRITE_TASK) == 'changed' and _saved(menu) == saved, out
    # The hypervisor image removed: the reading shows the Xen default cannot load; the verify stops the play.
    os.unlink(str(tmp_path / 'boot' / 'xen-4.17-amd64.gz'))
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', 'preread=true', proven=True)
    assert rc != 0 and task_result(out, WRITE_TASK) == 'skipping', out
    assert 'name files that do not exist: %s' % (tmp_path / 'boot' / 'xen-4.17-amd64.gz') in out, out


def test_debian_check_mode_on_the_preflight_reading_changes_nothing(playbook_dir, tmp_path):
    menu = _debian(tmp_path)
    rc, out = _run(playbook_dir, tmp_path, menu, proven=True)
    assert rc == 0, out
    # Another default set by hand since: the reading shows it, so the module is called, in check mode, with the diff.
    menu.write_text(re.sub(r'(?m)^default\s+0$', 'default 2', menu.read_text()))
    before = menu.read_text(), _saved(menu)
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', 'preread=true', '--check', '--diff', proven=True)
    assert rc == 0 and re.search(r'changed=1\s', out), out
    assert re.search(r'(?m)^-default 2\n\+default 0$', out), out
    assert (menu.read_text(), _saved(menu)) == before


def test_rhel5_rerun_on_the_preflight_reading_makes_no_module_call(playbook_dir, tmp_path):
    menu = _rhel5(tmp_path)
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', 'preread=true', platform='RedHat-5')
    assert rc == 0 and task_result(out, WRITE_TASK) == 'changed', out
    text, saved = menu.read_text(), _saved(menu)
    rc, out = _run(playbook_dir, tmp_path, menu, '-e', 'preread=true', platform='RedHat-5')
    assert rc == 0 and task_result(out, WRITE_TASK) == 'skipping' and re.search(r'changed=0\s', out), out
    assert (menu.read_text(), _saved(menu)) == (text, saved) and _facts(tmp_path)['trial'] is True
