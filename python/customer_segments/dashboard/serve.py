"""What ``make dashboard`` runs: make sure the marts are published, then serve the app.

``python -m customer_segments dashboard --prepare`` publishes the marts of the build database when
the published file is missing (exit 0), or exits :data:`EXIT_NO_BUILD` when there is no build to
publish (``make dashboard`` then runs ``make build``, which builds and publishes);
``python -m customer_segments dashboard --port N`` serves the app on 127.0.0.1:N.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..publish import build_database, publish_locked, published_database

#: the Streamlit script
APP = Path(__file__).with_name("app.py")
DEFAULT_PORT = 8501
#: exit code of --prepare when neither the published marts nor a build database exist
EXIT_NO_BUILD = 3


def streamlit_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """The command that serves the dashboard: headless, no usage statistics sent, no file watcher
    (nothing to reload in production), the toolbar of a viewer (no deploy button)."""
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.headless", "true", "--server.address", address, "--server.port", str(port),
            "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer"]


def prepare() -> int:
    """Publish the marts when the published file is missing and a build database exists; 0 when the
    published marts are there afterwards, :data:`EXIT_NO_BUILD` when there is nothing to publish."""
    published = published_database()
    if published.is_file():
        return 0
    build = build_database()
    if not build.is_file():
        print(f"customer-segments dashboard: neither {published} nor a build database {build}: build first",
              file=sys.stderr)
        return EXIT_NO_BUILD
    print(f"customer-segments: {publish_locked(build, published).summary()}", flush=True)
    return 0


def serve(port: int, address: str = "127.0.0.1") -> int:
    """Replace this process with the Streamlit server (Ctrl-C stops it)."""
    command = streamlit_command(port, address)
    env = {**os.environ, "CUSTOMER_SEGMENTS_MARTS_DUCKDB": str(published_database())}
    print(f"customer-segments: serving the dashboard on http://{address}:{port} over {env['CUSTOMER_SEGMENTS_MARTS_DUCKDB']}",
          flush=True)
    os.execve(command[0], command, env)
