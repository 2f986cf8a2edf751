"""Stall intelligence: why a customer is stuck, whose move it is, and what to do about it.

Pure, like the rest of ``guide``: ``read_stall_inputs`` reads the stall tabs of a snapshot,
``assess`` says where one customer stands, ``steps_done_by_events`` which steps og-activity
events have done, and ``drafts`` fills an intervention's email for a customer.
"""

from guide.stalls.assess import DoneByEvent, assess, steps_done_by_events
from guide.stalls.model import Assessment, Blocker, FiredRule, StallInputs
from guide.stalls.reading import read_stall_inputs

__all__ = [
    "Assessment",
    "Blocker",
    "DoneByEvent",
    "FiredRule",
    "StallInputs",
    "assess",
    "read_stall_inputs",
    "steps_done_by_events",
]
