"""The stacked layout (PROTOCOL 6.1): where each trace column sits in the stacked matrix.

Columns are placed matrix by matrix, column by column, top to bottom in the current stacked
column; a column of height 2^log_h takes a slice of max(2^log_h, 2^l_skip) rows (a short column is
spread with stride 2^(l_skip - log_h), PROTOCOL 6.2). Slice lengths never increase, so a slice that
does not fit means the stacked column is full: the next one starts at row 0.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

__all__ = ["Slot", "stacked_layout"]


class Slot(NamedTuple):
    matrix: int       # index of the source matrix in the given (height-sorted) order
    column: int       # column within that matrix
    stacked_col: int  # stacked column holding the slice
    row_idx: int      # first row of the slice
    log_h: int        # log2 of the source column's true height


def stacked_layout(l_skip: int, log_stacked_height: int, matrices: Sequence[tuple[int, int]]) -> tuple[list[Slot], int]:
    """(slots, stacked_width) for matrices given as (log_h, width) pairs sorted by descending log_h.

    A matrix of width 0 takes no slot. Raises ValueError on unsorted input or a matrix taller than
    the stacked height.
    """
    if not 0 <= l_skip <= log_stacked_height:
        raise ValueError(f"stacked_layout: expected 0 <= l_skip <= log_stacked_height, found {l_skip} and "
                         f"{log_stacked_height}")
    height = 1 << log_stacked_height
    slots: list[Slot] = []
    col = row = 0
    previous = None
    for mi, (log_h, width) in enumerate(matrices):
        log_h, width = int(log_h), int(width)
        if previous is not None and log_h > previous:
            raise ValueError(f"stacked_layout: matrices must be sorted by descending height; matrix {mi} has log "
                             f"height {log_h} after {previous}")
        previous = log_h
        if width == 0:
            continue
        if not 0 <= log_h <= log_stacked_height:
            raise ValueError(f"stacked_layout: matrix {mi} has log height {log_h}, expected 0..{log_stacked_height}")
        slice_len = 1 << max(log_h, l_skip)
        for j in range(width):
            if row + slice_len > height:
                col, row = col + 1, 0
            slots.append(Slot(mi, j, col, row, log_h))
            row += slice_len
    return slots, col + (1 if row else 0)
