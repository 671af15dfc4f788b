"""The built site in a real browser: headless Chromium opens pages and asks a question.

Needs Debian's chromium and chromedriver (/usr/bin/chromium, /usr/bin/chromedriver)
and selenium. Without them the test is skipped, unless ``TOS_KB_BROWSER=required``
(set by .ci/run) or ``CI=true``, in which case it fails. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_site import REPO, built_site, page_file

import tos_kb
from tos_kb.sitegen import paths

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = REPO / "test-artifacts"
REQUIRED = os.environ.get("CI") == "true" or os.environ.get("TOS_KB_BROWSER") == "required"


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    problem = _missing()
    if problem:
        if REQUIRED:
            pytest.fail(f"TOS_KB_BROWSER=required but {problem}")
        pytest.skip(problem)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="tos-kb-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1280,1600",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    root = built_site()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def console_errors(driver: Any) -> list[dict]:
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def wait_for(driver: Any, script: str, timeout: float = 20.0) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


def open_page(driver: Any, url: str, shot: str) -> None:
    driver.get(url)
    wait_for(driver, "return document.readyState === 'complete'")
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{shot}.png"))


def test_pages_and_ask_in_chromium(browser: Any, server: str) -> None:
    """Home, a version, a diff and the Ask page work, answer as Python does, log no errors."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    kb = tos_kb.load()
    errors: list[tuple[str, list[dict]]] = []

    open_page(browser, server, "home")
    assert "tos-kb" in browser.title
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text == "tos-kb"
    errors.append(("home", console_errors(browser)))

    key = "meta/llama-2-license@2023-07-18"
    open_page(browser, server + paths.url(paths.version(key)) + "#q-0", "version")
    active = wait_for(browser, "return document.querySelectorAll('mark.q-0.tk-active').length")
    assert active >= 1
    marked = browser.execute_script(
        "return Array.from(document.querySelectorAll('mark.q-0')).map(m => m.textContent).join('')"
    )
    assert " ".join(marked.split()).startswith("You will not use the Llama Materials")
    errors.append(("version", console_errors(browser)))

    pair = "changes/openai/terms-of-use/2024-01-31.md"
    assert page_file(built_site(), pair).exists()
    open_page(browser, server + paths.url(pair), "diff")
    assert browser.find_elements(By.CSS_SELECTOR, ".tk-diff ins.diff-ins")
    assert browser.find_elements(By.CSS_SELECTOR, ".tk-diff del.diff-del")
    assert browser.find_elements(By.CSS_SELECTOR, ".tk-badge.tk-d-tightened, .tk-badge.tk-d-mixed")
    errors.append(("diff", console_errors(browser)))

    open_page(browser, server + "changes/", "changes")
    count = "return document.querySelectorAll('#tk-changes-log > li:not([hidden])').length"
    total = browser.execute_script(count)
    assert total == len(kb.changes()), "rewordings are hidden until asked for"
    box = browser.find_element(By.CSS_SELECTOR, "input[name=direction][value=tightened]")
    box.click()
    tightened = sum(1 for e in kb.changes() if e.direction.value == "tightened")
    assert browser.execute_script(count) == total - tightened
    browser.find_element(By.CSS_SELECTOR, "input[name=direction][value=reworded]").click()
    reworded = sum(1 for e in kb.changes(include_reworded=True) if e.direction.value == "reworded")
    assert browser.execute_script(count) == total - tightened + reworded
    errors.append(("changes", console_errors(browser)))

    open_page(browser, server + "ask/", "ask-form")
    wait_for(browser, "return document.getElementById('tos-kb-ask').dataset.ready === 'true'")
    questions = [
        (
            "llama-3.1",
            "train-on-outputs",
            "2024-08-01",
            {"student": "mistral-7b", "monthly_active_users": "1000000"},
        ),
        ("llama-3.1", "train-on-outputs", "2024-08-01", {"student": "mistral-7b"}),
        ("openai-api", "train-on-outputs", "2023-06-01", {"competing": "true"}),
        ("gemma", "train-on-outputs", "2024-08-01", {}),  # cites a definition too
    ]
    for n, (subject, action, day, facts) in enumerate(questions):
        browser.get(server + "ask/")
        wait_for(browser, "return document.getElementById('tos-kb-ask').dataset.ready === 'true'")
        Select(browser.find_element(By.ID, "tk-ask-subject")).select_by_value(subject)
        Select(browser.find_element(By.ID, "tk-ask-action")).select_by_value(action)
        browser.execute_script(f"document.getElementById('tk-ask-on').value = '{day}'")
        browser.execute_script("document.getElementById('tk-ask-other').open = true")
        for name, value in facts.items():
            field = browser.find_element(By.ID, f"tk-fact-{name}")
            if field.tag_name == "select":
                Select(field).select_by_value(value)
            else:
                field.send_keys(value)
        browser.find_element(By.ID, "tk-ask-submit").click()
        verdict = wait_for(browser, "return document.getElementById('tk-answer').dataset.verdict")
        browser.execute_script("document.getElementById('tk-answer').scrollIntoView()")
        browser.save_screenshot(str(ARTIFACTS / f"ask-{n}.png"))
        typed = {
            k: (v == "true" if v in ("true", "false") else int(v) if v.isdigit() else v)
            for k, v in facts.items()
        }
        expected = kb.ask(subject, action, on=day, **typed)
        assert verdict == expected.verdict.value
        shown_verdict = browser.find_element(By.ID, "tk-verdict").text
        assert shown_verdict == expected.verdict.value.upper()
        answer = browser.execute_script("return window.tosKbLastAnswer")
        assert answer["missing_facts"] == expected.missing_facts
        assert answer["obligations"] == expected.obligations
        assert answer == expected.to_dict() | {"facts": answer["facts"]}
        assert answer["facts"] == expected.to_dict()["facts"]
        cited = browser.find_elements(By.CSS_SELECTOR, "#tk-citations a")
        assert len([a for a in cited if "/documents/" in a.get_attribute("href")]) == len(
            expected.citations
        )
        further = browser.find_elements(By.CSS_SELECTOR, "#tk-citations li.tk-see")
        assert len(further) == len([c for c in expected.citations if c.why])
        errors.append((f"ask-{n}", console_errors(browser)))

    assert further and "definition § 1.1(e)" in further[0].text  # the last question's
    # A citation opens its version page at the highlighted quote.
    cited[0].click()
    wait_for(browser, "return document.readyState === 'complete'")
    anchor = browser.execute_script("return location.hash.slice(1)")
    assert anchor and browser.execute_script(f"return !!document.getElementById('{anchor}')")
    assert browser.find_elements(By.CSS_SELECTOR, f"mark.{anchor}.tk-active")
    errors.append(("citation", console_errors(browser)))

    open_page(browser, server + paths.url(paths.subject("llama-2")), "subject-light")
    toggle = [
        t
        for t in browser.find_elements(By.CSS_SELECTOR, "form[data-md-component=palette] label")
        if t.is_displayed()
    ]
    assert toggle, "no palette toggle"
    toggle[0].click()
    wait_for(browser, "return document.body.getAttribute('data-md-color-scheme') === 'slate'")
    colour = browser.execute_script(
        "return getComputedStyle(document.querySelector('.tk-chart text')).fill"
    )
    assert colour != "rgb(0, 0, 0)"  # chart text follows the dark scheme's foreground
    browser.save_screenshot(str(ARTIFACTS / "subject-dark.png"))
    errors.append(("subject", console_errors(browser)))

    assert not [e for e in errors if e[1]], errors


def test_ask_page_engine_answers_every_scenario_as_python(browser: Any, server: str) -> None:
    """In Chromium, the Ask page's engine answers every scenario question exactly as Python."""
    import json

    from test_scenarios import ALL

    kb = tos_kb.load()
    open_page(browser, server + "ask/", "ask-scenarios")
    wait_for(browser, "return document.getElementById('tos-kb-ask').dataset.ready === 'true'")
    questions = [
        {
            "subject": s["subject"],
            "action": s["action"],
            "on": str(s["on"]),
            "facts": s.get("facts") or {},
        }
        for s in ALL
    ]
    browser.set_script_timeout(120)
    answers = browser.execute_async_script(
        """
        const [questions, url, done] = arguments;
        fetch(url).then(r => r.json()).then(data => {
          const engine = new window.TosKbEngine.Engine(data);
          done(questions.map(q => {
            try { return engine.ask(q.subject, q.action, q.on, q.facts); }
            catch (e) { return {error: String(e.message)}; }
          }));
        }).catch(e => done([{error: String(e)}]));
        """,
        questions,
        server + "export/tos-kb.json",
    )
    assert len(answers) == len(questions)
    for question, answer in zip(questions, answers, strict=True):
        expected = json.loads(
            json.dumps(
                kb.ask(
                    question["subject"], question["action"], on=question["on"], **question["facts"]
                ).to_dict()
            )
        )
        assert answer == expected, question
    assert console_errors(browser) == []


# --- the answer first, at a desktop and a phone width --------------------------------------

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
ASK_QUESTIONS = [
    "subject=llama-3.1&action=train-on-outputs&on=2024-08-01",
    "subject=openai&action=train-on-outputs&on=2023-06-01&f.competing=true",
    "subject=falcon-40b&action=commercial-use&on=2023-05-20",
]


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_verdict_is_in_the_first_screen_of_ask(browser: Any, server: str, width: str) -> None:
    """On Ask, the verdict element (data-verdict) starts inside the first viewport."""
    w, h = WIDTHS[width]
    browser.set_window_size(w, h)
    try:
        for n, query in enumerate(ASK_QUESTIONS):
            open_page(browser, f"{server}ask/?{query}", f"ask-first-screen-{width}-{n}")
            wait_for(browser, "return document.getElementById('tos-kb-ask').dataset.ready")
            top = browser.execute_script(
                "const v = document.querySelector('[data-verdict]#tk-verdict');"
                "return v ? v.getBoundingClientRect().top : null"
            )
            inner = browser.execute_script("return window.innerHeight")
            browser.save_screenshot(str(ARTIFACTS / f"ask-first-screen-{width}-{n}.png"))
            assert top is not None and 0 <= top < inner, (query, top, inner)
    finally:
        browser.set_window_size(1280, 1600)


def test_the_ask_page_loads_one_subject_not_the_whole_export(browser: Any, server: str) -> None:
    """Answering reads the small index and one subject's slice, never the full export."""
    open_page(browser, f"{server}ask/?{ASK_QUESTIONS[0]}", "ask-loads")
    wait_for(browser, "return document.getElementById('tos-kb-ask').dataset.ready")
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert any(name.endswith("export/ask/index.json") for name in loaded)
    assert any(name.endswith("export/ask/subjects/llama-3.1.json") for name in loaded)
    assert not any(name.endswith("export/tos-kb.json") for name in loaded)


def test_a_subject_page_answers_at_a_glance_for_another_day(browser: Any, server: str) -> None:
    """The box at the top redraws every action's verdict for the day picked, as Python answers."""
    kb = tos_kb.load()
    open_page(browser, server + "subjects/openai-api/", "subject-glance")
    wait_for(browser, "return document.getElementById('tk-glance').dataset.day")
    browser.execute_script(
        "const i = document.getElementById('tk-glance-on'); i.value = '2023-06-01';"
        "i.dispatchEvent(new Event('change'))"
    )
    wait_for(browser, "return document.getElementById('tk-glance').dataset.day === '2023-06-01'")
    shown = browser.execute_script(
        "return Array.from(document.querySelectorAll('#tk-glance tbody tr')).map("
        "r => [r.dataset.action, r.querySelector('.tk-badge').textContent])"
    )
    browser.save_screenshot(str(ARTIFACTS / "subject-glance-2023.png"))
    assert shown == [
        [action, kb.ask("openai-api", action, on="2023-06-01").verdict.value]
        for action in kb.actions
    ]


SAMPLE = [
    "",
    "ask/?subject=llama-3.1&action=train-on-outputs&on=2024-08-01",
    "subjects/llama-3.1/",
    "subjects/openai-api/",
    "subjects/chatgpt/",
    "documents/meta/llama-3.1-license/",
    "documents/meta/llama-3.1-license/2024-07-23/",
    "coverage/",
]


def test_no_sampled_page_scrolls_sideways_on_a_phone(browser: Any, server: str) -> None:
    """At 390 px, wide tables and charts scroll inside their box; the page itself does not."""
    browser.set_window_size(*WIDTHS["phone"])
    try:
        wide = []
        for n, path in enumerate(SAMPLE):
            open_page(browser, server + path, f"phone-{n}")
            width = browser.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
            if width[0] > width[1]:
                wide.append((path, width))
        assert not wide
    finally:
        browser.set_window_size(1280, 1600)


def test_chart_labels_are_whole_and_at_least_11px(browser: Any, server: str) -> None:
    """No chart label is cut with an ellipsis, and chart text is never drawn below 11 px."""
    for width in sorted(WIDTHS):
        browser.set_window_size(*WIDTHS[width])
        open_page(browser, server + "subjects/chatgpt/", f"charts-{width}")
        found = browser.execute_script(
            "return Array.from(document.querySelectorAll('svg.tk-chart text')).map("
            "t => [t.textContent, t.getBoundingClientRect().height,"
            " parseFloat(getComputedStyle(t).fontSize) *"
            " t.ownerSVGElement.getBoundingClientRect().width /"
            " t.ownerSVGElement.viewBox.baseVal.width])"
        )
        assert found
        assert not [t for t, _, _ in found if t.endswith("…")]
        assert min(size for _, _, size in found) >= 11 - 0.01, width
    browser.set_window_size(1280, 1600)
