"""The funnel as a picture: time to finish by week, and where each plan's customers drop off.

Drawn for a light mail client about 600 px wide: one column, large type, dark text on white,
one blue for the ordinary and one orange for what needs a look. matplotlib is imported on
first draw: only the digest function's Lambda has it (its own layer, ChartLayer), and the
other handlers, which import this package, never load it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, Any

from guide.funnel_model import Funnel, GroupStats

BLUE, ORANGE, GREY, INK = "#2563eb", "#ea580c", "#6b7280", "#111827"
MOST_PLANS = 3  # more panels than this would not fit a mail client's screen


def draw_funnel_chart(f: Funnel, path: Path) -> Path:
    """Write the chart as a PNG at ``path`` (folders made as needed) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _draw(f, path)
    return path


def funnel_chart_png(f: Funnel) -> bytes:
    """The chart as PNG bytes: the digest's ``Ports.digest_chart``, sent inline."""
    out = io.BytesIO()
    _draw(f, out)
    return out.getvalue()


def _draw(f: Funnel, out: Path | IO[bytes]) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    import matplotlib.pyplot as plt

    plans = sorted(f.plans, key=lambda g: -g.started)[:MOST_PLANS]
    heights = [2.9] + [0.55 + 0.62 * max(len(p.steps), 1) for p in plans]
    plt.rcParams.update(
        {
            "font.size": 11,
            "axes.edgecolor": GREY,
            "axes.labelcolor": INK,
            "text.color": INK,
            "xtick.color": INK,
            "ytick.color": INK,
        }
    )
    fig, axes = plt.subplots(
        len(heights),
        1,
        figsize=(6.4, sum(heights) + 1.3),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    fig.text(0.02, 0.992, "Onboarding funnel", fontsize=15, fontweight="bold", va="top")
    overall = f.overall
    on_time = (
        "no journey due yet"
        if overall.on_time_rate is None
        else (f"{overall.on_time_rate:.0%} on time, target {f.target:.0%}")
    )
    fig.text(
        0.02,
        0.992 - 0.34 / (sum(heights) + 1.3),
        f"Started {f.start:%-d %b} to {f.end:%-d %b %Y} · {overall.started} started, "
        f"{overall.finished} finished · {on_time}",
        fontsize=9.5,
        color=GREY,
        va="top",
    )
    _weeks(axes[0][0], f, plans)
    for ax, plan in zip(axes[1:], plans, strict=True):
        _steps(ax[0], plan)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.75 / (sum(heights) + 1.3)), h_pad=1.8)
    fig.savefig(out, format="png", dpi=150, facecolor="white")
    plt.close(fig)


def _plain(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_facecolor("white")


def _weeks(ax: Any, f: Funnel, plans: list[GroupStats]) -> None:
    _plain(ax)
    ax.set_title("Business days to finish, by week finished (median)", loc="left", fontsize=11.5)
    if not f.weeks:
        ax.text(
            0.5,
            0.5,
            "No journey finished in this range yet",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color=GREY,
        )
        ax.set_xticks([])
        ax.set_yticks([])
        return
    xs = list(range(len(f.weeks)))
    ys = [w.median_days for w in f.weeks]
    limits = [p for p in plans if p.expected_days]
    for plan in limits:
        ax.axhline(plan.expected_days, color=GREY, linestyle="--", linewidth=1, zorder=1)
    ax.plot(xs, ys, color=BLUE, linewidth=2.2, marker="o", markersize=6, zorder=3, label="median")
    if limits:
        ax.plot(
            [],
            [],
            color=GREY,
            linestyle="--",
            linewidth=1,
            label="on time within: " + ", ".join(f"{p.plan} {p.expected_days}" for p in limits),
        )
    ax.legend(loc="upper left", frameon=False, fontsize=9, ncols=2)
    for x, w in zip(xs, f.weeks, strict=True):
        ax.annotate(
            f"{w.median_days:g}",
            (x, w.median_days),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            fontsize=9,
            color=BLUE,
        )
    step = max(1, -(-len(xs) // 6))  # at most six dates fit under 600 px
    ax.set_xticks(xs[::step], [f"{w.week:%-d %b}" for w in f.weeks][::step])
    ax.set_xlim(-0.5, len(xs) - 0.5)
    top = max([*ys, *(p.expected_days for p in plans)])
    ax.set_ylim(0, top * 1.4 + 2)  # room for the legend above the data
    ax.yaxis.get_major_locator().set_params(integer=True)  # days: 5, 10, never 12.5
    ax.set_ylabel("business days")
    ax.set_xlabel("week finished (Monday)", color=GREY, fontsize=9)
    ax.grid(axis="y", color="#e5e7eb", linewidth=0.8)


def _steps(ax: Any, plan: GroupStats) -> None:
    """One bar per step: the share of customers who reached it and completed it. The step with
    most stalls is orange, with its share of them, so it stands out at a glance."""
    _plain(ax)
    ax.spines[["left"]].set_visible(False)
    ax.set_title(
        f"{plan.plan[:1].upper()}{plan.plan[1:]} plan: completed each step",
        loc="left",
        fontsize=11.5,
    )
    steps = list(plan.steps)
    worst = plan.worst_step
    rates = [(s.completion_rate or 0.0) * 100 for s in steps]
    ys = [-1.0 * i for i in range(len(steps))]  # the first step on top, as the journey reads
    ax.barh(ys, [100] * len(steps), color="#eef2f7", height=0.42, zorder=1)
    ax.barh(ys, rates, color=[ORANGE if s is worst else BLUE for s in steps], height=0.42, zorder=2)
    for y, s, rate in zip(ys, steps, rates, strict=True):
        hot = s is worst
        ax.text(
            0,
            y + 0.27,
            f"{steps.index(s) + 1}. {s.title}",
            fontsize=10,
            va="bottom",
            fontweight="bold" if hot else "normal",
            color=INK,
        )
        value = "no data" if s.completion_rate is None else f"{rate:.0f}%"
        ax.text(101.5, y, value, va="center", fontsize=10, color=INK)
        if s.stalls:
            share = f" ({s.stall_share:.0%} of stalls)" if hot and s.stall_share else ""
            ax.text(
                100,
                y + 0.27,
                f"{s.stalls} stalled{share}",
                fontsize=9,
                va="bottom",
                ha="right",
                color=ORANGE if hot else GREY,
            )
    ax.set_ylim(min(ys, default=0) - 0.45, 0.75)
    ax.set_xlim(0, 112)
    ax.set_yticks([])
    ax.set_xticks([0, 50, 100], ["0%", "50%", "100%"])
    ax.tick_params(axis="x", colors=GREY, labelsize=9)
