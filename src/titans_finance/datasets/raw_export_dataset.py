"""Kedro dataset that reads a user's export(s) exactly as written.

``filepath`` names one file, a folder (every file in it, one per account for
instance), a glob (``exports/*.csv``) or several of these separated by ``;``.
Each file is read by the reader its *content* calls for (CSV dialects,
OFX/QFX, QIF, CAMT.053, MT940: see `titans_finance.core.readers`), under the
declared mapping that matches it, if any (``conf/*/export_mappings.yml``).

Every field is loaded as a string (nothing is coerced or dropped here): parsing
and validation belong to the ingestion nodes, which must be able to put any raw
row into the quarantine table unchanged. The dataset only deals with *file*
level problems and fails with one clear message naming the file when a file
cannot be read at all.
"""

from __future__ import annotations

import glob as globbing
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

import pandas as pd
import yaml
from kedro.io import AbstractDataset, DatasetError

from titans_finance.core import readers
from titans_finance.core.readers import PARSE_ERROR_COLUMN
from titans_finance.core.readers.base import file_sources  # noqa: F401 (its users import it here)
from titans_finance.core.readers.mapping import DeclaredMapping
from titans_finance.core.schema import READ_COLUMNS

__all__ = ["PARSE_ERROR_COLUMN", "ExportReadError", "RawExportDataset", "parse_export_text"]

DEFAULT_MAPPING_FILES = ("conf/base/export_mappings.yml", "conf/local/export_mappings.yml")


class ExportReadError(DatasetError, readers.ExportReadError):
    """The export file cannot be read as a transaction table."""


def display_path(path: str | Path) -> str:
    """A path as shown in reports: relative to the working directory (the project) when
    inside it, else the file name alone, so no report records a machine's absolute path."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.name


def parse_export_text(text: str, path: str,
                      mapping: DeclaredMapping | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read export *text* (any supported format) into the raw table and its file info."""
    try:
        export = readers.read_export(text.encode("utf-8"), path, mapping)
    except readers.ExportReadError as exc:
        raise ExportReadError(str(exc)) from exc
    frame = export.frame
    frame["Source File"] = PurePath(path).name
    info = {**export.info, "path": path, "name": PurePath(path).name}
    return frame, info


def load_mappings(files: list[str] | tuple[str, ...]) -> list[DeclaredMapping]:
    mappings: list[DeclaredMapping] = []
    for file in files:
        if not Path(file).is_file():
            continue
        try:
            document = yaml.safe_load(Path(file).read_text(encoding="utf-8"))
            mappings += readers.parse_mappings(document, file)
        except yaml.YAMLError as exc:
            raise ExportReadError(f"{file}: not valid YAML ({exc})") from exc
        except readers.ExportReadError as exc:
            raise ExportReadError(str(exc)) from exc
    return mappings


def export_files(filepath: str) -> list[Path]:
    """The files ``filepath`` names: a file, a folder's files, a glob, or ``;``-separated ones."""
    files: list[Path] = []
    for part in (p.strip() for p in str(filepath).split(";") if p.strip()):
        if any(ch in part for ch in "*?["):
            matched = sorted(Path(p) for p in globbing.glob(part) if Path(p).is_file())
            if not matched:
                raise ExportReadError(f"{part}: no file matches this pattern")
            files += matched
        elif Path(part).is_dir():
            inside = sorted(p for p in Path(part).iterdir()
                            if p.is_file() and not p.name.startswith(".")
                            and p.suffix.lower() not in (".md", ".yml", ".yaml", ".json"))
            if not inside:
                raise ExportReadError(f"{part}: the folder holds no export file")
            files += inside
        elif not Path(part).exists():
            raise ExportReadError(f"{part}: file not found")
        else:
            files.append(Path(part))
    if not files:
        raise ExportReadError(f"{filepath!r}: names no export file")
    return files


def read_export_files(filepath: str, mappings: list[DeclaredMapping]) -> pd.DataFrame:
    """Read every file ``filepath`` names into one raw table (see `RawExportDataset`)."""
    frames, infos = [], []
    for path in export_files(filepath):
        shown = display_path(path)
        try:
            data = path.read_bytes()
        except IsADirectoryError as exc:
            raise ExportReadError(f"{shown}: is a directory, expected an export file") from exc
        except OSError as exc:
            raise ExportReadError(f"{shown}: cannot be opened ({exc.strerror})") from exc
        mapping = readers.mapping_for(str(path), mappings)
        try:
            export = readers.read_export(data, shown, mapping)
        except readers.ExportReadError as exc:
            raise ExportReadError(str(exc) if str(exc).startswith(path.name) or
                                  str(exc).startswith(shown) else f"{shown}: {exc}") from exc
        export.frame["Source File"] = path.name
        frames.append(export.frame)
        infos.append({"name": path.name, "path": shown, "rows": len(export.frame),
                      **export.info})
    names = [info["name"] for info in infos]
    if len(set(names)) != len(names):  # two files of one name in different folders
        for frame, info in zip(frames, infos):
            frame["Source File"] = info["path"]
            info["name"] = info["path"]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame = frame[[*READ_COLUMNS, PARSE_ERROR_COLUMN]]
    frame.attrs["source"] = infos[0] if len(infos) == 1 else {
        "path": "; ".join(info["path"] for info in infos), "files": infos}
    return frame


class RawExportDataset(AbstractDataset[None, pd.DataFrame]):
    """Read-only dataset for the user's export(s): any supported format, dialect or encoding.

    The loaded frame has the columns of ``READ_COLUMNS`` (strings, "" for empty)
    plus ``_parse_error``; details of each file (format, encoding, delimiter,
    ignored columns, hints for the normaliser) are in ``frame.attrs["source"]``
    (with ``files`` listing each one when several are read).
    """

    def __init__(self, filepath: str, mapping_files: list[str] | None = None,
                 metadata: dict[str, Any] | None = None):
        self._filepath = str(filepath)
        self._mapping_files = list(mapping_files) if mapping_files is not None else list(
            DEFAULT_MAPPING_FILES)
        self.metadata = metadata
        self._loaded: tuple[tuple, pd.DataFrame] | None = None

    def load(self) -> pd.DataFrame:
        # Normalisation and the conservation check both load the export in one run: it is
        # read and parsed once (a million rows: ~6 s), again only when a file changed.
        # Callers get their own frame (copy-on-write: changing it leaves this one intact).
        signature = self._signature()
        if self._loaded is None or self._loaded[0] != signature:
            self._loaded = (signature, read_export_files(self._filepath,
                                                         load_mappings(self._mapping_files)))
        return self._loaded[1].copy(deep=False)

    def _signature(self) -> tuple:
        """Each export and mapping file with its size and modification time."""
        paths = [*export_files(self._filepath),
                 *(Path(f) for f in self._mapping_files if Path(f).is_file())]
        return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths)

    def _release(self) -> None:
        self._loaded = None

    def save(self, data: pd.DataFrame) -> None:
        raise DatasetError(f"{self._filepath}: a raw export is read-only input")

    def _exists(self) -> bool:
        return any(Path(p.strip()).exists() for p in self._filepath.split(";"))

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(PurePosixPath(self._filepath)),
                "mapping_files": self._mapping_files}


