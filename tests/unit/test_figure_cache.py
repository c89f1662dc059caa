"""The dashboard's per-process cache of built figures (pages/charts.py): one build per
key, however many sessions ask, and no caching of what cannot be keyed."""

from __future__ import annotations

import pandas as pd

from pages import charts


def test_a_figure_is_built_once_per_key_and_shared():
    builds = []

    def build():
        builds.append(1)
        return object()

    key = ("test-section", "en", ("version", 1))
    first, second = charts.remembered(key, build), charts.remembered(key, build)
    assert first is second
    assert len(builds) == 1
    assert charts.remembered(("test-section", "id", ("version", 1)), build) is not first


def test_a_frame_that_cannot_be_hashed_is_built_every_time():
    frame = pd.DataFrame({"platforms": [["tiktok", "x"]]})
    assert charts.frame_key(frame) is None
    built = [charts.remembered(("csv", charts.frame_key(frame)), object) for _ in range(2)]
    assert built[0] is not built[1]


def test_equal_frames_share_a_key_and_different_ones_do_not():
    one = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    assert charts.frame_key(one) == charts.frame_key(one.copy())
    assert charts.frame_key(one) != charts.frame_key(one.assign(a=[1, 3]))
