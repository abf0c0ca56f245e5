"""What `gpustark verify` prints about a proof it accepted: only what the verification bound (the
key, its AIRs and parameters, and the proof's own heights and public values), never the proof
file's header."""
from __future__ import annotations

from .keygen import VerifyingKey
from .proof import Proof
from .soundness import SecurityReport, security_report

__all__ = ["INSECURE_BITS", "key_security", "verified_report"]

# Below this many bits a key's parameters are called not secure (test_params_small has about 5).
INSECURE_BITS = 80


def key_security(vk: VerifyingKey) -> tuple[float | None, str]:
    """(bits of security or None where the estimate does not apply, a line saying so)."""
    try:
        report: SecurityReport = security_report(vk)
    except ValueError as exc:  # e.g. a key with no constraints, outside the soundness model
        report = None
        line = f"unknown ({exc})"
    else:
        line = f"{report.total_bits:.1f} bits (weakest: {report.weakest})"
    test_params = vk.params.name.startswith("test_params")
    if test_params or (report is not None and report.total_bits < INSECURE_BITS):
        kind = "test parameters" if test_params else "parameters"
        line += f" -- NOT SECURE: {kind} below {INSECURE_BITS} bits; anyone can forge such a proof"
    return (report.total_bits if report else None), line


def verified_report(vk: VerifyingKey, proof: Proof, security: str, key_source: str) -> list[str]:
    """The lines after "valid:": key, parameters, security, one row per AIR, public values."""
    p = vk.params
    name_width = max(len(air.name) for air in vk.per_air)
    lines = [f"key            {vk.key_id} ({key_source})",
             f"params         {p.name}: l_skip {p.l_skip}, n_stack {p.n_stack}, log_blowup {p.log_blowup}, "
             f"WHIR k {p.whir.k} with queries {list(p.whir.num_queries)}",
             f"security       {security}",
             f"AIRs           #  {'name':{name_width}} present  log_height  width"]
    for i, (air, vdata) in enumerate(zip(vk.per_air, proof.trace_vdata)):
        present, log_height = ("yes", str(vdata.log_height)) if vdata is not None else ("no", "-")
        lines.append(f"               {i:<2} {air.name:{name_width}} {present:8} {log_height:11} {air.width.total_width}")
    for air, values in zip(vk.per_air, proof.public_values):
        if values is not None and len(values):
            lines.append(f"public values  {air.name}: {' '.join(str(int(v)) for v in values)}")
    return lines
