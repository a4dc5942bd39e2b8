"""Docs are tested: every command has help text and appears in the README; the two set-up commands are there."""
from __future__ import annotations

import typer.main
from typer.testing import CliRunner

from hoptac.cli import app
from paths import ROOT


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    names = []
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            names += [f"{name} {sub}" for sub in cmd.commands]
        else:
            names.append(name)
    return names


def test_every_command_has_help_and_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    runner = CliRunner()
    for name in command_names():
        res = runner.invoke(app, name.split() + ["--help"])
        assert res.exit_code == 0 and len(res.stdout) > 40, name
        assert f"$H {name}" in readme or f"hoptac {name}" in readme, f"README does not show `hoptac {name}`"


def test_readme_gives_the_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/run.sh" in readme and "bash scripts/test.sh" in readme
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
