"""Benchmark: the Ask page on a slow link, in headless Chromium.

Serves a built site, throttles the network through the DevTools protocol
(1.6 Mbps down, 750 kbps up, 150 ms round trip; the browser cache disabled, as
a first visit), opens the Ask page with a question in its address and
reports the time to the first answer and the bytes transferred: up to that
answer, and in all once the page has gone quiet (what the page still fetches
after answering, such as the search index, shows as the difference).

Prints figures; asserts nothing. Needs selenium, Chromium and ChromeDriver
(``apt-get install chromium chromium-driver``); without them it says so.
Run: .venv/bin/python benchmarks/bench_ask_page.py [SITE_DIR]
(without SITE_DIR it builds the site into a temporary folder first).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
QUESTION = "ask/?subject=llama-3.1&action=train-on-outputs&on=2024-08-01"
LINK = {"latency_ms": 150, "down_bps": 1_600_000, "up_bps": 750_000}

# Recorded in the page itself, before any of its scripts run: the moment the
# verdict element first carries a verdict, on the page's own clock.
WATCH_VERDICT = """
window.__tkFirstAnswer = null;
new MutationObserver((_, observer) => {
  const v = document.querySelector('#tk-verdict[data-verdict]');
  if (v && v.dataset.verdict) {
    window.__tkFirstAnswer = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


def missing() -> str | None:
    """Why the browser measurement cannot run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    return None


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on a free local port for the duration of the block."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # the browser dropping a transfer it no longer needs is not an error here

    httpd = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium driven by selenium, with its own throw-away profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="tos-kb-bench-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait(driver: Any, script: str, timeout: float) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    return None


class Transfers:
    """What the DevTools network log says was fetched: every request, the page's workers too.

    ``Network.loadingFinished`` gives the bytes as received over the wire;
    times are on the DevTools clock, in seconds from the page's own request.
    """

    def __init__(self) -> None:
        self.urls: dict[str, str] = {}
        self.done: list[tuple[float, int, str]] = []  # (seconds, bytes, url)
        self.start: float | None = None

    def read(self, driver: Any) -> int:
        """Take the new log entries; the number of entries read."""
        import json

        entries = driver.get_log("performance")
        for entry in entries:
            message = json.loads(entry["message"])["message"]
            method, params = message.get("method"), message.get("params", {})
            if method == "Network.requestWillBeSent":
                self.urls[params["requestId"]] = params["request"]["url"]
                if self.start is None and params.get("type") == "Document":
                    self.start = params["timestamp"]
            elif method == "Network.loadingFinished":
                url = self.urls.get(params["requestId"], "?")
                origin = self.start if self.start is not None else params["timestamp"]
                self.done.append(
                    (params["timestamp"] - origin, int(params["encodedDataLength"]), url)
                )
        return len(entries)

    def until(self, seconds: float | None) -> list[tuple[float, int, str]]:
        return [d for d in self.done if seconds is None or d[0] <= seconds]


def _quiet(driver: Any, transfers: Transfers, still: float, timeout: float) -> None:
    """Read the network log until nothing has moved for ``still`` seconds.

    A transfer in progress keeps logging ``Network.dataReceived``, so silence in
    the log means the page has stopped fetching (a request that never ends, such
    as a cancelled one, must not hold the measurement).
    """
    end = time.monotonic() + timeout
    since = time.monotonic()
    while time.monotonic() < end:
        if transfers.read(driver):
            since = time.monotonic()
        elif time.monotonic() - since >= still:
            return
        time.sleep(0.2)


def measure(site: Path, runs: int = 3) -> list[dict[str, Any]]:
    """One record per visit: ms to the first answer, bytes up to it and in all."""
    out = []
    with serve(site) as base, chromium() as driver:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": LINK["latency_ms"],
                "downloadThroughput": LINK["down_bps"] / 8,
                "uploadThroughput": LINK["up_bps"] / 8,
            },
        )
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_VERDICT})
        for _ in range(runs):
            driver.get("about:blank")
            driver.get_log("performance")  # drop what came before this visit
            transfers = Transfers()
            driver.get(base + QUESTION)
            first = _wait(driver, "return window.__tkFirstAnswer", timeout=120)
            if first is None:
                raise RuntimeError("the Ask page gave no answer within 120 s")
            _quiet(driver, transfers, still=3.0, timeout=90)
            before = transfers.until(first / 1000)
            after = [d for d in transfers.done if d not in before]
            out.append(
                {
                    "first_answer_ms": first,
                    "bytes_to_answer": sum(size for _, size, _ in before),
                    "requests_to_answer": len(before),
                    "bytes_total": sum(size for _, size, _ in transfers.done),
                    "requests_total": len(transfers.done),
                    "largest_after_answer": max(
                        ((size, url) for _, size, url in after), default=(0, "")
                    ),
                }
            )
    return out


def build_site(dest: Path) -> Path:
    """``mkdocs build --strict`` of this checkout into ``dest``."""
    mkdocs = Path(sys.executable).parent / "mkdocs"
    subprocess.run(
        [str(mkdocs), "build", "--strict", "-q", "-d", str(dest)],
        cwd=REPO,
        check=True,
    )
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site", nargs="?", type=Path, help="a built site (default: build one)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    problem = missing()
    if problem:
        print(f"skipped: {problem}")
        return
    with tempfile.TemporaryDirectory(prefix="tos-kb-bench-site-") as tmp:
        site = args.site or build_site(Path(tmp) / "public")
        for n, visit in enumerate(measure(site, args.runs), 1):
            size, name = visit["largest_after_answer"]
            print(
                f"visit {n}: first answer {visit['first_answer_ms'] / 1000:.2f} s, "
                f"{visit['bytes_to_answer']:,} bytes in {visit['requests_to_answer']} requests "
                f"before it; {visit['bytes_total']:,} bytes in {visit['requests_total']} "
                f"requests in all (largest after the answer: {name.rsplit('/', 1)[-1]} "
                f"{size:,} bytes)"
            )


if __name__ == "__main__":
    main()
