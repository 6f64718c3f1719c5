"""Local Spark for the engine check: the session that reads what dbt-spark's ``session`` method
wrote (warehouse folder, Derby metastore, UTC clock)."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..review.compare import Relation
from .compare import Row


def spark_conf(spark_dir: Path, cores: int = 2) -> dict[str, str]:
    """Settings of a Spark session that sees the tables the profile's spark target wrote:
    the same warehouse folder, Derby metastore and UTC clock (profiles.yml, target spark)."""
    return {
        "spark.master": f"local[{cores}]",
        "spark.sql.warehouse.dir": str(spark_dir / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL":
            f"jdbc:derby:;databaseName={spark_dir / 'metastore_db'};create=true",
        "spark.driver.extraJavaOptions": f"-Duser.timezone=UTC -Dderby.system.home={spark_dir}",
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
    }


def spark_select_sql(table: Relation, columns: Sequence[str]) -> str:
    """A select of the mart's columns in the given order, backquoted for Spark."""
    return f"select {', '.join(f'`{column}`' for column in columns)} from `{table.schema}`.`{table.name}`"


@contextlib.contextmanager
def spark_session(spark_dir: Path) -> Iterator[Any]:
    """A local Spark session on the build's metastore. Derby admits one JVM at a time, so
    this opens only after dbt (whose session method runs Spark in its own process) exited.
    Python reads Spark timestamps in the process's local zone: UTC here, as in the build."""
    os.environ["TZ"] = "UTC"
    time.tzset()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_conf(spark_dir).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    try:
        yield session
    finally:
        session.stop()


def fetch_spark(session: Any, table: Relation, columns: Sequence[str]) -> list[Row]:
    return [tuple(row) for row in session.sql(spark_select_sql(table, columns)).collect()]


def require_java() -> None:
    if shutil.which("java") is None:
        raise RuntimeError("Spark needs Java 17 (`java` not found on PATH): install openjdk-17-jre-headless")
