"""Vectorised builders from numpy arrays to Arrow columns of the contract types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import contract
from .ids import IdFormat
from .timeutil import DAY


def _mask(valid: np.ndarray | None) -> np.ndarray | None:
    return None if valid is None else ~np.asarray(valid, dtype=bool)


def ids(fmt: IdFormat, numbers: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Zero-padded identifiers such as ``C00000001``; null where ``valid`` is False."""
    digits = pc.cast(pa.array(np.asarray(numbers, dtype=np.int64), mask=_mask(valid)), pa.string())
    return pc.binary_join_element_wise(fmt.prefix, pc.utf8_lpad(digits, fmt.digits, "0"), "")


def labels(vocab: Sequence[str | None] | pa.Array, index: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Strings looked up by index in a vocabulary; null where ``valid`` is False."""
    dictionary = vocab if isinstance(vocab, pa.Array) else pa.array(list(vocab), pa.string())
    return pc.take(dictionary, pa.array(np.asarray(index, dtype=np.int64), mask=_mask(valid)))


def timestamps(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """timestamp[us] (naive UTC) from epoch seconds."""
    micros = np.asarray(seconds, dtype=np.int64) * 1_000_000
    return pa.array(micros, mask=_mask(valid)).cast(contract.TIMESTAMP)


def dates(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """date32 of the UTC calendar day of epoch seconds."""
    days = (np.asarray(seconds, dtype=np.int64) // DAY).astype(np.int32)
    return pa.array(days, mask=_mask(valid)).cast(contract.DATE)


def decimals(cents: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """decimal128(18, 2) from integer cents, exactly (no float rounding)."""
    c = np.ascontiguousarray(cents, dtype="<i8")
    words = np.empty((len(c), 2), dtype="<i8")  # little-endian 128-bit two's complement
    words[:, 0] = c
    words[:, 1] = c >> 63
    validity = None
    if valid is not None:
        validity = pa.py_buffer(np.packbits(np.asarray(valid, dtype=bool), bitorder="little"))
    return pa.Array.from_buffers(contract.DECIMAL, len(c), [validity, pa.py_buffer(words)])


def ints(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int32), mask=_mask(valid))


def bools(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool), mask=_mask(valid))


def build_table(table_schema: pa.Schema, columns: Mapping[str, pa.Array]) -> pa.Table:
    """A table with exactly the schema's columns in order (fails on missing or extra ones)."""
    if list(columns) != table_schema.names:
        raise ValueError(f"columns {list(columns)} do not match the contract {table_schema.names}")
    arrays = [pa.chunked_array([columns[f.name]]).cast(f.type) for f in table_schema]
    return pa.Table.from_arrays(arrays, schema=table_schema)


def empty_table(table_schema: pa.Schema) -> pa.Table:
    return table_schema.empty_table()
