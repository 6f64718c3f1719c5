"""The Streamlit entry point: ``streamlit run .../dashboard/app.py`` (``make dashboard`` runs it).

A language switch in the sidebar (``?lang=zh`` in the address chooses Chinese at the start), then
the page chosen in the navigation. Streamlit runs this file as a script: imports are absolute.
"""

from __future__ import annotations

import functools

import streamlit as st

from customer_segments.dashboard.data import LANGUAGES, Language, Marts, marts_path
from customer_segments.dashboard.i18n import LANGUAGE_NAMES, t
from customer_segments.dashboard.pages import PAGES, Page


def _run(page: Page, marts: Marts) -> None:
    page(marts, st.session_state["language"])


def main() -> None:
    st.set_page_config(page_title="Customer segments", layout="wide")
    if "language" not in st.session_state:
        wanted = st.query_params.get("lang", "en")
        st.session_state["language"] = wanted if wanted in LANGUAGES else "en"
    language: Language = st.sidebar.radio(t("language", "en"), LANGUAGES, key="language", horizontal=True,
                                          format_func=lambda code: LANGUAGE_NAMES[code])
    st.sidebar.caption(t("app_title", language))
    marts = Marts(marts_path())
    navigation = st.navigation([
        st.Page(functools.partial(_run, page, marts), title=t(title, language), url_path=path,
                default=index == 0)
        for index, (path, title, page) in enumerate(PAGES)
    ])
    navigation.run()


main()
