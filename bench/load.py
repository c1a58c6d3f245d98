"""Pages under concurrent load: gunicorn (production settings) on loopback, closed-loop clients.

Each client is a thread with its own logged-in session and a keep-alive HTTP connection; it asks
for the page again as soon as the answer has arrived. The same load on the health check (a
minimal Django view through the whole middleware stack, one `SELECT 1`) gives the reference
throughput.
"""

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pages

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "18731"))


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def hammer(path: str, cookies: list[str], seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(cookie: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        headers = {"Cookie": cookie, "X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        mine: list[float] = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                with lock:
                    errors.append(type(error).__name__)
                continue
            mine.append((time.perf_counter() - start) * 1000)
            if status != 200:
                with lock:
                    errors.append(str(status))
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(c,)) for c in cookies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": _percentile(latencies, 50) if latencies else None,
        "p95": _percentile(latencies, 95) if latencies else None,
        "p99": _percentile(latencies, 99) if latencies else None,
        "mean": statistics.fmean(latencies) if latencies else None,
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
    }


def run(
    *, clients: int, seconds: float, workers: int, env: dict[str, str], log: Callable[[str], None]
) -> dict[str, Any]:
    user = pages.staff_user()
    cookies = [pages.session_cookie(user) for _ in range(clients)]
    targets = pages.urls()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**env, "CONN_MAX_AGE": env.get("CONN_MAX_AGE", "60")},
        start_new_session=True,
    )
    results: dict[str, Any] = {"clients": clients, "seconds": seconds, "workers": workers}
    try:
        _wait_for_port(PORT)
        # Warm every worker up (templates, translations, connections) before measuring.
        for path in ["/healthz", *targets.values()]:
            hammer(path, cookies[: workers * 2], 1.5)
        results["healthz"] = hammer("/healthz", cookies, seconds)
        results["healthz"]["alone_p50"] = hammer("/healthz", cookies[:1], 2)["p50"]
        log(f"  /healthz: {results['healthz']['rps']:.0f} req/s")
        results["pages"] = {}
        for name, path in targets.items():
            outcome = hammer(path, cookies, seconds)
            # The same page for one client alone: what a request costs without queueing.
            outcome["alone_p50"] = hammer(path, cookies[:1], 2)["p50"]
            outcome["path"] = path
            outcome["ratio"] = outcome["rps"] / results["healthz"]["rps"]
            results["pages"][name] = outcome
            log(
                f"  {name}: p50 {outcome['p50']:.0f} p95 {outcome['p95']:.0f} ms, "
                f"{outcome['rps']:.1f} req/s, errors {outcome['errors']}"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    return results
