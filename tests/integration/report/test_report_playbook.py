# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""End to end: `ansible-playbook xenhost.dom0.report` over the facts fixture trees.

inventory.yml turns each tree under tests/unit/fixtures/facts/hosts/ into a local "host" (plus a
hostile model name, a dead host and a missing tree); the playbook really runs both facts modules on
them and writes the Markdown and HTML reports, which are parsed back and compared here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
INVENTORY = os.path.join(HERE, 'inventory.yml')
PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')

HEADERS = ['Host', 'CPU', 'PAE', '64-bit', 'HVM', 'HVM source', 'IOMMU', 'Boot', 'Secure Boot', 'Xen', 'Verdict', 'Reasons']
HOSTILE_MODEL = 'Intel(R) Xeon(R) CPU <script>alert("x")</script> & <img src=x onerror=alert(1)> | E5620 @ 2.40GHz'
# Natural order: digits compare as numbers, so pentium4-... sorts before pentium-m-...
EXPECTED_ORDER = [
    'aarch64-cortex-a72', 'core2-e8400-vmx', 'dead-host', 'hostile-model', 'kvm-guest-skylake', 'missing-tree',
    'opteron-2218-2socket', 'pentium4-northwood', 'pentium-m-dothan', 'ppc64le-power9', 's390x-z14',
    'uefi-secure-boot-xeon', 'xen-dom0-debian12', 'xen-dom0-rhel5', 'xen-dom0-update-pending', 'xen-domu-pv-debian12',
]


def run_report(out_dir, *extra, **env_overrides):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'), ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0')
    env.update(env_overrides)
    cmd = [PLAYBOOK, 'xenhost.dom0.report', '-i', INVENTORY, '-e', 'xenhost_report_dir=%s' % out_dir] + list(extra)
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False)


def markdown_rows(text):
    """{host: {header: cell}} from the report's Markdown table (cells unescaped), plus the header row."""
    lines = [line for line in text.splitlines() if line.startswith('| ')]
    split = [[re.sub(r'\\(.)', r'\1', cell.strip()) for cell in re.split(r'(?<!\\)\|', line)[1:-1]] for line in lines]
    header, rule, body = split[0], split[1], split[2:]
    assert all(set(cell) == {'-'} for cell in rule)
    return header, [dict(zip(header, cells)) for cells in body]


class TableParser(HTMLParser):
    """Collects table rows (cell text, list items joined with '; ') and every tag and attribute seen."""

    def __init__(self):
        HTMLParser.__init__(self)
        self.tags = set()
        self.attributes = set()
        self.styles = []
        self.header = []
        self.rows = []
        self._cell = None
        self._items = 0
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, dummy in attrs)
        if tag == 'tr':
            self.rows.append([])
        elif tag in ('td', 'th'):
            self._cell, self._items = [], 0
        elif tag == 'li' and self._cell is not None:
            if self._items:
                self._cell.append('; ')
            self._items += 1
        elif tag == 'style':
            self._in_style = True

    def handle_endtag(self, tag):
        if tag in ('td', 'th') and self._cell is not None:
            self.rows[-1].append(''.join(self._cell).strip())
            self._cell = None
        elif tag == 'style':
            self._in_style = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_style:
            self.styles.append(data)


@pytest.fixture(scope='module')
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp('report')
    result = run_report(str(out))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    with open(str(out / 'xen-readiness.md')) as handle:
        markdown = handle.read()
    with open(str(out / 'xen-readiness.html')) as handle:
        html = handle.read()
    header, rows = markdown_rows(markdown)
    return {'stdout': result.stdout, 'markdown': markdown, 'html': html, 'header': header,
            'rows': rows, 'by_host': dict((row['Host'], row) for row in rows)}


def test_one_row_per_host_sorted_by_name(report):
    assert report['header'] == HEADERS
    assert [row['Host'] for row in report['rows']] == EXPECTED_ORDER
    assert ('for 16 host(s):\n1 unreachable, 1 error, 4 not ready, 1 ready (32-bit Xen only), 2 ready (PV only), 7 ready.'
            in report['markdown'])


def test_secure_boot_enforced_is_not_ready_with_the_ways_out(report):
    row = report['by_host']['uefi-secure-boot-xeon']
    # The same CPU as core2-e8400-vmx (ready), booted through UEFI with Secure Boot on: the report stops it as
    # xen_preflight would, by boot_facts' secure_boot check.
    assert (row['HVM'], row['Boot'], row['Secure Boot'], row['Verdict']) == ('VT-x', 'UEFI', 'on', 'not ready')
    assert row['Reasons'].startswith('Secure Boot is enforced (SecureBoot=1, SetupMode=0, shim validation on)')
    assert 'mokutil --disable-validation' in row['Reasons']
    # Without sys/firmware/efi: BIOS where the tree has sys/firmware, unknown ('?') where it has none, never a guess.
    core2 = report['by_host']['core2-e8400-vmx']
    assert (core2['Boot'], core2['Secure Boot'], core2['Verdict']) == ('BIOS', 'n/a', 'ready')
    hostile = report['by_host']['hostile-model']  # a tree of proc/cpuinfo only
    assert (hostile['Boot'], hostile['Secure Boot']) == ('?', '?')


def test_pentium_m_is_not_ready_because_of_pae(report):
    row = report['by_host']['pentium-m-dothan']
    # HVM is unknown ('?'): on Linux 5.6+ a missing vmx flag means "absent or locked off by firmware",
    # and this recorded host has no readable MSR/CPUID device to tell which.
    assert (row['PAE'], row['64-bit'], row['HVM'], row['Verdict']) == ('no', 'no', '?', 'not ready')
    assert row['CPU'] == 'Intel(R) Pentium(R) M processor 1.73GHz (i686, 1 CPU, 1 socket)'
    assert 'The CPU has no PAE' in row['Reasons']


def test_xen_dom0_rows_take_hvm_from_xen(report):
    debian = report['by_host']['xen-dom0-debian12']
    assert (debian['HVM'], debian['HVM source'], debian['Xen'], debian['Verdict']) == ('VT-x', 'xen', 'dom0 4.17.7', 'ready')
    rhel5 = report['by_host']['xen-dom0-rhel5']
    assert (rhel5['HVM source'], rhel5['Xen'], rhel5['Verdict']) == ('xen', 'dom0 3.1.2-419.el5', 'ready')
    assert rhel5['CPU'].endswith('(x86_64, 8 CPUs, 2 sockets)')


def test_dom0_waiting_for_a_xen_update_says_reboot_required(report):
    """hosts/xen-dom0-update-pending: Debian 12's Xen 4.17.5 runs, a later build of it is in /boot (other build-id).

    The tree has no raw sys/hypervisor/properties/buildid (see its README): the running build is the one compiled at
    that date with that compiler, which the image in /boot is not."""
    row = report['by_host']['xen-dom0-update-pending']
    assert (row['Xen'], row['Verdict']) == ('dom0 4.17.5', 'ready')
    assert row['Reasons'] == (
        'warning: reboot required (running Xen 4.17.5 (built Sat Nov 29 13:52:25 UTC 2025), installed '
        'xen-hypervisor-4.17-amd64 4.17.5+80-g2d0e7bbc3a-1 (/boot/xen-4.17-amd64.gz, build-id 7c3e1f09a2b4))')
    # The dom0 that runs what is installed (its tree has no image, so that is unknown) carries no such warning.
    assert 'reboot required' not in report['by_host']['xen-dom0-debian12']['Reasons']


def test_other_verdicts(report):
    by_host = report['by_host']
    core2 = by_host['core2-e8400-vmx']
    assert (core2['HVM'], core2['HVM source'], core2['IOMMU'], core2['Xen'], core2['Verdict']) == ('VT-x', 'cpuinfo', 'VT-d', 'none', 'ready')
    assert (by_host['opteron-2218-2socket']['HVM'], by_host['opteron-2218-2socket']['IOMMU']) == ('AMD-V', 'no')
    assert by_host['kvm-guest-skylake']['Verdict'] == 'ready (PV only)'
    assert 'nested virtualization' in by_host['kvm-guest-skylake']['Reasons']
    domu = by_host['xen-domu-pv-debian12']
    assert (domu['Xen'], domu['Verdict']) == ('domU (PV) 4.17.3', 'ready (PV only)')
    assert 'warning: this host is itself a Xen guest (domU)' in domu['Reasons']
    # CentOS 5 i686 on a Pentium 4 with PAE: xen_preflight sets it up on RHEL/CentOS 5 (32-bit PAE Xen 3.1) and
    # refuses it on Debian 12/13 (64-bit Xen only); the report says both instead of "not ready".
    p4 = by_host['pentium4-northwood']
    assert (p4['PAE'], p4['64-bit'], p4['HVM'], p4['Verdict']) == ('yes', 'no', '?', 'ready (32-bit Xen only)')
    assert p4['Reasons'].startswith('The CPU has PAE but is 32-bit only (no "lm" flag)')
    assert 'RHEL/CentOS 5 (Xen 3.1)' in p4['Reasons'] and 'Debian 12 (Xen 4.17) and Debian 13 (Xen 4.20) cannot run here' in p4['Reasons']
    assert 'only paravirtualized (PV) guests' in p4['Reasons']  # no VT-x: the HVM advice is still a reason
    # Not "not ready", so the kernel advice stays: only the non-Xen el5 kernels are installed.
    assert 'warning: no installed kernel can run as dom0' in p4['Reasons'] and 'kernel-xen' in p4['Reasons']
    for name in ('ppc64le-power9', 's390x-z14'):
        assert (by_host[name]['PAE'], by_host[name]['64-bit'], by_host[name]['Verdict']) == ('n/a', 'yes', 'not ready')
        assert 'Xen runs only on x86_64 and aarch64' in by_host[name]['Reasons']
    assert (by_host['aarch64-cortex-a72']['Verdict'], by_host['aarch64-cortex-a72']['64-bit']) == ('ready', 'yes')


def test_dead_and_broken_hosts_are_rows_not_aborts(report):
    dead = report['by_host']['dead-host']
    assert dead['Verdict'] == 'unreachable'
    assert dead['Reasons'].startswith('unreachable: ')
    assert dead['CPU'] == ''
    missing = report['by_host']['missing-tree']
    assert missing['Verdict'] == 'error'
    assert 'does-not-exist is not a directory' in missing['Reasons']


def test_hostile_model_name_is_escaped_in_markdown(report):
    assert report['by_host']['hostile-model']['CPU'] == HOSTILE_MODEL + ' (x86_64, 2 CPUs, 1 socket)'
    line = [line for line in report['markdown'].splitlines() if line.startswith('| hostile-model ')][0]
    assert '\\<script\\>' in line and '\\| E5620' in line and '<script>' not in line
    assert len(re.split(r'(?<!\\)\|', line)) == len(HEADERS) + 2  # the | in the name did not add a column


def test_html_is_self_contained_escaped_and_has_the_same_rows(report):
    parser = TableParser()
    parser.feed(report['html'])
    parser.close()
    assert parser.tags <= {'html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'p', 'b', 'table', 'thead', 'tbody',
                           'tr', 'th', 'td', 'ul', 'li'}, parser.tags
    assert not parser.attributes & {'src', 'href', 'onerror', 'onload'}
    style = ''.join(parser.styles)
    assert style and 'url(' not in style and '@import' not in style
    assert '<script' not in report['html'] and '&lt;script&gt;' in report['html']
    header, body = parser.rows[0], parser.rows[1:]
    assert header == HEADERS
    html_rows = [dict(zip(header, cells)) for cells in body]
    assert html_rows == report['rows']
    assert dict((row['Host'], row['CPU']) for row in html_rows)['hostile-model'] == HOSTILE_MODEL + ' (x86_64, 2 CPUs, 1 socket)'


def test_table_is_printed_on_the_terminal(report):
    table = [line for line in report['markdown'].splitlines() if line.startswith('| ')]
    printed = [line.strip() for line in report['stdout'].splitlines()]
    for line in table:
        assert line in printed


def test_check_mode_reads_but_writes_nothing(tmp_path):
    out = tmp_path / 'not-written'
    # Also the JSON result format (ansible-core's default): the table must come out one line per row there too.
    result = run_report(str(out), '--check', '--limit', 'pentium-m-dothan,xen-dom0-debian12', ANSIBLE_CALLBACK_RESULT_FORMAT='json')
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert not out.exists()
    assert re.search(r'^ *"\| pentium-m-dothan +\|.*\| not ready +\|.*\|",$', result.stdout, re.M)
    assert re.search(r'^ *"\| xen-dom0-debian12 +\|.*\| ready +\| *\|"', result.stdout, re.M)


def test_file_paths_are_configurable(tmp_path):
    markdown = tmp_path / 'md' / 'deep' / 'fleet.md'
    html = tmp_path / 'html' / 'fleet.html'
    result = run_report(str(tmp_path / 'unused'), '--limit', 'pentium-m-dothan,dead-host',
                        '-e', 'xenhost_report_markdown=%s' % markdown, '-e', 'xenhost_report_html=%s' % html)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert not (tmp_path / 'unused').exists()
    header, rows = markdown_rows(markdown.read_text())
    assert [(row['Host'], row['Verdict']) for row in rows] == [('dead-host', 'unreachable'), ('pentium-m-dothan', 'not ready')]
    assert 'pentium-m-dothan' in html.read_text()
