"""Keys and proofs as files: `gpustark keygen`, `prove --vk-out/--raw`, `verify --vk`, in OpenVM's
encodings (postcard bytes or serde JSON for keys, the proof codec alone for --raw)."""
import json

import gpustark
from gpustark.keygen import VerifyingKey
from gpustark.proof_file import MAGIC
from gpustark.workloads import WORKLOADS, make_params

from cli_run import fib_files, gpustark as run  # noqa: F401 - fixture


def test_keygen_writes_the_key_prove_uses_in_both_formats(fib_files, capsys):
    from_prove = VerifyingKey.load(fib_files["fib.vk"])
    from_json = VerifyingKey.load(fib_files["fib.json"])
    assert from_prove.key_id == from_json.key_id
    assert json.loads(fib_files["fib.json"].read_text())  # OpenVM's serde JSON is JSON
    _, expected = gpustark.keygen(WORKLOADS["fib"].airs({}), make_params("small"))
    assert fib_files["fib.vk"].read_bytes() == expected.to_openvm_bytes()


def test_raw_proof_is_the_openvm_codec_alone(fib_files):
    raw = fib_files["fib.raw"].read_bytes()
    assert not raw.startswith(MAGIC)
    assert fib_files["fib.proof"].read_bytes().endswith(raw)
    gpustark.verify(VerifyingKey.load(fib_files["fib.vk"]), gpustark.Proof.from_bytes(raw))


def test_verify_with_vk_reads_both_proof_forms_and_both_key_forms(fib_files, capsys):
    for proof in ("fib.proof", "fib.raw"):
        for key in ("fib.vk", "fib.json"):
            code, out, _ = run(capsys, "verify", "--vk", fib_files[key], fib_files[proof])
            assert code == 0 and out.startswith("valid:"), (proof, key, out)
            assert f"(from {fib_files[key]})" in out


def test_raw_proof_without_a_key_is_refused(fib_files, capsys):
    code, out, _ = run(capsys, "verify", fib_files["fib.raw"])
    assert code == 1 and out.startswith("invalid:") and "--vk" in out


def test_verify_rejects_a_proof_under_another_key(fib_files, tmp_path, capsys):
    other = tmp_path / "multi.vk"
    assert run(capsys, "keygen", "multi", "--out", other)[0] == 0
    code, out, _ = run(capsys, "verify", "--vk", other, fib_files["fib.proof"])
    assert code == 1 and out.startswith("invalid:")


def test_required_airs_change_the_key_and_bind_the_proof(tmp_path, capsys):
    default, required = tmp_path / "optional.vk", tmp_path / "required.vk"
    assert run(capsys, "keygen", "fib", "--out", default)[0] == 0
    assert run(capsys, "keygen", "fib", "--out", required, "--required", "FibonacciAir")[0] == 0
    assert [a.is_required for a in VerifyingKey.load(default).per_air] == [False]  # OpenVM's add_air
    assert [a.is_required for a in VerifyingKey.load(required).per_air] == [True]
    proof = tmp_path / "fib.proof"
    assert run(capsys, "prove", "fib", "--height", 32, "--required", "all", "--out", proof)[0] == 0
    assert run(capsys, "verify", "--vk", required, proof)[0] == 0
    assert run(capsys, "verify", proof)[0] == 0  # the header records the flags
    assert run(capsys, "verify", "--vk", default, proof)[0] == 1


def test_bad_key_files_are_usage_errors(fib_files, tmp_path, capsys):
    from cli_run import fails_with
    fails_with(capsys, "--vk: cannot read", "verify", "--vk", tmp_path / "missing.vk", fib_files["fib.proof"])
    junk = tmp_path / "junk.vk"
    junk.write_bytes(b"\x07 not a key")
    fails_with(capsys, "--vk: ", "verify", "--vk", junk, fib_files["fib.proof"])
    fails_with(capsys, "--required: no AIR named nope", "keygen", "fib", "--out", tmp_path / "k", "--required", "nope")
