"""Plotly figures for the dashboard, drawn from the frames of `casework.analytics`.

Colours: Okabe and Ito's colour-blind-safe palette for platforms and stages, Paul Tol's
"muted" set (plus two Okabe-Ito colours) for the twelve categories. A platform or a
category has the same colour in every chart, whichever others are on screen."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol

from casework.analytics.provinces import TILE_GRID
from casework.analytics.scope import OTHER_PLATFORMS
from casework.i18n import LANGUAGES, N_, translator

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
PLATFORM_COLOURS = {
    "tiktok": "#000000",
    "facebook": "#0072B2",
    "instagram": "#CC79A7",
    "threads": "#E69F00",
    "youtube": "#D55E00",
    "x": "#56B4E9",
    "telegram": "#009E73",
    OTHER_PLATFORMS: "#999999",
}
CATEGORY_COLOURS = {
    "hoax": "#CC6677",
    "hate_speech": "#332288",
    "sara": "#DDCC77",
    "black_campaign": "#117733",
    "paid_political_ad": "#88CCEE",
    "vote_buying": "#882255",
    "neutrality_breach": "#44AA99",
    "out_of_schedule": "#999933",
    "synthetic_media": "#AA4499",
    "impersonation": "#E69F00",
    "threat_officials": "#0072B2",
    "other": "#BBBBBB",
    "__rest__": "#DDDDDD",  # the categories folded together ("Other categories")
}
STAGE_COLOURS = {
    "in_review": "#56B4E9",
    "sent": "#E69F00",
    "acknowledged": "#0072B2",
    "escalated": "#D55E00",
    "decided": "#009E73",
}
PHASE_SHADES = {
    "campaign": "rgba(86,180,233,0.10)",
    "quiet_period": "rgba(230,159,0,0.22)",
    "voting": "rgba(213,94,0,0.30)",
    "recapitulation": "rgba(0,158,115,0.12)",
}
# A sequential, colour-blind-safe scale for the map.
MAP_SCALE = "Cividis"
PNG_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

# The chart toolbar's own words, as Plotly.js spells them (its locale dictionary keys).
MODEBAR_WORDS = (
    N_("Download plot as a PNG"),
    N_("Download plot"),
    N_("Zoom"),
    N_("Pan"),
    N_("Box Select"),
    N_("Lasso Select"),
    N_("Zoom in"),
    N_("Zoom out"),
    N_("Autoscale"),
    N_("Reset axes"),
    N_("Reset view"),
    N_("Toggle Spike Lines"),
    N_("Show closest data on hover"),
    N_("Compare data on hover"),
    N_("Double-click to zoom back out"),
)


@lru_cache(maxsize=len(LANGUAGES))
def plotly_config(language: str) -> dict:
    """The charts' Plotly configuration in `language`: month and day names, decimal
    and thousands signs from Babel (Indonesian writes 68,9 and 1.234), the toolbar's
    words from the catalog. Sent with each chart; nothing is fetched."""
    locale = Locale.parse(language)
    _ = translator(language)

    def names(kind: dict, width: str) -> list[str]:
        return [kind[width][index] for index in sorted(kind[width])]

    months = locale.months["format"]
    days = locale.days["format"]
    # Babel's weeks start on Monday; Plotly's lists start on Sunday.
    wide_days, short_days = names(days, "wide"), names(days, "abbreviated")
    return {
        **PNG_CONFIG,
        "locale": language,
        "locales": {
            language: {
                "dictionary": {word: _(word) for word in MODEBAR_WORDS},
                "format": {
                    "days": [wide_days[6], *wide_days[:6]],
                    "shortDays": [short_days[6], *short_days[:6]],
                    "months": names(months, "wide"),
                    "shortMonths": names(months, "abbreviated"),
                    "decimal": get_decimal_symbol(locale),
                    "thousands": get_group_symbol(locale),
                    "date": "%d/%m/%Y" if language == "id" else "%m/%d/%Y",
                },
            }
        },
    }


# Built figures, shared by every session of this process. The figures' data are cached
# by data version already (casework.analytics); building the Plotly objects from them
# was most of a warm dashboard rerun (validators copying every array), once per
# session per rerun. A figure is looked up by what it is drawn from: its section, the
# language, the frame's content and the labels' source. Nothing mutates a figure after
# it is built (st.plotly_chart serialises a copy).
FIGURE_CACHE_SIZE = 256
_figures: OrderedDict[tuple, object] = OrderedDict()
_figures_lock = threading.Lock()


def frame_key(frame: pd.DataFrame) -> tuple | None:
    """A key for a frame's content (its columns, index and values); None when a column
    holds values pandas cannot hash (lists), and the frame is not cached."""
    try:
        values = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    except TypeError:
        return None
    return (tuple(frame.columns), len(frame), hash(values.tobytes()))


def remembered(key: tuple, build: Callable[[], object]):
    """`build()`'s result, built once per `key` in this process (least recently used
    entries are dropped beyond FIGURE_CACHE_SIZE). A key holding None is never cached."""
    if None in key:
        return build()
    with _figures_lock:
        if key in _figures:
            _figures.move_to_end(key)
            return _figures[key]
    built = build()
    with _figures_lock:
        _figures[key] = built
        while len(_figures) > FIGURE_CACHE_SIZE:
            _figures.popitem(last=False)
    return built


def colour(palette: dict[str, str], code: str) -> str:
    """The code's fixed colour; codes added later by an admin cycle through Okabe-Ito."""
    if code in palette:
        return palette[code]
    return OKABE_ITO[sum(map(ord, code)) % len(OKABE_ITO)]


def _layout(fig: go.Figure, *, x: str, y: str, legend: str | None = None) -> go.Figure:
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title=x,
        yaxis_title=y,
        legend_title_text=legend,
        hovermode="closest",
        clickmode="event+select",
    )
    return fig


def stacked_bars(
    frame: pd.DataFrame,
    *,
    x: str,
    key: str,
    value: str,
    palette: dict[str, str],
    label: Callable[[str], str],
    x_title: str,
    y_title: str,
    legend: str,
) -> go.Figure:
    """Bars of `value` per `x`, stacked by `key`; each bar's customdata is its key code
    (the page turns a click into a queue link)."""
    fig = go.Figure()
    for code, group in frame.groupby(key, sort=False):
        fig.add_bar(
            x=group[x],
            y=group[value],
            name=label(code),
            marker_color=colour(palette, code),
            customdata=[code] * len(group),
            hovertemplate="%{x}<br>%{fullData.name}: %{y}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    return _layout(fig, x=x_title, y=y_title, legend=legend)


def shade_phases(fig: go.Figure, bands, *, label: Callable[[str], str], start, end) -> None:
    """Shade each election phase that overlaps [start, end] (dates, inclusive).

    The shapes and their labels go in with one layout update: `fig.add_vrect` validates
    the whole layout once per band, which was a tenth of a dashboard rerun."""
    shapes, notes = [], []
    for band in bands:
        if start is not None and band.ends_on < start:
            continue
        if end is not None and band.starts_on > end:
            continue
        x0 = pd.Timestamp(band.starts_on) - pd.Timedelta(hours=12)
        x1 = pd.Timestamp(band.ends_on) + pd.Timedelta(hours=12)
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": x0,
                "x1": x1,
                "y0": 0,
                "y1": 1,
                "fillcolor": PHASE_SHADES.get(band.phase, "rgba(153,153,153,0.1)"),
                "line": {"width": 0},
                "layer": "below",
            }
        )
        notes.append(
            {
                "x": x0,
                "xref": "x",
                "xanchor": "left",
                "y": 1,
                "yref": "paper",
                "yanchor": "top",
                "text": label(band.phase),
                "showarrow": False,
                "font": {"size": 10},
            }
        )
    if shapes:
        _stagger(notes, start, end)
        fig.update_layout(
            shapes=[*fig.layout.shapes, *shapes], annotations=[*fig.layout.annotations, *notes]
        )


# A label's width as a share of the chart's width, per character (10 px type on a chart
# about 900 px wide), and the step between two rows of labels.
LABEL_CHAR_SHARE = 6.5 / 900
LABEL_ROW_STEP = 0.075


def _stagger(notes: list[dict], start, end) -> None:
    """Move each phase label down a row when it would overlap the one before it: the
    quiet period and voting day are days long, and their labels ("Kampanye", "Masa
    tenang", "Pemungutan suara") would print on top of each other."""
    xs = [pd.Timestamp(note["x"]) for note in notes]
    first = pd.Timestamp(start) if start is not None else min(xs)
    last = pd.Timestamp(end) if end is not None else max(xs)
    span = max((last - first).total_seconds(), 1.0)
    row_ends: list[float] = []  # where the last label of each row ends, as a share
    for note, x in sorted(zip(notes, xs, strict=True), key=lambda pair: pair[1]):
        at = max(0.0, (x - first).total_seconds() / span)
        width = len(str(note["text"])) * LABEL_CHAR_SHARE + 0.01
        row = next((i for i, ends in enumerate(row_ends) if at >= ends), len(row_ends))
        if row == len(row_ends):
            row_ends.append(0.0)
        row_ends[row] = at + width
        note["y"] = 1 - row * LABEL_ROW_STEP


def lines(
    frame: pd.DataFrame,
    *,
    x: str,
    key: str,
    value: str,
    palette: dict[str, str],
    label: Callable[[str], str],
    x_title: str,
    y_title: str,
    legend: str,
    dash: str | None = None,
    stacked: bool = False,
) -> go.Figure:
    fig = go.Figure()
    for code, group in frame.groupby(key, sort=False):
        fig.add_scatter(
            x=group[x],
            y=group[value],
            name=label(code),
            mode="lines",
            line={"color": colour(palette, code), "dash": dash},
            stackgroup="one" if stacked else None,
            customdata=[code] * len(group),
        )
    return _layout(fig, x=x_title, y=y_title, legend=legend)


def tile_map(
    frame: pd.DataFrame,
    *,
    measure: str,
    names: dict[str, str],
    value_text: Callable[[float | None], str],
    colour_title: str,
) -> go.Figure:
    """The 38 provinces as squares on a grid; provinces without a value are grey. Works
    without internet: nothing but the figure itself is drawn."""
    values = {
        code: value
        for code, value in zip(frame["province"], frame[measure], strict=True)
        if value is not None and value == value  # NaN: no decided case for a share
    }
    codes = list(TILE_GRID)
    shown = [c for c in codes if c in values]

    def squares(selected: list[str], **marker) -> go.Scatter:
        return go.Scatter(
            x=[TILE_GRID[c][1] for c in selected],
            y=[TILE_GRID[c][0] for c in selected],
            mode="markers+text",
            marker={
                "symbol": "square",
                "size": 46,
                "line": {"color": "#ffffff", "width": 1},
                **marker,
            },
            text=[f"{TILE_GRID[c][2]}<br>{value_text(values.get(c))}" for c in selected],
            textfont={"size": 8, "color": "#ffffff" if marker.get("colorscale") else "#333333"},
            customdata=selected,
            hovertext=[f"{names.get(c, c)}: {value_text(values.get(c))}" for c in selected],
            hoverinfo="text",
        )

    fig = go.Figure(squares([c for c in codes if c not in values], color="#DDDDDD"))
    if shown:
        numbers = [values[c] for c in shown]
        fig.add_trace(
            squares(
                shown,
                color=numbers,
                colorscale=MAP_SCALE,
                cmin=min(numbers),
                cmax=max(numbers),
                showscale=True,
                colorbar={"title": {"text": colour_title}},
            )
        )
    fig.update_xaxes(visible=False, range=[-0.7, 14.7])
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    fig.update_layout(
        height=430,
        margin={"l": 5, "r": 5, "t": 5, "b": 5},
        showlegend=False,
        plot_bgcolor="rgba(0,0,0,0)",
        clickmode="event+select",
    )
    return fig


def polygon_map(
    frame: pd.DataFrame, *, measure: str, geojson: dict, names: dict[str, str], colour_title: str
) -> go.Figure:
    """The deployer's polygons on a blank background: no tiles, so no internet."""
    fig = go.Figure(
        go.Choroplethmap(
            geojson=geojson,
            locations=frame["province"],
            z=frame[measure],
            colorscale=MAP_SCALE,
            customdata=frame["province"],
            text=[names.get(c, c) for c in frame["province"]],
            colorbar={"title": {"text": colour_title}},
            marker_line_width=0.5,
        )
    )
    fig.update_layout(
        map_style="white-bg",
        map_center={"lat": -2.5, "lon": 118},
        map_zoom=3.3,
        height=430,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
    )
    return fig
