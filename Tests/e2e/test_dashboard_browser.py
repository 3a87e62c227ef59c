"""The dashboard in a real browser (issue 6, items 1 and 2): headless Chromium, driven by
Selenium through Debian's chromium-driver, against a daemon holding 10,000 recorded calls
(real calls through the fake upstream, multiplied in the database over 30 days).

Every page loads with no console error and its numbers are the API's; the live feed shows a
call made during the test (and pauses); the playground runs a prompt and shows its cost; a
Settings save changes the policy file and the version on screen, and a bad value shows the
compiler's error next to its field. A daemon with no calls shows empty states. Layouts are
checked at a phone's width. The insight pages are also fed answers in the shapes of the
analysis endpoints (which later daemons serve) and must show their figures. Screenshots of every page go to Tests/e2e/screenshots/.
"""
from __future__ import annotations

import json
import random
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from conftest import ANTHROPIC_AUTH, GOOGLE_AUTH, HERE, OPENAI_AUTH, OPENAI_KEY, REPO, Daemon, http_request, new_tag

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="chromium and chromium-driver are not installed (scripts/bootstrap.sh --tests)")

SCREENSHOTS = HERE / "screenshots"
DESKTOP = (1366, 900)
PHONE = (390, 844)
TOTAL_CALLS = 10_000
PAGES = ["overview", "live", "sources", "models", "waste", "recommendations", "anomalies", "sessions", "health",
         "playground", "settings"]
OPTIONAL = {"waste": "/api/usage/waste-summary", "recommendations": "/api/usage/recommendations",
            "anomalies": "/api/usage/anomalies", "sessions": "/api/usage/sessions",
            "health": "/api/usage/provider-health"}


# ------------------------------------------------------------------ browser

@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=en-US",
                     f"--window-size={DESKTOP[0]},{DESKTOP[1]}"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_window_size(*DESKTOP)
    SCREENSHOTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def console_errors(driver, allow_network=False):
    """SEVERE entries of the browser log since the last call (reading clears it)."""
    entries = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    if allow_network:
        entries = [entry for entry in entries if entry.get("source") != "network"]
    return entries


def open_page(driver, base, page, rest=""):
    """A full load of the page; returns once it says it is ready (or fails with what it shows)."""
    driver.get(f"{base}/?load={time.monotonic_ns()}#/{page}{rest}")
    try:
        WebDriverWait(driver, 15).until(
            lambda d: d.execute_script(
                "const m = document.getElementById('main');"
                f"return m && m.dataset.page === '{page}' && m.dataset.state !== 'loading' ? m.dataset.state : null;"))
    except TimeoutException:
        raise AssertionError(f"{page} never became ready: {driver.find_element(By.ID, 'main').text[:500]}")
    state = driver.find_element(By.ID, "main").get_attribute("data-state")
    assert state == "ready", f"{page} failed to render: {driver.find_element(By.ID, 'main').text[:500]}"


def screenshot(driver, name):
    """The whole page, not just the viewport: the window grows to the document's height first."""
    width, height = driver.get_window_size()["width"], driver.get_window_size()["height"]
    full = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    driver.set_window_size(width, min(max(full + 120, height), 6000))
    time.sleep(0.1)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    driver.set_window_size(width, height)


def wait_for(driver, css, timeout=10):
    return WebDriverWait(driver, timeout).until(lambda d: (d.find_elements(By.CSS_SELECTOR, css) or [None])[0])


def number(element, attribute="data-value"):
    return float(element.get_attribute(attribute))


# ------------------------------------------------------------------ data

CALLS = [
    # (provider, path, body, headers)
    ("openai", "/proxy/openai/v1/chat/completions", {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]},
     {**OPENAI_AUTH, "X-TokenLens-Source": "agent-alpha"}),
    ("openai", "/proxy/openai/v1/chat/completions", {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hello   there"}]},
     {**OPENAI_AUTH, "X-TokenLens-Source": "agent-beta"}),
    ("anthropic", "/proxy/anthropic/v1/messages",
     {"model": "claude-haiku-4-5", "max_tokens": 300, "messages": [{"role": "user", "content": "please summarise"}]},
     {**ANTHROPIC_AUTH, "X-TokenLens-Source": "claude-code"}),
    ("google", "/proxy/google/v1beta/models/gemini-2.5-flash:generateContent",
     {"contents": [{"role": "user", "parts": [{"text": "explain"}]}]}, {**GOOGLE_AUTH, "X-TokenLens-Source": "notebook"}),
    ("openai", "/proxy/openai/v1/chat/completions", {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "fail"}]},
     {**OPENAI_AUTH, "X-TokenLens-Source": "agent-beta", "X-Fake-Status": "500"}),
    ("openai", "/proxy/openai/v1/chat/completions", {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "stop"}]},
     {**OPENAI_AUTH, "X-TokenLens-Source": "runaway"}),
]


def record_calls(daemon, repeat=4):
    tag = new_tag()
    for _ in range(repeat):
        for _, path, body, headers in CALLS:
            http_request(daemon.port, "POST", path, body, {**headers, "X-TokenLens-Tags": f"t={tag}"})
    daemon.wait_tag(tag, count=repeat * len(CALLS), timeout=15)


CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def call_id(micros: int, rng: random.Random) -> str:
    """An id like the daemon's: milliseconds first, so ids sort by time."""
    value = ((micros // 1000) << 80) | rng.getrandbits(80)
    return "".join(CROCKFORD[(value >> (5 * (25 - index))) & 31] for index in range(26))


def multiply_calls(database: Path, total: int):
    """Copies the recorded calls (real records, every column) until there are `total`, spread
    over the last 30 days and many sources, so the pages face a realistic history."""
    rng = random.Random(6)
    now = int(time.time() * 1_000_000)
    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        templates = [dict(row) for row in db.execute("SELECT * FROM calls")]
        columns = list(templates[0])
        rows = []
        for _ in range(total - len(templates)):
            row = dict(rng.choice(templates))
            row["ts"] = now - rng.randrange(1, 29 * 86_400_000_000)  # all inside a 30-day window
            row["id"] = call_id(row["ts"], rng)
            if row["source"] not in ("runaway",):
                row["source"] = f"{row['source']}-{rng.randrange(12):02d}" if rng.random() < 0.7 else row["source"]
            rows.append(tuple(row[column] for column in columns))
        db.executemany(f"INSERT INTO calls ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})", rows)
        assert db.execute("SELECT COUNT(*) FROM calls").fetchone()[0] == total


@pytest.fixture(scope="module")
def site(fake, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dashboard")
    shutil.copytree(REPO / "policies", folder / "policies")
    providers = {"openai": fake.base, "anthropic": fake.base, "google": fake.base}
    first = Daemon(folder, providers).start()
    try:
        _, headers, _ = first.request("GET", "/api/config/quotas")
        status, _, body = first.request("PUT", "/api/config/quotas", {"kill_switches": ["runaway"]}, {"If-Match": headers["etag"]})
        assert status == 200, body
        record_calls(first)
    finally:
        assert first.stop() == 0
    multiply_calls(first.data_dir / "usage.db", TOTAL_CALLS)
    daemon = Daemon(folder, providers, data_dir=first.data_dir).start()
    # Limits far above the history's spend: the 30 days of copied calls fill most of a month by
    # its last days, and a spent budget would refuse the calls the tests make.
    for path, body in [("/api/settings/budget", {"enabled": True, "daily_limit_usd": 200, "monthly_limit_usd": 5000}),
                       ("/api/config/quotas", {"kill_switches": ["runaway"],
                                               "source_limits": [{"source": "agent-alpha", "daily_usd": 1, "monthly_usd": 10}]})]:
        status, _, body = daemon.request("PUT", path, body)
        assert status == 200, body
    daemon.folder = folder
    yield daemon
    assert daemon.stop() == 0


# ------------------------------------------------------------------ every page

def test_every_page_loads_without_console_errors(browser, site):
    assert site.get_json("/api/status")["db"]["calls"] >= TOTAL_CALLS
    browser.get_log("browser")
    for page in PAGES:
        open_page(browser, site.url, page)
        time.sleep(0.2)  # let late requests (live socket, previews) finish
        assert console_errors(browser) == [], page
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{page} scrolls sideways by {overflow}px"
        screenshot(browser, f"desktop-{page}")


def test_overview_shows_the_apis_numbers(browser, site):
    open_page(browser, site.url, "overview")
    days = int(browser.execute_script("return localStorage.getItem('tokenlens.days') || '30'"))
    kpi = site.get_json(f"/api/usage/kpi?days={days}")
    assert kpi["calls"] > 0
    assert number(browser.find_element(By.ID, "kpi-cost")) == pytest.approx(kpi["cost_usd"], abs=1e-12)
    assert number(browser.find_element(By.ID, "kpi-calls")) == kpi["calls"]
    assert f"{kpi['calls']:,}" in browser.find_element(By.ID, "kpi-calls").text
    assert number(browser.find_element(By.ID, "kpi-savings")) == pytest.approx(kpi["savings_usd"], abs=1e-12)
    assert number(browser.find_element(By.ID, "kpi-cache")) == pytest.approx(kpi["cache_hit_rate"])
    shown = browser.find_element(By.CSS_SELECTOR, "#kpi-cost .kpi-value").text
    assert float(shown.replace("$", "").replace(",", "")) == pytest.approx(kpi["cost_usd"], rel=1e-3)
    # spend per day: one bar per day, stacked by token type, totals as the API says
    daily = site.get_json(f"/api/usage/daily?days={days}")
    bars = browser.find_elements(By.CSS_SELECTOR, "#daily-chart g.bar")
    assert len(bars) == len(daily)
    for bar, day in zip(bars, daily):
        assert bar.get_attribute("data-date") == day["date"]
        assert float(bar.get_attribute("data-total")) == pytest.approx(sum(day["cost_by_type"].values()), abs=1e-9)
    stacked = {bar.get_attribute("data-date"): len(bar.find_elements(By.CSS_SELECTOR, "rect:not(.hit)")) for bar in bars}
    assert max(stacked.values()) >= 2, "bars are stacked by token type"
    cells = {cell.find_element(By.XPATH, "..").get_attribute("data-date"): float(cell.get_attribute("data-value"))
             for cell in browser.find_elements(By.CSS_SELECTOR, "#daily-table td[data-value]")}
    assert cells == {day["date"]: pytest.approx(day["cost_usd"], abs=1e-12) for day in daily if day["calls"]}
    # budget gauges: the limits and what is spent, from budget-status
    budget = site.get_json("/api/usage/budget-status")
    gauges = {box.get_attribute("data-rule"): box for box in browser.find_elements(By.CSS_SELECTOR, ".gauge-box")}
    usd_limits = [limit for limit in budget["limits"] if limit["kind"] == "usd"]
    assert {limit["rule"] for limit in usd_limits} == set(gauges) and "budget.daily" in gauges
    for limit in usd_limits:
        assert number(gauges[limit["rule"]], "data-spent") == pytest.approx(limit["spent"], abs=1e-9)
        assert number(gauges[limit["rule"]], "data-limit") == limit["limit"]
    # forecast: the API's figures, or a clear "not available" where this daemon has no forecast yet
    status, _, body = site.request("GET", "/api/usage/forecast")
    if status == 200:
        forecast = json.loads(body)
        # The projection moves with the clock (the rest of today is projected at the trend's
        # rate), so the page, read a few seconds earlier, agrees to within that drift.
        assert number(browser.find_element(By.ID, "forecast-projected")) == pytest.approx(forecast["projected_month_usd"], rel=1e-4)
    else:
        panel = browser.find_element(By.CSS_SELECTOR, '[data-unavailable="/api/usage/forecast"]')
        assert "not available" in panel.text
    # top sources in the API's order
    sources = site.get_json(f"/api/usage/sources?days={days}")
    shown = [item.get_attribute("data-source") for item in browser.find_elements(By.CSS_SELECTOR, "#top-sources li")]
    assert shown == [source["source"] for source in sources[:len(shown)]] and shown


def test_the_time_window_changes_the_numbers(browser, site):
    open_page(browser, site.url, "overview")
    browser.find_element(By.CSS_SELECTOR, '.segmented button[data-days="7"]').click()
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "main").get_attribute("data-state") == "ready"
                                     and d.find_elements(By.ID, "kpi-calls"))
    assert browser.find_element(By.CSS_SELECTOR, '.segmented button[data-days="7"]').get_attribute("aria-pressed") == "true"
    assert number(browser.find_element(By.ID, "kpi-calls")) == site.get_json("/api/usage/kpi?days=7")["calls"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#daily-chart g.bar")) == 7
    browser.find_element(By.CSS_SELECTOR, '.segmented button[data-days="30"]').click()
    WebDriverWait(browser, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#daily-chart g.bar")) == 30)


def table_rows(browser, table_id):
    """{row header text: {column: data-value}} of a table, read in one script call."""
    return browser.execute_script("""
        const rows = {};
        for (const row of document.querySelectorAll(`#${arguments[0]} tbody tr`)) {
          const values = {};
          for (const cell of row.querySelectorAll("td[data-value]")) values[cell.dataset.col] = cell.dataset.value;
          rows[row.querySelector("th").textContent] = values;
        }
        return rows;""", table_id)


def column_values(browser, table_id, column):
    return browser.execute_script(
        "return [...document.querySelectorAll(`#${arguments[0]} td[data-col='${arguments[1]}']`)].map((c) => Number(c.dataset.value))",
        table_id, column)


def test_sources_table_matches_the_api_and_sorts(browser, site):
    open_page(browser, site.url, "sources")
    sources = site.get_json("/api/usage/sources?days=30")
    rows = table_rows(browser, "sources-table")
    assert set(rows) == {source["source"] for source in sources} and len(rows) > 20
    for source in sources:
        assert int(rows[source["source"]]["calls"]) == source["calls"]
        assert float(rows[source["source"]]["cost"]) == pytest.approx(source["cost_usd"], abs=1e-12)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#sources-table svg.sparkline")) == len(sources)
    # sorted by spend, then by calls when the header is clicked
    first = browser.find_element(By.CSS_SELECTOR, "#sources-table tbody tr th").text
    assert first == max(sources, key=lambda s: s["cost_usd"])["source"]
    browser.find_element(By.CSS_SELECTOR, '#sources-table button.sort[data-key="calls"]').click()
    calls = column_values(browser, "sources-table", "calls")
    assert calls == sorted(calls, reverse=True)
    header = browser.find_element(By.CSS_SELECTOR, '#sources-table button.sort[data-key="calls"]').find_element(By.XPATH, "..")
    assert header.get_attribute("aria-sort") == "descending"
    browser.find_element(By.CSS_SELECTOR, '#sources-table button.sort[data-key="calls"]').click()
    calls = column_values(browser, "sources-table", "calls")
    assert calls == sorted(calls)


def test_models_table_matches_the_api(browser, site):
    open_page(browser, site.url, "models")
    models = site.get_json("/api/usage/breakdown?by=model&days=30")["rows"]
    rows = table_rows(browser, "models-table")
    names = {model["key"]: model["key"] or "(none)" for model in models}  # refusals before the body was read
    assert set(rows) == set(names.values())
    for model in models:
        assert int(rows[names[model["key"]]]["calls"]) == model["calls"]
        assert float(rows[names[model["key"]]]["cost"]) == pytest.approx(model["cost_usd"], abs=1e-12)
    assert sum(model["calls"] for model in models) >= TOTAL_CALLS


@pytest.mark.parametrize("page", sorted(OPTIONAL))
def test_insight_pages_show_the_api_or_say_it_is_missing(browser, site, page):
    browser.get_log("browser")
    open_page(browser, site.url, page)
    endpoint = OPTIONAL[page]
    status, _, body = site.request("GET", f"{endpoint}?days=30")
    if status != 200:
        panel = browser.find_element(By.CSS_SELECTOR, f'[data-unavailable="{endpoint}"]')
        assert "not available" in panel.text and endpoint in panel.text
    else:
        data = json.loads(body)
        if page == "recommendations":
            assert number(browser.find_element(By.ID, "rec-saving")) == pytest.approx(data["monthly_saving_usd"], abs=1e-9)
            savings = [number(item, "data-saving") for item in browser.find_elements(By.CSS_SELECTOR, "#recommendations > li")]
            assert len(savings) == len(data["recommendations"]) and savings == sorted(savings, reverse=True)
        elif page == "waste" and data.get("analysed_calls"):
            assert number(browser.find_element(By.ID, "waste-cost")) == pytest.approx(data["cost_usd"], abs=1e-9)
        elif page == "anomalies":
            assert number(browser.find_element(By.ID, "anomaly-count")) == len(data["anomalies"])
        elif page == "sessions":
            assert number(browser.find_element(By.ID, "session-count")) == data["count"]
        elif page == "health":
            shown = [card.get_attribute("data-provider") for card in browser.find_elements(By.CSS_SELECTOR, ".provider-card")]
            assert shown == [provider["provider"] for provider in data["providers"]]
    assert console_errors(browser) == []


def test_layout_at_a_phones_width(browser, site):
    browser.set_window_size(*PHONE)
    try:
        for page in ["overview", "live", "sources", "models", "playground", "settings"]:
            open_page(browser, site.url, page)
            overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{page} scrolls sideways by {overflow}px at {PHONE[0]}px"
            nav = browser.find_element(By.ID, "nav")
            assert nav.is_displayed() and nav.rect["height"] < 60, "the navigation is one scrolling row on a phone"
            title = browser.find_element(By.CSS_SELECTOR, "main h1")
            assert title.rect["x"] >= 0 and title.rect["x"] + title.rect["width"] <= PHONE[0]
            screenshot(browser, f"phone-{page}")
        assert console_errors(browser) == []
    finally:
        browser.set_window_size(*DESKTOP)


# ------------------------------------------------------------------ live feed

def proxy_call(site, source, extra=None):
    status, headers, _ = http_request(site.port, "POST", "/proxy/openai/v1/chat/completions",
                                      {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "live"}]},
                                      {**OPENAI_AUTH, "X-TokenLens-Source": source, **(extra or {})})
    return status, headers["x-tokenlens-request-id"]


def test_live_feed_shows_calls_made_during_the_test(browser, site):
    open_page(browser, site.url, "live")
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "live-state").get_attribute("data-state") == "open")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#live-body tr")) == 50, "the latest calls are shown at once"
    status, call_id = proxy_call(site, "live-test")
    assert status == 200
    row = wait_for(browser, f'#live-body tr[data-id="{call_id}"]')
    assert browser.find_element(By.CSS_SELECTOR, "#live-body tr").get_attribute("data-id") == call_id, "newest first"
    record = next(r for r in site.recent(limit=20) if r["id"] == call_id)
    assert number(row.find_element(By.CSS_SELECTOR, "td.cost")) == pytest.approx(record["cost_usd"], abs=1e-12)
    assert "live-test" in row.text and "gpt-4o-mini" in row.text
    # a blocked call stands out
    status, blocked_id = proxy_call(site, "runaway")
    assert status == 403
    blocked = wait_for(browser, f'#live-body tr[data-id="{blocked_id}"]')
    assert "row-blocked" in blocked.get_attribute("class") and "blocked" in blocked.text
    assert blocked.value_of_css_property("background-color") != row.value_of_css_property("background-color")
    # paused: new calls wait, and appear on resume
    browser.find_element(By.ID, "live-pause").click()
    assert browser.find_element(By.ID, "live-pause").get_attribute("aria-pressed") == "true"
    _, held_id = proxy_call(site, "live-paused")
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "live-held").is_displayed())
    assert "1 new call" in browser.find_element(By.ID, "live-held").text
    assert not browser.find_elements(By.CSS_SELECTOR, f'#live-body tr[data-id="{held_id}"]')
    screenshot(browser, "desktop-live-paused")
    browser.find_element(By.ID, "live-pause").click()
    wait_for(browser, f'#live-body tr[data-id="{held_id}"]')
    assert console_errors(browser) == []


# ------------------------------------------------------------------ playground

def test_playground_runs_a_prompt_and_shows_its_cost(browser, site, fake):
    open_page(browser, site.url, "playground")
    Select(browser.find_element(By.ID, "pg-provider")).select_by_value("openai")
    Select(browser.find_element(By.ID, "pg-model")).select_by_value("gpt-4o-mini")
    max_tokens = browser.find_element(By.ID, "pg-max-tokens")
    max_tokens.clear()
    max_tokens.send_keys("200")
    prompt = "Explain prompt caching in one paragraph."
    browser.find_element(By.ID, "pg-prompt").send_keys(prompt)
    slider = browser.find_element(By.ID, "pg-temperature")
    browser.execute_script("arguments[0].value = '0.4'; arguments[0].dispatchEvent(new Event('input'))", slider)
    assert browser.find_element(By.ID, "pg-temperature-value").text == "0.4"
    # the preview is the API's estimate for this prompt
    expected = json.loads(http_request(site.port, "POST", "/api/playground/preview", {
        "provider": "openai", "model": "gpt-4o-mini", "prompt": prompt, "max_tokens": 200})[2])
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "pg-preview-cost") and abs(
        number(d.find_element(By.ID, "pg-preview-cost")) - expected["max_total_cost_usd"]) < 1e-12)
    browser.find_element(By.ID, "pg-api-key").send_keys(OPENAI_KEY)
    browser.find_element(By.ID, "pg-run").click()
    answer = wait_for(browser, "#pg-answer", timeout=20)
    fixture = json.loads((REPO / "Tests/Fixtures/providers/openai-chat.json").read_text())
    assert answer.text == fixture["choices"][0]["message"]["content"]
    record_id = browser.find_element(By.ID, "pg-record-id").get_attribute("data-value")
    record = next(r for r in site.recent(limit=20) if r["id"] == record_id)
    assert record["source"] == "playground" and record["requested_model"] == "gpt-4o-mini"
    assert number(browser.find_element(By.ID, "pg-cost")) == pytest.approx(record["cost_usd"], abs=1e-12)
    shown = browser.find_element(By.ID, "pg-cost").text
    assert float(shown.replace("$", "")) == pytest.approx(record["cost_usd"], rel=1e-2)
    sent = [r for r in fake.requests() if prompt in r["body"]][-1]
    assert sent["json"]["temperature"] == 0.4 and sent["json"]["max_completion_tokens"] == 200
    assert browser.find_element(By.ID, "pg-api-key").get_attribute("value") == OPENAI_KEY
    assert OPENAI_KEY not in json.dumps(browser.execute_script("return {...localStorage, ...sessionStorage}"))
    screenshot(browser, "desktop-playground-answer")
    assert console_errors(browser) == []


# ------------------------------------------------------------------ settings

def quotas_file(site) -> Path:
    return site.folder / "policies" / "quotas.toml"


def add_row(browser, list_path):
    fieldset = browser.find_element(By.CSS_SELECTOR, f'fieldset[data-path="{list_path}"]')
    fieldset.find_element(By.CSS_SELECTOR, ".list-actions button").click()
    return len(fieldset.find_elements(By.CSS_SELECTOR, ".list-row")) - 1


def test_settings_save_changes_the_file_and_the_version(browser, site):
    open_page(browser, site.url, "settings", "/quotas")
    before = site.get_json("/api/status")["policy"]["version"]
    assert browser.find_element(By.ID, "settings-version").get_attribute("data-value") == before
    index = add_row(browser, "source_limits")
    browser.find_element(By.CSS_SELECTOR, f'input[data-path="source_limits[{index}].source"]').send_keys("agent-zeta")
    browser.find_element(By.CSS_SELECTOR, f'input[data-path="source_limits[{index}].daily_usd"]').send_keys("7.5")
    browser.find_element(By.ID, "settings-save").click()
    saved = wait_for(browser, "#settings-saved")
    after = site.get_json("/api/status")["policy"]["version"]
    assert after != before
    assert after in saved.text
    assert browser.find_element(By.ID, "settings-version").get_attribute("data-value") == after
    text = quotas_file(site).read_text()
    assert 'source = "agent-zeta"' in text and "daily_usd = 7.5" in text
    assert 'source = "agent-alpha"' in text, "the other rules stay"
    assert [limit["source"] for limit in site.get_json("/api/config/quotas")["source_limits"]] == ["agent-alpha", "agent-zeta"]
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "status-policy").text == after)
    screenshot(browser, "desktop-settings-saved")
    assert console_errors(browser) == []


def test_a_bad_value_shows_the_compilers_error_next_to_its_field(browser, site):
    open_page(browser, site.url, "settings", "/quotas")
    before_file = quotas_file(site).read_bytes()
    before = site.get_json("/api/status")["policy"]["version"]
    field = browser.find_element(By.CSS_SELECTOR, 'input[data-path="source_limits[1].daily_usd"]')
    field.clear()
    field.send_keys("-3")
    browser.find_element(By.ID, "settings-save").click()
    error = wait_for(browser, '[data-field-for="source_limits[1].daily_usd"] .field-error')
    assert "source_limits[1].daily_usd" in error.text and "at least 0" in error.text
    assert "quotas.toml:" in error.text, "the error names the file and line"
    assert field.get_attribute("aria-invalid") == "true"
    assert error.get_attribute("id") in field.get_attribute("aria-describedby")
    assert "nothing was saved" in browser.find_element(By.ID, "settings-errors").text
    assert quotas_file(site).read_bytes() == before_file
    assert site.get_json("/api/status")["policy"]["version"] == before
    assert browser.find_element(By.ID, "settings-version").get_attribute("data-value") == before
    screenshot(browser, "desktop-settings-error")
    # a [budget] key is named `budget.daily_limit_usd`: the error still finds its field
    open_page(browser, site.url, "settings", "/budget")
    budget = browser.find_element(By.CSS_SELECTOR, 'input[data-path="daily_limit_usd"]')
    budget.clear()
    budget.send_keys("-1")
    browser.find_element(By.ID, "settings-save").click()
    error = wait_for(browser, '[data-field-for="daily_limit_usd"] .field-error')
    assert "budget.daily_limit_usd" in error.text
    # the 422 answers are logged by the browser as failed requests; nothing else may be
    assert console_errors(browser, allow_network=True) == []


def test_a_stale_version_is_refused_and_explained(browser, site):
    open_page(browser, site.url, "settings", "/alerts")
    # someone else changes the policy meanwhile
    status, _, body = site.request("PUT", "/api/settings/budget", {"daily_limit_usd": 300})
    assert status == 200, body
    browser.find_element(By.CSS_SELECTOR, 'input[data-path="daily_cost_threshold"]').send_keys("5")
    browser.find_element(By.ID, "settings-save").click()
    stale = wait_for(browser, "#settings-stale")
    assert "Nothing was saved" in stale.text
    stale.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "settings-version").get_attribute("data-value")
                                     == site.get_json("/api/status")["policy"]["version"])
    assert console_errors(browser, allow_network=True) == []


# ------------------------------------------------------------------ no calls at all

def test_a_daemon_without_calls_shows_empty_states(browser, fake, tmp_path):
    d = Daemon(tmp_path, {"openai": fake.base}).start()
    try:
        browser.get_log("browser")
        for page in ["overview", "live", "sources", "models", "sessions"]:
            open_page(browser, d.url, page)
            assert browser.find_elements(By.CSS_SELECTOR, ".state-empty, .empty-row, .state-unavailable"), page
            overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, page
            screenshot(browser, f"empty-{page}")
        open_page(browser, d.url, "overview")
        assert number(browser.find_element(By.ID, "kpi-calls")) == 0
        assert "No spend in this window yet" in browser.find_element(By.ID, "main").text
        assert console_errors(browser) == []
    finally:
        d.stop()


# ------------------------------------------------------------------ analysis answers

# Answers in the shapes of the analysis endpoints (forecast, recommendations, waste, anomalies,
# sessions, provider health), for daemons that have them: the pages must show their figures.
ANALYSIS = {
    "/api/usage/forecast": {
        "month": time.strftime("%Y-%m", time.gmtime()), "days_in_month": 30, "day_of_month": 12,
        "spend_to_date_usd": 42.5, "spend_today_usd": 2.1, "daily_average_usd": 3.54,
        "trend": {"direction": "up", "slope_usd_per_day": 0.12, "today_usd": 3.9, "days": 12, "r_squared": 0.61},
        "projected_month_usd": 110.25, "projected_remaining_usd": 67.75, "confidence": 0.7,
        "budget": {"monthly_limit_usd": 100, "daily_limit_usd": None, "projected_share": 1.1025, "projected_over": True}},
    "/api/usage/recommendations": {
        "days": 30, "span_days": 30, "checks": ["right_sizing", "cache_utilization", "waste"], "count": 2,
        "monthly_saving_usd": 58.9, "recommendations": [
            {"check": "cache_utilization", "severity": "medium", "title": "Cache the system prompt of claude-code",
             "detail": "The same 6,200-token system prompt is sent uncached.", "source": "claude-code",
             "provider": "anthropic", "model": "claude-sonnet-4-5", "suggested_model": None,
             "monthly_saving_usd": 17.9, "window_saving_usd": 16.0, "evidence": {"calls": 340, "call_ids": ["01A"]}},
            {"check": "right_sizing", "severity": "high", "title": "Use claude-haiku-4-5 for simple calls",
             "detail": "Most calls are simple.", "source": "my-agent", "provider": "anthropic",
             "model": "claude-sonnet-4-5", "suggested_model": "claude-haiku-4-5", "monthly_saving_usd": 41.0,
             "window_saving_usd": 38.2, "evidence": {"simple_share": 0.72, "call_ids": []}}]},
    "/api/usage/waste-summary": {
        "days": 30, "analysed_calls": 2400, "prompt_tokens": 9000000, "waste_tokens": 410000, "waste_share": 0.0456,
        "empty_messages": 12, "cost_usd": 4.87,
        "by_type": {"whitespace": {"tokens": 220000, "cost_usd": 2.6}, "filler": {"tokens": 120000, "cost_usd": 1.4},
                    "repeated": {"tokens": 70000, "cost_usd": 0.87}},
        "sources": [{"source": "aider", "analysed_calls": 300, "prompt_tokens": 1000000, "waste_tokens": 50000,
                     "waste_share": 0.05, "empty_messages": 1, "cost_usd": 1.2}]},
    "/api/usage/anomalies": {
        "days": 30, "sigma": 2, "rolling_days": 14, "min_baseline_days": 7, "sources_checked": 8, "count": 2,
        "anomalies": [
            {"date": "2026-01-10", "source": "my-agent", "metric": "spend", "unit": "usd", "value": 12.4, "mean": 3.1,
             "stddev": 1.2, "threshold": 5.5, "z_score": 7.7, "baseline_days": 14},
            {"date": "2026-01-08", "source": "ci-bot", "metric": "calls", "unit": "calls", "value": 900, "mean": 200,
             "stddev": 50, "threshold": 300, "z_score": 14, "baseline_days": 14}]},
    "/api/usage/sessions": {
        "days": 30, "gap_minutes": 30, "count": 1,
        "pattern_counts": {"retry_loop": 1, "cache_break": 0, "token_spike": 0, "duplicate_request": 0},
        "sessions": [{"id": "s1", "explicit": False, "source": "claude-code", "sources": ["claude-code"],
                      "start": "2026-01-10T10:00:00.000Z", "end": "2026-01-10T10:30:00.000Z", "duration_s": 1800,
                      "calls": 42, "failed_calls": 1, "unpriced_calls": 0, "cost_usd": 3.2, "input_tokens": 300000,
                      "output_tokens": 20000, "cache_read_tokens": 900000, "cache_write_tokens": 10000,
                      "cache_hit_rate": 0.74, "models": ["claude-sonnet-4-5"],
                      "patterns": [{"type": "retry_loop", "at": "2026-01-10T10:05:00.000Z", "call_ids": [],
                                    "extra_cost_usd": 0.3, "detail": "4 identical failing calls", "figures": {}}]}]},
    "/api/usage/provider-health": {
        "days": 30, "providers": [
            {"provider": "anthropic", "calls": 400, "errors": 12, "error_rate": 0.03, "rate_limited": 6,
             "latency_ms": {"p50": 800, "p95": 2400, "p99": 4100, "avg": 950}, "ttft_ms": {"p50": 300, "p95": 900, "p99": 1500},
             "models": []},
            {"provider": "openai", "calls": 100, "errors": 0, "error_rate": 0, "rate_limited": 0,
             "latency_ms": {"p50": 500, "p95": 900, "p99": 1200, "avg": 560}, "ttft_ms": {"p50": 200, "p95": 400, "p99": 600},
             "models": []}]},
}

# Installed before the page's own scripts: answers the analysis paths from ANALYSIS, leaves
# everything else to the daemon.
FETCH_STUB = """
(() => {
  const answers = %s;
  const original = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const path = new URL(typeof input === "string" ? input : input.url, location.href).pathname;
    if (answers[path]) {
      return Promise.resolve(new Response(JSON.stringify(answers[path]),
        { status: 200, headers: { "Content-Type": "application/json" } }));
    }
    return original(input, init);
  };
})();
"""


def test_analysis_pages_show_the_analysis_apis_figures(browser, site):
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FETCH_STUB % json.dumps(ANALYSIS)})
    try:
        browser.get_log("browser")
        open_page(browser, site.url, "overview")
        forecast = ANALYSIS["/api/usage/forecast"]
        assert number(browser.find_element(By.ID, "forecast-projected")) == forecast["projected_month_usd"]
        assert number(browser.find_element(By.ID, "forecast-to-date")) == forecast["spend_to_date_usd"]
        assert "over its budget" in browser.find_element(By.ID, "main").text
        screenshot(browser, "analysis-overview")

        open_page(browser, site.url, "recommendations")
        assert number(browser.find_element(By.ID, "rec-saving")) == 58.9
        items = browser.find_elements(By.CSS_SELECTOR, "#recommendations > li")
        assert [item.get_attribute("data-check") for item in items] == ["right_sizing", "cache_utilization"], "largest saving first"
        assert "$41.00" in items[0].text and "claude-haiku-4-5" in items[0].text
        screenshot(browser, "analysis-recommendations")

        open_page(browser, site.url, "waste")
        assert number(browser.find_element(By.ID, "waste-cost")) == 4.87
        kinds = {kind.get_attribute("data-kind"): kind for kind in browser.find_elements(By.CSS_SELECTOR, "#waste-kinds li")}
        assert set(kinds) == {"whitespace", "filler", "repeated"}
        assert number(kinds["whitespace"].find_element(By.CSS_SELECTOR, ".saving")) == 2.6
        screenshot(browser, "analysis-waste")

        open_page(browser, site.url, "anomalies")
        assert number(browser.find_element(By.ID, "anomaly-count")) == 2
        assert table_rows(browser, "anomalies-table").keys() == {"my-agent", "ci-bot"}
        assert "$12.40" in browser.find_element(By.ID, "anomalies-table").text
        screenshot(browser, "analysis-anomalies")

        open_page(browser, site.url, "sessions")
        assert number(browser.find_element(By.ID, "session-count")) == 1
        assert table_rows(browser, "sessions-table")["claude-code"]["cost"] == "3.2"
        assert "Retry loop" in browser.find_element(By.ID, "sessions-table").text
        screenshot(browser, "analysis-sessions")

        open_page(browser, site.url, "health")
        cards = browser.find_elements(By.CSS_SELECTOR, ".provider-card")
        assert [card.get_attribute("data-provider") for card in cards] == ["anthropic", "openai"]
        assert "3.0% errors" in cards[0].text and "4.1 s" in cards[0].text
        screenshot(browser, "analysis-health")
        assert console_errors(browser) == []
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})
