"""Project hooks: every parameter block checked before anything runs.

`ParameterValidationHook` parses every block of ``conf/*/parameters_*.yml`` (with the run's
``--params``) into its settings class (titans_finance/parameters) as soon as the Kedro
context exists: a key the code does not know, or a value of the wrong type, stops
``kedro run`` (and ``kedro viz``, a notebook's session...) with the key and its file, before
any node runs — not when the node that reads it is reached, an hour later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from kedro.framework.hooks import hook_impl

from titans_finance.parameters import Settings, validate_parameters

_RUNTIME_NAME = re.compile(r"\$\{\s*runtime_params:\s*([A-Za-z_][A-Za-z0-9_]*)")




def parameter_sources(environments: list[Path], project_root: Path | None = None,
                      runtime: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Block → the file that defines it (the run's environment over base; the run's
    ``--params`` named when they set it)."""
    sources: dict[str, str] = {}
    for folder in environments:
        for path in sorted(folder.glob("**/parameters*.yml")):
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            shown = path.relative_to(project_root) if project_root else path
            for block in content if isinstance(content, dict) else ():
                sources[block] = str(shown)
    for name in runtime or {}:
        block = str(name).split(".", 1)[0]
        sources[block] = (f"the run's --params (over {sources[block]})" if block in sources
                          else "the run's --params")
    return sources


def runtime_names(environments: list[Path]) -> set[str]:
    """The run-time values the catalog reads (``${runtime_params:raw_path,...}``): allowed
    at the top level of the parameters beside the blocks."""
    names: set[str] = set()
    for folder in environments:
        for path in folder.glob("**/catalog*.yml"):
            names.update(_RUNTIME_NAME.findall(path.read_text(encoding="utf-8")))
    return names


def check_parameters(parameters: Mapping[str, Any], conf_source: Path | str,
                     environments: list[str], runtime: Mapping[str, Any] | None = None
                     ) -> dict[str, Settings]:
    """Every block of ``parameters`` (as the config loader merged them from the
    ``environments`` of ``conf_source`` and the run's ``runtime`` values) parsed into its
    settings class; `ParameterError` naming each bad key and its file otherwise."""
    conf = Path(str(conf_source))
    folders = [conf / name for name in dict.fromkeys(environments) if (conf / name).is_dir()]
    return validate_parameters(parameters, parameter_sources(folders, conf.parent, runtime),
                               runtime_names(folders))


class ParameterValidationHook:
    @hook_impl
    def after_context_created(self, context: Any) -> None:
        loader = context.config_loader
        environments = [getattr(loader, "base_env", None) or "base",
                        context.env or getattr(loader, "default_run_env", None) or "local"]
        check_parameters(context.params, loader.conf_source, environments,
                         getattr(context, "_runtime_params", None))
