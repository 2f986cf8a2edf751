"""The daily tick: a pure decision (``decide``), its effects carried out (``effects``), and the
whole run as one unit of work (``run``)."""

from guide.tick.decide import TickPlan, current_step, decide
from guide.tick.report import TickReport
from guide.tick.run import TICK_HOUR, run_tick

__all__ = ["TICK_HOUR", "TickPlan", "TickReport", "current_step", "decide", "run_tick"]
