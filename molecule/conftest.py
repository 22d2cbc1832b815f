"""Molecule's testinfra verifier runs the tests under molecule/ against a scenario's VM.

A plain `pytest` from the repository root must not collect them: they would run against the
controller itself (testinfra's default local backend) or miss the scenario's saved state.
"""
import os

if "MOLECULE_EPHEMERAL_DIRECTORY" not in os.environ:
    collect_ignore_glob = ["*"]
