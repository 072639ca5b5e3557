"""Benchmark: a large file streamed to S3 (moto) by our store vs boto3's upload_fileobj, and to a local folder.

    .venv/bin/python bench/upload_storage.py --size-mb 200 --runs 5

moto runs in its own process and every measurement in a fresh worker process, so the resident memory
reported is the uploader's alone (peak VmRSS during the upload minus VmRSS just before it).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.s3server import DUMMY_CREDENTIALS, SubprocessServer  # noqa: E402

MiB = 1024 * 1024
MODES = {"boto3": "boto3 upload_fileobj → S3 (baseline)", "s3": "our S3 store put_stream",
         "local": "our local store put_stream"}


def _rss() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


class PeakRss:
    """Samples VmRSS every millisecond in a thread: the peak growth over the value at start."""

    def __enter__(self):
        self.start = self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.001):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())

    @property
    def growth(self) -> int:
        return self.peak - self.start


def worker(mode: str, path: str, endpoint: str, bucket: str, target: str, options: str) -> dict:
    """One upload in this (fresh) process; prints seconds and memory growth as JSON."""
    import boto3

    from arbitration.storage import open_store

    size = os.path.getsize(path)
    key = f"bench/{mode}-{time.time_ns()}"
    if mode == "boto3":
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        client.head_bucket(Bucket=bucket)  # warm up: load the service model, open a connection

        def upload(fh):
            client.upload_fileobj(fh, bucket, key)
    else:
        url = (f"s3://{bucket}?endpoint={endpoint}&addressing=path&region=us-east-1{options}" if mode == "s3"
               else f"local://{target}")
        store = open_store(url)
        store.put_stream("bench/warm-up", b"warm up", max_bytes=100)  # same warm-up, and the folder exists

        def upload(fh):
            store.put_stream(key, fh, max_bytes=size, content_type="video/mp4")
    with open(path, "rb") as fh, PeakRss() as rss:
        started = time.perf_counter()
        upload(fh)
        seconds = time.perf_counter() - started
    return {"mode": mode, "seconds": seconds, "rss_growth": rss.growth}


def run_worker(mode: str, path: Path, server: SubprocessServer, bucket: str, target: Path, options: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--worker", mode, "--file", str(path), "--endpoint",
                             server.endpoint, "--bucket", bucket, "--target", str(target), "--s3-options", options],
                            capture_output=True, text=True, env={**os.environ, **DUMMY_CREDENTIALS}, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def settle() -> None:
    """Flush dirty pages (moto's temp files, the local store's files) and let the machine go quiet."""
    os.sync()
    time.sleep(1)


def make_file(path: Path, size_mb: int) -> None:
    with path.open("wb") as fh:
        for _ in range(size_mb):
            fh.write(os.urandom(MiB))


def empty_bucket(client, bucket: str) -> None:
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", ()):
            client.delete_object(Bucket=bucket, Key=item["Key"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=200, help="file size, in MiB")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--s3-options", default="", help="extra options for our S3 store's URL, as &concurrency=3")
    parser.add_argument("--worker", choices=MODES)
    parser.add_argument("--file")
    parser.add_argument("--endpoint")
    parser.add_argument("--bucket")
    parser.add_argument("--target")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.file, args.endpoint, args.bucket, args.target, args.s3_options)))
        return

    os.environ.update(DUMMY_CREDENTIALS)
    import boto3

    server = SubprocessServer().start()
    bucket = "bench"
    client = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    results: dict[str, list[dict]] = {mode: [] for mode in MODES}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
            path = Path(tmp, "upload.bin")
            make_file(path, args.size_mb)
            for run in range(args.runs):
                # Interleaved, and the two S3 uploads take turns going first: moto spills parts to temp files,
                # and an upload must not pay for the write-back of the one before it.
                order = list(MODES) if run % 2 == 0 else ["s3", "boto3", "local"]
                for mode in order:
                    target = Path(tmp, "local-store")
                    settle()
                    result = run_worker(mode, path, server, bucket, target, args.s3_options)
                    results[mode].append(result)
                    print(f"run {run + 1} {mode:6} {result['seconds']:6.2f} s "
                          f"{args.size_mb / result['seconds']:7.1f} MiB/s  rss +{result['rss_growth'] / MiB:5.1f} MiB",
                          flush=True)
                    empty_bucket(client, bucket)  # moto keeps objects in memory
                    shutil.rmtree(target, ignore_errors=True)
    finally:
        server.stop()
    report(results, args.size_mb)


def report(results: dict[str, list[dict]], size_mb: int) -> None:
    print(f"\n{size_mb} MiB, {len(results['s3'])} runs; median (min–max)\n")
    print("| upload | seconds | MiB/s | RSS growth, MiB (max) |")
    print("|---|---|---|---|")
    medians = {}
    for mode, label in MODES.items():
        seconds = [r["seconds"] for r in results[mode]]
        medians[mode] = statistics.median(seconds)
        rss = max(r["rss_growth"] for r in results[mode]) / MiB
        print(f"| {label} | {medians[mode]:.2f} ({min(seconds):.2f}–{max(seconds):.2f}) "
              f"| {size_mb / medians[mode]:.0f} | {rss:.1f} |")
    ratios = [b["seconds"] / s["seconds"] for b, s in zip(results["boto3"], results["s3"])]
    print(f"\nthroughput ours/boto3 (S3): ratio of the medians {medians['boto3'] / medians['s3']:.2f}; "
          f"run by run: median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}); "
          "target ≥ 0.70")


if __name__ == "__main__":
    main()
