# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""scripts/gen-role-docs: README.md's role variables section is generated from the argument specs.

test_readme_role_variables_are_current is the guard the README promises: it fails when a role's
meta/argument_specs.yml changed and `scripts/gen-role-docs` was not run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, 'scripts', 'gen-role-docs')


def load_script():
    loader = importlib.machinery.SourceFileLoader('gen_role_docs', SCRIPT)
    spec = importlib.util.spec_from_loader('gen_role_docs', loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


grd = load_script()

# Modelled on a real role spec: nested dict options, a list of dicts, choices, markup, a | in text.
FIXTURE_SPEC = textwrap.dedent('''\
    ---
    argument_specs:
      main:
        short_description: Configure the C(xl) toolstack.
        options:
          demo_mode:
            type: str
            choices: [auto, xl, xm]
            default: auto
            description: Which toolstack; V(auto) picks the one the platform ships.
          demo_bridges:
            type: list
            elements: dict
            default: []
            description:
              - Network bridges for guests.
              - See O(demo_bridges[].name).
            options:
              name:
                type: str
                required: true
                description: Bridge name, e.g. C(xenbr0).
              stp:
                type: bool
                default: false
                description: Spanning tree on|off.
          demo_limits:
            type: dict
            description: Resource limits.
            options:
              memory:
                type: str
                default: 1024M
                description: dom0 memory (I(dom0_mem)).
          demo_required:
            required: true
            description: A required string with no type given.
      teardown:
        short_description: Remove it again.
        options: {}
    ''')

README = textwrap.dedent('''\
    # Title

    Hand-written text.

    <!-- BEGIN ROLE VARIABLES -->
    stale content
    <!-- END ROLE VARIABLES -->

    ## After
    ''')


def make_repo(tmp_path, readme=README, roles=None, site=None):
    roles = roles if roles is not None else {'demo': FIXTURE_SPEC}
    for name, text in roles.items():
        meta = tmp_path / 'roles' / name / 'meta'
        meta.mkdir(parents=True)
        if text is not None:
            (meta / 'argument_specs.yml').write_text(text)
    if site is not None:
        (tmp_path / 'playbooks').mkdir()
        (tmp_path / 'playbooks' / 'site.yml').write_text(site)
    (tmp_path / 'README.md').write_text(readme)
    return tmp_path


def test_readme_role_variables_are_current():
    result = subprocess.run([sys.executable, SCRIPT, '--check'], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, 'README.md role variables are stale or invalid:\n%s%s' % (result.stdout, result.stderr)


def test_rows_cover_nested_options_and_list_elements(tmp_path):
    import yaml
    specs = yaml.safe_load(FIXTURE_SPEC)['argument_specs']
    rows = grd.option_rows(specs['main']['options'])
    assert [row[0] for row in rows] == [
        '`demo_bridges`', '`demo_bridges[].name`', '`demo_bridges[].stp`',
        '`demo_limits`', '`demo_limits.memory`', '`demo_mode`', '`demo_required`']
    by_name = dict((row[0], row) for row in rows)
    assert by_name['`demo_bridges`'][1:5] == ('list of dict', '`[]`', 'no', '')
    assert by_name['`demo_bridges`'][5] == 'Network bridges for guests. See `demo_bridges[].name`.'
    assert by_name['`demo_bridges[].name`'][1:4] == ('str', '', 'yes')
    assert by_name['`demo_bridges[].stp`'][2] == '`false`'
    assert by_name['`demo_bridges[].stp`'][5] == 'Spanning tree on\\|off.'
    assert by_name['`demo_limits.memory`'][2] == '`1024M`'
    assert by_name['`demo_limits.memory`'][5] == 'dom0 memory (*dom0_mem*).'
    assert by_name['`demo_mode`'][4] == '`auto`, `xl`, `xm`'
    assert by_name['`demo_mode`'][5] == 'Which toolstack; `auto` picks the one the platform ships.'
    assert by_name['`demo_required`'][1:4] == ('str', '', 'yes')


@pytest.mark.parametrize('value, shown', [
    (True, '`true`'), (None, '`null`'), ('', '`""`'), (' padded', '`" padded"`'), ([1, 'a'], '`[1, "a"]`'),
    ({'b': 1, 'a': 'x|y'}, '`{"a": "x\\|y", "b": 1}`'), (3600, '`3600`'),
])
def test_value_text(value, shown):
    assert grd.value_text(value) == shown


def test_markup_to_markdown():
    assert grd.markup_to_markdown('L(Xen wiki, https://wiki.xenproject.org) and U(https://x.invalid) B(now)\n  P(xenhost.dom0.report#filter)') == \
        '[Xen wiki](https://wiki.xenproject.org) and <https://x.invalid> **now** `xenhost.dom0.report`'


def test_write_then_check_and_rest_untouched(tmp_path):
    repo = make_repo(tmp_path)
    assert grd.main(['--root', str(repo), '--check']) == 1
    assert (repo / 'README.md').read_text() == README  # --check never writes
    assert grd.main(['--root', str(repo)]) == 0
    text = (repo / 'README.md').read_text()
    assert text.startswith('# Title\n\nHand-written text.\n\n<!-- BEGIN ROLE VARIABLES -->\n')
    assert text.endswith('\n\n<!-- END ROLE VARIABLES -->\n\n## After\n')
    assert 'stale content' not in text
    assert '### `demo`\n\nConfigure the `xl` toolstack.\n\n| Variable | Type | Default | Required | Choices | Description |' in text
    assert '#### Entry point `teardown`\n\nRemove it again.\n\nNo variables.' in text
    assert grd.main(['--root', str(repo), '--check']) == 0
    assert grd.main(['--root', str(repo)]) == 0
    assert (repo / 'README.md').read_text() == text  # idempotent


def test_check_prints_diff(tmp_path, capsys):
    repo = make_repo(tmp_path)
    assert grd.main(['--root', str(repo), '--check']) == 1
    out, err = capsys.readouterr()
    assert '-stale content' in out
    assert '+| `demo_mode` | str | `auto` | no |' in out
    assert 'out of date' in err


def test_missing_markers_say_what_to_add(tmp_path, capsys):
    repo = make_repo(tmp_path, readme='# Title\n')
    assert grd.main(['--root', str(repo), '--check']) == 1
    err = capsys.readouterr().err
    assert 'README.md has no role variables section' in err
    assert '<!-- BEGIN ROLE VARIABLES -->' in err and '<!-- END ROLE VARIABLES -->' in err
    assert grd.main(['--root', str(repo)]) == 1
    assert (repo / 'README.md').read_text() == '# Title\n'


def test_markers_out_of_order_rejected(tmp_path, capsys):
    repo = make_repo(tmp_path, readme='%s\n%s\n' % (grd.END, grd.BEGIN))
    assert grd.main(['--root', str(repo)]) == 1
    assert 'must each appear once' in capsys.readouterr().err


def test_undocumented_variable_and_missing_spec_fail(tmp_path, capsys):
    bad = 'argument_specs:\n  main:\n    options:\n      x_a:\n        type: str\n        options:\n          inner: {type: int}\n'
    repo = make_repo(tmp_path, roles={'x': bad, 'y': None})
    assert grd.main(['--root', str(repo)]) == 1
    err = capsys.readouterr().err
    assert 'roles/x/meta/argument_specs.yml: main: option x_a has no description' in err
    assert 'option x_a.inner has no description' in err
    assert 'roles/y: no meta/argument_specs.yml' in err
    assert (repo / 'README.md').read_text() == README


def test_roles_follow_site_yml_order(tmp_path):
    spec = 'argument_specs:\n  main:\n    short_description: s\n    options: {}\n'
    site = '- hosts: all\n  roles:\n    - role: xenhost.dom0.zz_first\n    - aa_second\n'
    repo = make_repo(tmp_path, roles={'aa_second': spec, 'zz_first': spec, 'mm_unlisted': spec}, site=site)
    assert grd.main(['--root', str(repo)]) == 0
    text = (repo / 'README.md').read_text()
    assert text.index('### `zz_first`') < text.index('### `aa_second`') < text.index('### `mm_unlisted`')


def test_keeps_file_mode(tmp_path):
    repo = make_repo(tmp_path)
    os.chmod(str(repo / 'README.md'), 0o664)
    assert grd.main(['--root', str(repo)]) == 0
    assert os.stat(str(repo / 'README.md')).st_mode & 0o777 == 0o664
