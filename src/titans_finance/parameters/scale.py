"""``scale`` block: conf/base/parameters_scale.yml (``conf/dask`` overrides it)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from titans_finance.core.scale import ScaleParams
from titans_finance.parameters.base import Count, Settings



class ScaleSettings(Settings):
    block = "scale"

    engine: Literal["pandas", "dask"]
    scheduler: Literal["distributed", "threads", "synchronous"]
    address: Annotated[str, Field(min_length=1)] | None
    n_workers: Count
    threads_per_worker: Count
    memory_limit: Annotated[str, Field(min_length=1)]
    partitions: Count | None
    malloc_trim_threshold: Annotated[int, Field(ge=0)] | None

    def scale_params(self) -> ScaleParams:
        """The domain's `ScaleParams` (what core/scale.py runs with)."""
        return ScaleParams.from_any(self.model_dump())


def scale_of(scale: dict | ScaleSettings | None) -> ScaleParams | None:
    """``params:scale`` as core/scale.py takes it (None: a caller outside Kedro that gives
    none runs in this process with pandas, `ScaleParams`' own meaning of None)."""
    return None if scale is None else ScaleSettings.of(scale).scale_params()
