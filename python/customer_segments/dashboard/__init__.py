"""The Streamlit dashboard over the published marts (``make dashboard``; docs/dashboard.md).

It reads ``customer_segments_marts.duckdb`` (env CUSTOMER_SEGMENTS_MARTS_DUCKDB), the read-only
copy of the marts that ``make build`` publishes (:mod:`customer_segments.publish`), never the build
database: a dashboard left open never blocks a build. :mod:`.data` holds every query (SQL in one
module, tested against the marts), :mod:`.i18n` the English and Chinese strings of the interface,
:mod:`.pages` the six pages, :mod:`.app` the Streamlit entry point and :mod:`.serve` what
``make dashboard`` runs.
"""
