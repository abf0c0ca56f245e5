"""`gpustark verify` says what it verified: the key (and where it came from), the parameters and
their security, each AIR's presence, height and width, and the public values; never the proof
file's header, which nothing binds."""
import json
import random
import struct

from gpustark.proof_file import MAGIC

from cli_run import fails_with, fib_files, gpustark as run  # noqa: F401 - fixture


def _with_header(data: bytes, **changes) -> bytes:
    (length,) = struct.unpack_from("<I", data, len(MAGIC))
    header = json.loads(data[len(MAGIC) + 4:len(MAGIC) + 4 + length])
    header.update(changes)
    encoded = json.dumps(header).encode()
    return MAGIC + struct.pack("<I", len(encoded)) + encoded + data[len(MAGIC) + 4 + length:]


def test_verify_prints_what_was_verified(fib_files, capsys):
    code, out, _ = run(capsys, "verify", "--vk", fib_files["fib.vk"], fib_files["fib.proof"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("valid:")
    key_line = next(line for line in lines if line.startswith("key "))
    assert len(key_line.split()[1]) == 64  # the pre_hash in hex
    assert any(line.split()[:5] == ["0", "air0", "yes", "6", "2"] for line in lines)  # AIR 0: present, 2^6, width 2
    assert any(line.startswith("public values  air0: 0 1 ") for line in lines)
    security = next(line for line in lines if line.startswith("security"))
    assert "5.2 bits" in security and "NOT SECURE" in security and "test parameters" in security
    assert "note: no --vk" not in out


def test_without_vk_it_says_the_file_chose_its_key(fib_files, capsys):
    code, out, _ = run(capsys, "verify", fib_files["fib.proof"])
    assert code == 0
    assert "note: no --vk, so the proof file chose its own key" in out
    assert "rebuilt from the proof file's own header" in out


def test_unbound_header_options_are_never_printed(fib_files, tmp_path, capsys):
    forged = tmp_path / "forged.proof"
    forged.write_bytes(_with_header(fib_files["fib.proof"].read_bytes(), options={"height": 31337}))
    for args in (["--vk", fib_files["fib.vk"]], []):
        code, out, _ = run(capsys, "verify", *args, forged)
        assert code == 0  # the header is not part of the proof
        assert "31337" not in out and "{'height'" not in out


def test_header_flips_never_verify_as_a_different_key(fib_files, tmp_path, capsys):
    """The old verify accepted 16 of 50 header bit flips and printed the flipped options. With --vk
    every flip either verifies against that key (the header is ignored) or is rejected."""
    data = fib_files["fib.proof"].read_bytes()
    (length,) = struct.unpack_from("<I", data, len(MAGIC))
    rng = random.Random(5)
    key_id = run(capsys, "verify", "--vk", fib_files["fib.vk"], fib_files["fib.proof"])[1].split("key ")[1].split()[0]
    for trial in range(12):
        bit = rng.randrange(8 * (len(MAGIC) + 4 + length))
        flipped = bytearray(data)
        flipped[bit // 8] ^= 1 << (bit % 8)
        path = tmp_path / f"flip{trial}.proof"
        path.write_bytes(bytes(flipped))
        code, out, _ = run(capsys, "verify", "--vk", fib_files["fib.vk"], path)
        assert code in (0, 1) and out.startswith("valid:" if code == 0 else "invalid:")
        if code == 0:
            assert key_id in out


def test_proof_bit_flips_are_rejected(fib_files, tmp_path, capsys):
    raw = fib_files["fib.raw"].read_bytes()
    rng = random.Random(7)
    for trial in range(12):
        bit = rng.randrange(8 * len(raw))
        flipped = bytearray(raw)
        flipped[bit // 8] ^= 1 << (bit % 8)
        path = tmp_path / f"flip{trial}.raw"
        path.write_bytes(bytes(flipped))
        code, out, _ = run(capsys, "verify", "--vk", fib_files["fib.vk"], path)
        assert code == 1 and out.startswith("invalid:"), (bit, out)


def test_min_security_bits_refuses_weaker_keys(fib_files, capsys):
    code, out, _ = run(capsys, "verify", "--vk", fib_files["fib.vk"], "--min-security-bits", 100, fib_files["fib.proof"])
    assert code == 1 and out.startswith("invalid:") and "below --min-security-bits 100" in out
    assert run(capsys, "verify", "--vk", fib_files["fib.vk"], "--min-security-bits", 5, fib_files["fib.proof"])[0] == 0
    fails_with(capsys, "--min-security-bits", "verify", "--min-security-bits", -1, fib_files["fib.proof"])
    fails_with(capsys, "--min-security-bits", "verify", "--min-security-bits", "many", fib_files["fib.proof"])


def test_app_params_are_reported_secure(tmp_path, capsys):
    proof, key = tmp_path / "fib.proof", tmp_path / "fib.vk"
    assert run(capsys, "prove", "fib", "--height", 64, "--params", "app", "--log-stacked-height", 11,
               "--out", proof, "--vk-out", key)[0] == 0
    code, out, _ = run(capsys, "verify", "--vk", key, "--min-security-bits", 100, proof)
    assert code == 0, out
    assert "app_params_with_100_bits_security(11)" in out and "NOT SECURE" not in out
