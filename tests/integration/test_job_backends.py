"""Both job backends run real jobs through a real consumer: the embedded SQLite queue and Redis."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, redis_up


def _run(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ARBITRATION_")}
    environment.update({"ARBITRATION_INSTANCE_PATH": str(tmp_path), "ARBITRATION_SECRET_KEY": "check", **env})
    return subprocess.run([sys.executable, "-m", "tests.integration.job_backend_check"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_the_embedded_sqlite_queue_runs_the_sweep_in_the_web_process(tmp_path):
    result = _run(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split()[-2:] == ["SqliteHuey", "applied"]


@pytest.mark.skipif(not redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_the_redis_queue_runs_the_sweep(tmp_path):
    result = _run(tmp_path, ARBITRATION_QUEUE_URL="redis://127.0.0.1:6379/15")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split()[-2:] == ["RedisHuey", "applied"]
