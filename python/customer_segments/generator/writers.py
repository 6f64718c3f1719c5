"""Output writers: Parquet (one row group per chunk) and CSV (appended chunk by chunk).

CSV layout: header row, comma separated, ``\\n`` line endings, UTF-8; timestamps
``YYYY-MM-DD HH:MM:SS``, dates ``YYYY-MM-DD``, booleans ``true``/``false``, decimals with
two places; nulls (and empty strings) are empty fields; fields are quoted only when they
contain a quote, comma or line break (as ``csv.QUOTE_MINIMAL``). Formatting is vectorised
with Arrow compute kernels, which do not depend on the locale or time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

PARQUET_COMPRESSION = "zstd"
_NEEDS_QUOTES = r'[",\r\n]'


class TableWriter(Protocol):
    def write(self, table: pa.Table) -> None: ...

    def close(self) -> None: ...


def _check_schema(expected: pa.Schema, table: pa.Table) -> None:
    if not table.schema.equals(expected):
        raise ValueError(f"table schema {table.schema} does not match the contract {expected}")


class ParquetTableWriter:
    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self._schema = schema
        self._writer = pq.ParquetWriter(path, schema, compression=PARQUET_COMPRESSION)

    def write(self, table: pa.Table) -> None:
        _check_schema(self._schema, table)
        if table.num_rows:
            self._writer.write_table(table, row_group_size=table.num_rows)

    def close(self) -> None:
        self._writer.close()


def _csv_text(array: pa.Array) -> pa.Array:
    """One column as CSV field text (null stays null)."""
    if pa.types.is_timestamp(array.type):
        return pc.cast(array.cast(pa.timestamp("s")), pa.string())
    if pa.types.is_string(array.type):
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(array, '"', '""'), '"', "")
        return pc.if_else(pc.match_substring_regex(array, _NEEDS_QUOTES), quoted, array)
    return pc.cast(array, pa.string())


def csv_bytes(table: pa.Table) -> bytes:
    """The rows of ``table`` as CSV (no header)."""
    if table.num_rows == 0:
        return b""
    fields = [_csv_text(column.combine_chunks()) for column in table.columns]
    lines = pc.binary_join_element_wise(*fields, ",", null_handling="replace", null_replacement="")
    lines = pc.binary_join_element_wise(lines, "", "\n").cast(pa.large_string())
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset : lines.offset + len(lines) + 1]
    return lines.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]]


def csv_header(schema: pa.Schema) -> bytes:
    return (",".join(schema.names) + "\n").encode("utf-8")


class CsvTableWriter:
    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self._schema = schema
        self._file: BinaryIO = open(path, "wb")
        self._file.write(csv_header(schema))

    def write(self, table: pa.Table) -> None:
        _check_schema(self._schema, table)
        self._file.write(csv_bytes(table))

    def close(self) -> None:
        self._file.close()


#: format name -> (file extension, writer factory)
WRITERS: dict[str, tuple[str, Callable[[Path, pa.Schema], TableWriter]]] = {
    "parquet": ("parquet", ParquetTableWriter),
    "csv": ("csv", CsvTableWriter),
}
FORMATS: tuple[str, ...] = tuple(WRITERS)
