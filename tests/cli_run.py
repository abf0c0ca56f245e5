"""Run the gpustark CLI in-process, as a user would call it: (exit code, stdout, stderr)."""
from __future__ import annotations

import pytest

from gpustark import cli


def gpustark(capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()  # drop what earlier calls printed
    try:
        code = cli.main([str(a) for a in args])
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def fails_with(capsys, message: str, *args, code: int = 2) -> str:
    """Run, expect exit `code` with `message` on one clean stderr line; return that stderr."""
    got, out, err = gpustark(capsys, *args)
    assert got == code, (args, got, out, err)
    assert message in err, (args, err)
    assert "Traceback" not in err
    return err


@pytest.fixture
def fib_files(tmp_path, capsys):
    """A fib proof (height 64), its key in both formats, and a raw OpenVM copy of the proof."""
    files = {name: tmp_path / name for name in ("fib.proof", "fib.vk", "fib.json", "fib.raw")}
    assert gpustark(capsys, "prove", "fib", "--height", 64, "--out", files["fib.proof"], "--vk-out", files["fib.vk"])[0] == 0
    assert gpustark(capsys, "keygen", "fib", "--out", files["fib.json"], "--format", "json")[0] == 0
    assert gpustark(capsys, "prove", "fib", "--height", 64, "--out", files["fib.raw"], "--raw")[0] == 0
    return files
