"""Small populations that are not the reader's own are not shown (issue 15, finding 5).

A liaison sees every platform's referred cases only as one total, and an observer or an
administrator sees every case only in aggregate. Narrowed by the filters to one day, one
province and one category, such a total can be a single case of someone else's: its
count, its hours to decision and its outcome. So, on the dashboard and in the API alike
(both call these figures), a row of such a population resting on fewer than
`PANTAU_REPORT_MIN_COUNT` cases is left out, and so are the medians and percentiles it
carries. The reader's own cases (their platforms, their region) are shown in full."""

from __future__ import annotations

import pandas as pd

from casework.analytics.scope import OTHER_PLATFORMS, Scope
from casework.settings import get_settings


def threshold() -> int:
    return get_settings().report_min_count


def small_rows_dropped(
    frame: pd.DataFrame, scope: Scope, *, count: str, key: str | None = None
) -> pd.DataFrame:
    """`frame` without the rows of another's population counting fewer than the
    threshold in `count`. `key` is the column holding a liaison's all-platform key."""
    if frame.empty:
        return frame
    if not scope.case_rows:
        others = pd.Series(True, index=frame.index)
    elif scope.is_liaison and key is not None:
        others = frame[key] == OTHER_PLATFORMS
    else:
        return frame
    # Zero is no one's case: an empty cell stays.
    small = others & (frame[count] > 0) & (frame[count] < threshold())
    return frame[~small].reset_index(drop=True) if small.any() else frame


def small_count(value: int | None, scope: Scope) -> int | None:
    """A headline count of an aggregate-only reader, or None when it is 1 to k-1."""
    if value is None or scope.case_rows or value == 0 or value >= threshold():
        return value
    return None


def resting_on_enough(value: float | None, cases: int, scope: Scope) -> float | None:
    """A median or share of an aggregate-only reader, or None when it rests on fewer
    cases than the threshold."""
    if value is None or scope.case_rows or cases >= threshold():
        return value
    return None
