"""The demo-data generator: the eight raw tables of the project's raw-data contract, deterministic
(same arguments, same bytes) and streamed chunk by chunk, so memory stays bounded at any scale.

``python -m customer_segments generate --customers 2000 --format csv --out DIR`` runs it;
:func:`generate` is the same from Python.

Modules, in the order a run uses them:

* :mod:`.config` the run's settings; :mod:`.contract` the raw tables' Arrow schemas, read from the
  dbt sources YAML; :mod:`.run` the run itself (chunks, writers, progress bar);
* :mod:`.context`, :mod:`.randomness`, :mod:`.ids`, :mod:`.timeutil` what every step shares: the
  chunk, its seeded random streams, identifier counters, the calendar;
* :mod:`.population` the latent customers of a chunk; :mod:`.catalog` the product catalogue;
  :mod:`.customers`, :mod:`.orders`, :mod:`.campaigns`, :mod:`.events`, :mod:`.nps` one raw table
  (or two) each; :mod:`.dirty` the dirt of real exports injected into them; :mod:`.vocab` their
  vocabularies;
* :mod:`.arrays` (numpy) and :mod:`.arrowutil` (numpy to Arrow columns) small helpers;
  :mod:`.writers` Parquet and CSV output.
"""

from __future__ import annotations

from .config import GeneratorConfig
from .run import CHUNK_CUSTOMERS, GenerationResult, generate
from .writers import FORMATS

__all__ = ["CHUNK_CUSTOMERS", "FORMATS", "GenerationResult", "GeneratorConfig", "generate"]
