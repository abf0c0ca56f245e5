"""The README works as written: its Python examples run, its commands parse, its Quick start sets
up a virtual environment (PEP 668) and verifies against a key, and it cites only files that exist."""
import os
import pathlib
import re
import shlex
import subprocess
import sys

import pytest

from gpustark import cli

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
SH_BLOCKS = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
QUICK_START = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
MAIN_JOB = re.findall(r"```sh\n(.*?)```", QUICK_START, flags=re.S)
# A command line that runs the CLI: ".venv/bin/gpustark ARGS" or "python3 -m gpustark ARGS".
GPUSTARK = re.compile(r"^(?:\w+=\S+ )*(?:\.venv/bin/gpustark|\S*python3? -m gpustark) (.*)$")


def test_readme_has_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index):
    exec(compile(BLOCKS[index], f"README.md[python block {index}]", "exec"), {})


def _gpustark_commands() -> list[list[str]]:
    commands = []
    for block in SH_BLOCKS:
        for line in block.splitlines():
            for part in line.split("#")[0].split("&&"):
                match = GPUSTARK.match(part.strip())
                if match:
                    commands.append(shlex.split(match.group(1)))
    return commands


def test_every_gpustark_command_in_the_readme_parses():
    commands = _gpustark_commands()
    assert len(commands) >= 6
    for args in commands:
        cli._parser().parse_args(args)  # exits 2 (failing the test) on a bad flag


def test_quick_start_is_two_commands_the_main_job_then_the_tests():
    assert len(MAIN_JOB) == 1 and len(MAIN_JOB[0].strip().splitlines()) == 1
    main_job = MAIN_JOB[0]
    assert main_job.startswith("python3 -m venv .venv && .venv/bin/pip install . && ")
    assert not re.search(r"(?<!\.venv/bin/)\bpip install", main_job.replace(".venv/bin/pip install", ""))
    assert re.search(r"gpustark verify --vk (\S+) .*--min-security-bits 100", main_job)
    assert re.search(r"```sh\nscripts/test.sh\n```", README)


def test_readme_cites_only_files_the_repository_has():
    assert not re.search(r"PROTOCOL\s*§?\s*\d", README)  # the design document is not in the repository
    cited = set(re.findall(r"(?<![\w/.])((?:\.github|benchmarks|docs|scripts|tests|tools)/[\w./-]+\.\w+)", README))
    cited |= set(re.findall(r"\]\(([^)#:]+)\)", README))
    assert len(cited) >= 5
    missing = sorted(path for path in cited if not (ROOT / path).exists())
    assert not missing


@pytest.mark.slow
def test_quick_start_main_job_runs(tmp_path):
    """The main job after its install step, with the source tree's package."""
    job = MAIN_JOB[0].split(".venv/bin/pip install . && ", 1)[1]
    job = job.replace(".venv/bin/gpustark", f"{shlex.quote(sys.executable)} -m gpustark")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "python")}
    result = subprocess.run(job, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid:" in result.stdout and "100.1 bits" in result.stdout
