"""Benchmark: a large evidence upload through the web form (gunicorn worker → our streaming route → store)
against boto3's upload_fileobj of the same file to the same S3 server (moto), and to the local store.

    .venv/bin/python bench/upload_web.py --size-mb 200 --runs 5

moto and the app each run in their own process; the figure for memory is the gunicorn worker's peak
VmRSS during an upload minus its VmRSS just before (after a warm-up upload).
"""
from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.s3server import DUMMY_CREDENTIALS, SubprocessServer, free_port, wait_for_port  # noqa: E402

MiB = 1024 * 1024
PASSWORD = "bench-password-123"


def vm_rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


class PeakRss(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.start_rss = pid, vm_rss(pid)
        self.peak, self._halt = self.start_rss, threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.002):
            self.peak = max(self.peak, vm_rss(self.pid))

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return max(self.peak, vm_rss(self.pid)) - self.start_rss


def prepare_app(env: dict) -> tuple[str, int]:
    """Database with a buyer, an order and an open after-sales request; returns (order number, request id)."""
    code = f"""
import os
os.environ.update({env!r})
from flask_migrate import upgrade
from arbitration import create_app
from arbitration.auth.models import Role
from arbitration.auth.services import create_user
from arbitration.db import commit
from arbitration.merchants.models import Merchant, MerchantKind
from arbitration.orders import requests as rq, services
from arbitration.orders.rules import Channel, ProductType
from arbitration import clock
from arbitration.db import db
app = create_app()
with app.app_context():
    upgrade()
    m = Merchant(name="bench", kind=MerchantKind.agent, active=True, created_at=clock.now_utc())
    db.session.add(m); db.session.flush()
    buyer = create_user(None, username="benchbuyer", display_name="b", role=Role.buyer, password={PASSWORD!r})
    staff = create_user(None, username="benchstaff", display_name="s", role=Role.merchant_staff,
                        password={PASSWORD!r}, merchant_id=m.id)
    o = services.create_order(buyer=buyer, merchant=m, product_type=ProductType.game_card, product_name="x",
                              face_value_fen=100, amount_fen=100, channel=Channel.alipay)
    services.pay_order(o); services.deliver_order(o, staff, card_codes=["C"])
    r = rq.request_after_sales(o, buyer, problem="invalid_code", description="bench bench bench")
    commit()
    print(o.number, r.id)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                         text=True, check=True).stdout.split()
    return out[-2], int(out[-1])


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def token(self, path: str) -> str:
        page = self.opener.open(self.base + path).read().decode()
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def login(self) -> None:
        token = self.token("/login")
        data = urllib.parse.urlencode({"csrf_token": token, "username": "benchbuyer", "password": PASSWORD}).encode()
        self.opener.open(self.base + "/login", data)

    def upload(self, number: str, request_id: int, path: str) -> float:
        token = self.token(f"/orders/{number}")
        boundary = "----bench" + os.urandom(8).hex()
        head = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                       for k, v in (("csrf_token", token), ("kind", "video"), ("description", "bench")))
        head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"rec.mp4\"\r\n"
                 f"Content-Type: video/mp4\r\n\r\n")
        tail = f"\r\n--{boundary}--\r\n".encode()
        size = os.path.getsize(path)
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        parsed = urllib.parse.urlsplit(self.base)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=600)
        started = time.perf_counter()
        conn.putrequest("POST", f"/orders/{number}/requests/{request_id}/evidence")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(head.encode()) + size + len(tail)))
        conn.putheader("Cookie", cookie)
        conn.endheaders()
        conn.send(head.encode())
        with open(path, "rb") as fh:
            while chunk := fh.read(MiB):
                conn.send(chunk)
        conn.send(tail)
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        conn.close()
        if response.status != 302:
            raise RuntimeError(f"upload failed: {response.status} {body[:300]!r}")
        return elapsed


def make_mp4(path: Path, size: int) -> None:
    """An MP4 header (ftyp isom) followed by random bytes: accepted by the sniffer as video."""
    ftyp = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    with path.open("wb") as fh:
        fh.write(ftyp)
        left = size - len(ftyp)
        block = os.urandom(MiB)
        while left > 0:
            fh.write(block[:min(left, MiB)])
            left -= MiB


def boto3_upload(endpoint: str, bucket: str, path: str) -> float:
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.head_bucket(Bucket=bucket)
    started = time.perf_counter()
    with open(path, "rb") as fh:
        client.upload_fileobj(fh, bucket, f"baseline/{time.time_ns()}")
    return time.perf_counter() - started


def serve(env: dict, port: int) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", "2",
                                "-b", f"127.0.0.1:{port}", "--timeout", "600", "wsgi:app"], cwd=ROOT,
                               env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    for _ in range(100):
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        if children:
            return process, int(children[0])
        time.sleep(0.05)
    raise RuntimeError("no gunicorn worker")


def run(size_mb: int, runs: int) -> dict:
    os.environ.update(DUMMY_CREDENTIALS)
    moto = SubprocessServer().start()
    import boto3

    boto3.client("s3", endpoint_url=moto.endpoint, region_name="us-east-1").create_bucket(Bucket="bench")
    work = Path(tempfile.mkdtemp(prefix="bench-web-"))
    results: dict = {"size_mb": size_mb, "runs": runs, "cpus": os.cpu_count()}
    try:
        path = work / "upload.mp4"
        make_mp4(path, size_mb * MiB)
        small = work / "small.mp4"
        make_mp4(small, MiB)
        baseline = [boto3_upload(moto.endpoint, "bench", str(path)) for _ in range(runs)]
        results["boto3_upload_fileobj"] = summary(baseline, size_mb)
        for backend in ("s3", "local"):
            storage = (f"s3://bench/evidence?endpoint={moto.endpoint}&addressing=path&region=us-east-1"
                       if backend == "s3" else f"local://{work / 'store'}")
            instance = work / f"instance-{backend}"
            env = {"ARBITRATION_INSTANCE_PATH": str(instance), "ARBITRATION_SECRET_KEY": "bench",
                   "ARBITRATION_DATABASE_URL": f"sqlite:///{instance / 'bench.db'}", "ARBITRATION_STORAGE_URL": storage,
                   "ARBITRATION_QUEUE_URL": "redis://127.0.0.1:6399/0",  # never used: no job in this path
                   "ARBITRATION_EVIDENCE_MAX_FILE_MB": str(size_mb + 1),
                   "ARBITRATION_EVIDENCE_MAX_CASE_MB": str((size_mb + 1) * (runs + 2)), **DUMMY_CREDENTIALS}
            number, request_id = prepare_app(env)
            port = free_port()
            server, worker = serve(env, port)
            try:
                client = Client(f"http://127.0.0.1:{port}")
                client.login()
                client.upload(number, request_id, str(small))  # warm-up
                times, growth = [], []
                for _ in range(runs):
                    meter = PeakRss(worker)
                    meter.start()
                    times.append(client.upload(number, request_id, str(path)))
                    growth.append(meter.stop())
                results[f"web_form_{backend}"] = {**summary(times, size_mb),
                                                  "worker_rss_growth_mib": [round(g / MiB, 1) for g in growth],
                                                  "worker_rss_growth_mib_max": round(max(growth) / MiB, 1)}
            finally:
                server.terminate()
                server.wait(timeout=20)
        base = results["boto3_upload_fileobj"]["median_mb_s"]
        for backend in ("s3", "local"):
            results[f"web_form_{backend}"]["ratio_to_boto3"] = round(
                results[f"web_form_{backend}"]["median_mb_s"] / base, 2)
        return results
    finally:
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)


def summary(seconds: list[float], size_mb: int) -> dict:
    rates = [size_mb / s for s in seconds]
    return {"median_s": round(statistics.median(seconds), 2), "median_mb_s": round(statistics.median(rates), 1),
            "min_mb_s": round(min(rates), 1), "max_mb_s": round(max(rates), 1)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.size_mb, args.runs), indent=2))
