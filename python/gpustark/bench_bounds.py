"""Distance to the hardware: a lower bound for each span of a keccakf bench run, from the bytes the
span must move and the multiplications it must do. benchmarks/lower_bounds.py prints it as a table;
`gpustark bench --target-*/--peaks` ranks the spans by their distance to it (bench_backlog).

    nvcc -O3 -arch=native -I cpp benchmarks/device_peaks.cu -o device_peaks && ./device_peaks > peaks.json
    python3 benchmarks/lower_bounds.py --bench bench_keccakf_cuda.json --peaks peaks.json

Method. A per-span model, computed from the workload's parameters (the bench JSON's `params` and
`options`), counts the span's unavoidable traffic (inputs read once, outputs written once, the
host-resident trace crossing PCIe once) and its essential multiplications (base-field muls, and
extension muls counted apart). Then, per span:

    bytes bound = max(device bytes / device bandwidth, PCIe bytes / host-to-device bandwidth)
    mults bound = base muls / fp_mul rate + ext muls / ef_mul rate   (an ext mul = 16 base muls
                                                                      when ef_mul was not measured)
    bound       = max(bytes bound, mults bound)

A span with children adds its children's bounds to its own: the prover's phases run one after the
other (each waits on the previous one's output or on a transcript challenge), so their bounds add.
Without --peaks the rates are H100 SXM datasheet-level assumptions (ASSUMED_* below), and the output
says so. The model covers the keccakf workload (one AIR, no interactions).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .bench_stats import SpanStats

if TYPE_CHECKING:
    from .bench import BenchResult

BASE_BYTES = 4      # a canonical BabyBear word
EXT_BYTES = 16      # an extension element: 4 words
DIGEST_BYTES = 32   # a Poseidon2 digest: 8 words
EXT_AS_BASE = 16    # schoolbook ext mul: 16 base muls (the 3 multiplies by W = 11 are shifts and adds)

# Poseidon2-16 (cpp/kernels/hash/poseidon2.h): 8 external rounds of 16 S-boxes, x^7 in 4 muls
# (x^2, x^3, x^4, x^7), and 13 internal rounds of one S-box plus the 16 diagonal muls of the internal
# layer; the M4-based external layers are additions.
POSEIDON2_MULS = 8 * 16 * 4 + 13 * (4 + 16)  # 772
SPONGE_RATE = 8

# ---- rates -----------------------------------------------------------------------------------

# H100 SXM5 (80 GB) datasheet: HBM3 at 3.35 TB/s; PCIe Gen5 x16 at 128 GB/s both ways, 64 GB/s each.
ASSUMED_HBM = 3.35e12
ASSUMED_H2D = 64e9
# BabyBear Montgomery muls (fp_mul): 132 SMs x 64 INT32 lanes x 1.98 GHz boost, over ~6 issue slots
# per mul: two 32x32->64 products (IMAD.WIDE, two slots each on the 64-lane integer-multiply pipe),
# one low product for q (one slot) and the conditional subtraction (about one more) -> ~2.8e12/s.
ASSUMED_FP_MUL = 132 * 64 * 1.98e9 / 6


@dataclass(frozen=True)
class Rates:
    hbm: float                 # device memory bytes/s (read + write)
    h2d: float                 # pinned host-to-device bytes/s
    fp_mul: float              # base-field muls/s
    ef_mul: float | None       # extension muls/s; None: an ext mul counts as EXT_AS_BASE base muls
    device: str
    measured: bool
    poseidon2: float | None = None  # permutations/s, when measured (a check on POSEIDON2_MULS)

    @staticmethod
    def assumed() -> "Rates":
        return Rates(ASSUMED_HBM, ASSUMED_H2D, ASSUMED_FP_MUL, None, "NVIDIA H100 SXM (datasheet)", False)

    @staticmethod
    def load(path: str) -> "Rates":
        """device_peaks.cu's JSON. ValueError for a file that is not it or holds a rate that is not
        a positive number (every rate divides work); OSError for one that cannot be read."""
        with open(path, encoding="utf-8") as f:
            try:
                p = json.load(f)
            except json.JSONDecodeError as exc:
                raise ValueError(f"peaks {path}: not JSON ({exc})") from None
        if not isinstance(p, dict):
            raise ValueError(f"peaks {path}: expected device_peaks.cu's JSON object, found {type(p).__name__}")
        missing = [k for k in ("hbm_bytes_per_s", "h2d_bytes_per_s", "fp_muls_per_s") if k not in p]
        if missing:
            raise ValueError(f"peaks {path}: missing {missing} (expected device_peaks.cu's JSON)")

        def rate(key: str) -> float:
            value = p[key]
            number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan
            if not (math.isfinite(number) and number > 0):
                raise ValueError(f"peaks {path}: {key} must be a positive number, found {value!r}")
            return float(number)

        def optional(key: str) -> float | None:
            return rate(key) if p.get(key) else None  # absent or 0: not measured

        return Rates(rate("hbm_bytes_per_s"), rate("h2d_bytes_per_s"), rate("fp_muls_per_s"), optional("ef_muls_per_s"),
                     str(p.get("device", "?")), True, optional("poseidon2_perms_per_s"))


# ---- work ------------------------------------------------------------------------------------

@dataclass
class Work:
    hbm_bytes: float = 0.0   # device memory traffic
    pcie_bytes: float = 0.0  # host to device
    fp_muls: float = 0.0     # base-field multiplications
    ef_muls: float = 0.0     # extension-field multiplications

    def __add__(self, other: "Work") -> "Work":
        return Work(self.hbm_bytes + other.hbm_bytes, self.pcie_bytes + other.pcie_bytes,
                    self.fp_muls + other.fp_muls, self.ef_muls + other.ef_muls)

    def base_muls(self) -> float:
        """All multiplications in base-field equivalents (an ext mul as EXT_AS_BASE)."""
        return self.fp_muls + EXT_AS_BASE * self.ef_muls

    def bytes_ms(self, rates: Rates) -> float:
        # Device memory and the PCIe link are separate channels that can overlap: the slower counts.
        return 1e3 * max(self.hbm_bytes / rates.hbm, self.pcie_bytes / rates.h2d)

    def muls_ms(self, rates: Rates) -> float:
        if rates.ef_mul:
            return 1e3 * (self.fp_muls / rates.fp_mul + self.ef_muls / rates.ef_mul)
        return 1e3 * self.base_muls() / rates.fp_mul


# ---- the workload ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Dag:
    width: int         # trace columns
    nodes: int
    muls: int          # multiplication nodes
    constraints: int   # each weighted by a power of lambda
    need_rot: bool     # reads the next row
    source: str = "defaults"


# Plonky3's KeccakAir through gpustark's DAG builder (python/gpustark/examples/keccak.py).
KECCAK_DAG = Dag(width=2633, nodes=39_273, muls=10_221, constraints=3_182, need_rot=True)


def keccak_dag() -> Dag:
    """The keccak AIR's DAG counts, from the AIR itself when it imports (about a second)."""
    try:
        from .air.expr import MUL
        from .examples.keccak import keccak_air
        air = keccak_air()
        dag = air.dag()
    except Exception as exc:  # noqa: BLE001 - any failure falls back to the recorded counts
        return Dag(**{**KECCAK_DAG.__dict__, "source": f"defaults (keccak_air() failed: {exc})"})
    muls = int((dag.instructions[:, 0] == MUL).sum())
    return Dag(air.width, dag.num_nodes, muls, dag.num_constraints, dag.need_rot, "keccak_air()")


@dataclass(frozen=True)
class Shape:
    """The trace and the parameters every span model reads."""

    log_height: int
    dag: Dag
    l_skip: int
    n_stack: int
    log_blowup: int
    degree: int                   # max constraint degree d
    whir_k: int
    num_queries: tuple[int, ...]  # per WHIR round
    mu_pow_bits: int
    folding_pow_bits: int
    query_pow_bits: int
    logup_pow_bits: int
    trace_on_host: bool = True    # the trace must cross PCIe once

    @property
    def height(self) -> int:
        return 1 << self.log_height

    @property
    def m(self) -> int:
        """log2 of the stacked height."""
        return self.l_skip + self.n_stack

    @property
    def n(self) -> int:
        """1 << l_skip: points per chunk (the univariate skip's domain D)."""
        return 1 << self.l_skip

    @property
    def chunks(self) -> int:
        return max(1, self.height >> self.l_skip)

    @property
    def cube_vars(self) -> int:
        return max(0, self.log_height - self.l_skip)

    @property
    def stacked_width(self) -> int:
        # stacked_layout: columns are slices of 2^max(log_h, l_skip) rows, 2^m / slice per stacked column.
        per_column = (1 << self.m) >> max(self.log_height, self.l_skip)
        return -(-self.dag.width // per_column)

    @property
    def trace_words(self) -> int:
        return self.height * self.dag.width


MODELLED_WORKLOAD = "keccakf"  # the one workload whose spans the model below counts


def keccak_shape(result: BenchResult, dag: Dag, trace_on_host: bool = True) -> Shape:
    """keccakf: 24 rows per permutation, the height rounded up to a power of two."""
    if result.workload != MODELLED_WORKLOAD:
        raise ValueError(f"the model covers the {MODELLED_WORKLOAD} workload, found {result.workload!r}")
    perms = int(result.options.get("perms", 1024))
    log_height = max(0, (24 * perms - 1).bit_length())
    p, whir = result.params, result.params["whir"]
    shape = Shape(log_height, dag, p["l_skip"], p["n_stack"], p["log_blowup"], p["max_constraint_degree"], whir["k"],
                  tuple(whir["num_queries"]), whir["mu_pow_bits"], whir["folding_pow_bits"],
                  whir["query_phase_pow_bits"], p["logup"]["pow_bits"], trace_on_host)
    if log_height > shape.m:
        raise ValueError(f"trace of 2^{log_height} rows is taller than the stacked height 2^{shape.m}")
    return shape


def ntt_muls(log_n: int) -> int:
    """Butterfly multiplies of one size-2^log_n NTT: n/2 log2 n (scaling and bit reversal fold away)."""
    return (1 << log_n) // 2 * log_n


# ---- span models: one function per span, each counting the span's own work -------------------

def model_stacked_commit(s: Shape) -> Work:
    # Own work (stacking, before rs_code_matrix): the trace crosses PCIe once (it lives on the
    # host) and is read once; the stacked matrix (2^m x stacked width, kept for the openings) is
    # written once. An index map: no multiplications.
    matrix = (1 << s.m) * s.stacked_width
    return Work(hbm_bytes=BASE_BYTES * (s.trace_words + matrix),
                pcie_bytes=BASE_BYTES * s.trace_words if s.trace_on_host else 0.0)


def model_rs_code_matrix(s: Shape) -> Work:
    # The message (PROTOCOL 6.3 steps 1-2): the stacked matrix read once, the message (kept for WHIR)
    # written once. Muls: the size-2^l_skip inverse NTT per (chunk, stacked column); the subset-zeta
    # transform is additions. (The codeword's NTT runs in merkle_tree: encode_and_commit.)
    width = s.stacked_width
    matrix = (1 << s.m) * width
    return Work(hbm_bytes=BASE_BYTES * 2 * matrix, fp_muls=(1 << s.n_stack) * width * ntt_muls(s.l_skip))


def model_merkle_tree(s: Shape) -> Work:
    # The codeword from the message and its tree (Backend::encode_and_commit). Bytes: the message
    # read once; the codeword (2^(m + log_blowup) rows) written once and read once to hash it;
    # every digest of the tree written once (rows leaves + rows - 1 inner nodes).
    # Muls: the size-2^(m + log_blowup) NTT per stacked column; Poseidon2 permutations:
    # ceil(width / 8) per leaf row (the rate-8 sponge) and one per inner node.
    rows, width = 1 << (s.m + s.log_blowup), s.stacked_width
    message = (1 << s.m) * width
    perms = rows * -(-width // SPONGE_RATE) + rows - 1
    return Work(hbm_bytes=BASE_BYTES * (message + 2 * rows * width) + DIGEST_BYTES * (2 * rows - 1),
                fp_muls=width * ntt_muls(s.m + s.log_blowup) + perms * POSEIDON2_MULS)


def model_logup_gkr(s: Shape) -> Work:
    # Own work (input_evals is its child): the LogUp proof-of-work grind, 2^pow_bits permutations
    # (the mean: the smallest passing witness w costs w + 1). No memory traffic. keccakf has no
    # interactions, so there is no fraction tree to prove.
    return Work(fp_muls=(1 << s.logup_pow_bits) * POSEIDON2_MULS)


def model_input_evals(s: Shape) -> Work:
    # The GKR input layer is empty without interactions.
    return Work()


def model_round0(s: Shape) -> Work:
    # Bytes: the trace read once (the coset sums and the tables at r_0 could share one pass); the
    # 2 width + 4 tables at r_0 (local, next, 3 selectors, eq; one Ef per chunk) written once.
    # Muls, per (chunk, column) of the local (width + 3 selectors) and next (width) columns: one
    # inverse size-N NTT, then per coset (d - 1 of them) N shift muls and a forward size-N NTT.
    # Per point of each coset (height points): the DAG's mul nodes, 4 per constraint (lambda^i, an
    # Ef, times a base value) and one ext mul for the eq weight. The tables at r_0: N Ef-times-base
    # products (4 muls each) per (chunk, table).
    cosets, width = s.degree - 1, s.dag.width
    columns = (width + 3) + width
    fp_ntt = s.chunks * columns * ((1 + cosets) * ntt_muls(s.l_skip) + cosets * s.n)
    fp_dag = cosets * s.height * (s.dag.muls + 4 * s.dag.constraints)
    fp_tables = s.chunks * (2 * width + 3) * s.n * 4
    tables = (2 * width + 4) * s.chunks
    return Work(hbm_bytes=BASE_BYTES * s.trace_words + EXT_BYTES * tables, fp_muls=fp_ntt + fp_dag + fp_tables,
                ef_muls=cosets * s.height)


def model_mle_rounds(s: Shape) -> Work:
    # Per round i = 1..n (n = log_height - l_skip) over the 2 width + 4 Ef tables of 2^(n - i + 1)
    # entries. Bytes: the tables read once and their folds written once.
    # Muls: d + 1 DAG evaluations per pair, in the extension field: the DAG's mul nodes, one per
    # constraint (lambda^i) and two for the trace weight and eq; then the fold, one ext mul per
    # folded entry of every table. The tables' values at X = 1..d+1 are additions.
    tables = 2 * s.dag.width + 4
    per_eval = s.dag.muls + s.dag.constraints + 2
    work = Work()
    for i in range(1, s.cube_vars + 1):
        length = 1 << (s.cube_vars - i + 1)
        pairs = length // 2
        work += Work(hbm_bytes=EXT_BYTES * tables * (length + pairs),
                     ef_muls=pairs * (s.degree + 1) * per_eval + tables * pairs)
    return work


def model_stacked_reduction(s: Shape) -> Work:
    # Bytes: the trace's values in the stacked matrix read twice: for round 0, then for the tables
    # after u_0 (u_0 depends on round 0 through the transcript, so the passes cannot merge). The
    # 2 x stacked width tables (q^ and the kernel K, 2^n_stack Ef each) written once; each
    # multilinear round reads its tables once and writes their folds once.
    # Muls: round 0, per trace value, one Ef-times-base product (4 muls) for the eq sum and one more
    # for the rotation sum; the tables, N Ef-times-base products per (cube point, column), i.e. one
    # per value, and 2 ext muls per kernel entry; per round, 2 ext muls per (pair, column) for s(1),
    # s(2) and 2 for the folds.
    width, cube = s.stacked_width, 1 << s.n_stack
    fp = s.trace_words * 4 * (2 if s.dag.need_rot else 1) + s.trace_words * 4
    work = Work(hbm_bytes=2 * BASE_BYTES * s.trace_words + EXT_BYTES * 2 * width * cube, fp_muls=fp,
                ef_muls=2 * width * cube)
    for i in range(1, s.n_stack + 1):
        pairs = cube >> i
        work += Work(hbm_bytes=EXT_BYTES * 2 * width * 3 * pairs, ef_muls=4 * width * pairs)
    return work


def whir_round_commit(s: Shape, round_index: int, size: int) -> Work:
    """A WHIR round's new codeword (all rounds but the last): `size` coefficients of g encoded at
    2^(m + log_blowup - 1 - round) rows of one Ef, and its Merkle tree.

    Bytes: g read once, the codeword written once and read once by the tree, the digests written once.
    Muls: the NTT on the 4 limbs (twiddles are base-field); one permutation per leaf (4 words fit
    the rate) and one per inner node."""
    log_rows = s.m + s.log_blowup - 1 - round_index
    rows = 1 << log_rows
    return Work(hbm_bytes=EXT_BYTES * (size + 2 * rows) + DIGEST_BYTES * (2 * rows - 1),
                fp_muls=4 * ntt_muls(log_rows) + (2 * rows - 1) * POSEIDON2_MULS)


def whir_new_constraints(size: int, queries: int) -> Work:
    """Adding the OOD point and the queries' eq tables to w (`size` entries), all in one pass.

    Bytes: w read and written once. Muls, per entry: per query point (base-field: z = omega^idx) one
    base mul for the eq product table and 4 for its Ef weight; for the OOD point (an Ef), 2 ext muls."""
    return Work(hbm_bytes=2 * EXT_BYTES * size, fp_muls=5 * size * queries, ef_muls=2 * size)


def model_whir(s: Shape) -> Work:
    # Grinds: 2^mu_pow_bits, then 2^folding_pow_bits per sumcheck round and 2^query_phase_pow_bits
    # per WHIR round, permutations each (means).
    # Batching: the RS messages read once, one Ef-times-base product per word (mu^J times it); f and
    # w (2^m Ef each) written once; w's eq table is 2^m ext muls. Sumcheck: each of the R k rounds
    # reads f and w once and writes their folds once; 2 ext muls per pair for s(1), s(2), 2 for the
    # folds. Then per round, the new codeword and constraints (the functions above). Opened rows and
    # Merkle paths are a few hundred KiB: not counted.
    rounds, k = len(s.num_queries), s.whir_k
    grinds = (1 << s.mu_pow_bits) + rounds * k * (1 << s.folding_pow_bits) + rounds * (1 << s.query_pow_bits)
    message = (1 << s.m) * s.stacked_width
    work = Work(hbm_bytes=BASE_BYTES * message + 2 * EXT_BYTES * (1 << s.m),
                fp_muls=grinds * POSEIDON2_MULS + 4 * message, ef_muls=1 << s.m)
    size = 1 << s.m
    for r, queries in enumerate(s.num_queries):
        for _ in range(k):
            pairs = size // 2
            work += Work(hbm_bytes=2 * EXT_BYTES * (size + pairs), ef_muls=4 * pairs)
            size = pairs
        if r + 1 < rounds:
            work += whir_round_commit(s, r, size) + whir_new_constraints(size, queries)
    return work


# The spans whose own work is modelled, by name. Parents not listed here (the headline,
# prover.main_trace_commit, prover.rap_constraints, prover.openings) only add up their children.
SPAN_MODELS = {
    "stacked_commit": model_stacked_commit,
    "rs_code_matrix": model_rs_code_matrix,
    "merkle_tree": model_merkle_tree,
    "logup_gkr": model_logup_gkr,
    "input_evals": model_input_evals,
    "round0": model_round0,
    "mle_rounds": model_mle_rounds,
    "stacked_reduction": model_stacked_reduction,
    "whir": model_whir,
}
PARENTS_ONLY = {"stark_prove_excluding_trace", "prover.main_trace_commit", "prover.rap_constraints", "prover.openings"}


# ---- rows ------------------------------------------------------------------------------------

@dataclass
class Row:
    stats: SpanStats
    work: Work | None = None      # own plus descendants' (None: nothing in it is modelled)
    bytes_ms: float | None = None
    muls_ms: float | None = None
    bound_ms: float | None = None
    children: list["Row"] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        return self.stats.median_ms / self.bound_ms if self.bound_ms else None


def bound_rows(result: BenchResult, shape: Shape, rates: Rates) -> list[Row]:
    """One row per span of the bench's summary (its order), with the model's totals and bounds.

    A span's bytes/mults bounds are its own work's plus its children's; its bound is max(own bytes,
    own mults) plus the sum of its children's bounds (for a leaf: the max of the two)."""
    rows = [Row(stats) for stats in result.summary()]
    by_path = {row.stats.path: row for row in rows}
    for row in rows:
        parent = by_path.get(row.stats.path.rpartition("/")[0])
        if parent is not None and parent is not row:
            parent.children.append(row)
    for row in reversed(rows):  # children before parents (the summary is a preorder)
        model = SPAN_MODELS.get(row.stats.name)
        known = [c for c in row.children if c.work is not None]
        if model is None and row.stats.name not in PARENTS_ONLY and not known:
            continue
        own = model(shape) if model else Work()
        row.work = sum((c.work for c in known), own)
        row.bytes_ms = own.bytes_ms(rates) + sum(c.bytes_ms for c in known)
        row.muls_ms = own.muls_ms(rates) + sum(c.muls_ms for c in known)
        row.bound_ms = max(own.bytes_ms(rates), own.muls_ms(rates)) + sum(c.bound_ms for c in known)
    return rows
