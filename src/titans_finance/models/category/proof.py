"""How much confidence a kind of answer has earned on labelled exports.

A confidence above the default model's ceiling (`uncorroborated_max_confidence`) promises
that such answers are right more than 9 times in 10 on an owner's own labels. The model's
calibration cannot show it: its temperature is fitted on held-out knowledge, where one word
names one category, and owners file one thing by occasion (a train ticket of a holiday as
travel, to work as transport; docs/evaluation.md). So the promise is granted only as far as
answers of that kind were *proven* right on labelled exports the knowledge was not built
from: up to the one-sided Wilson lower bound of their share right. A handful of lines right
proves little (13 of 13 at z 1.645: 0.83); about 25 lines all right prove 0.9.
"""

from __future__ import annotations

import math


def proven_confidence(right: int, lines: int, z: float) -> float:
    """The one-sided Wilson lower bound of the share right, ``right`` of ``lines`` (distinct
    lines, each counted once: one line repeated is one piece of evidence), at ``z`` standard
    errors; 0 with no line."""
    if lines < 0 or right < 0 or right > lines:
        raise ValueError(f"proven_confidence: right ({right}) must lie between 0 and the "
                         f"lines ({lines})")
    if z <= 0:
        raise ValueError(f"proven_confidence: z must be above 0, got {z}")
    if lines == 0:
        return 0.0
    share = right / lines
    spread = z * math.sqrt(share * (1 - share) / lines + z * z / (4 * lines * lines))
    return (share + z * z / (2 * lines) - spread) / (1 + z * z / lines)
