"""The page of turnaround serve in a real browser: headless Chromium driven
by Selenium, as a class would use it. tests/test_page.c starts the server
and runs this; any failed check exits non-zero, naming what it expected.

    /usr/bin/python3 tests/browser_check.py URL TURNAROUND_BIN ARTEFACTS TMP

It opens the page, picks the arms, runs the teaching scenario, moves a
slider with the keyboard and runs again, then checks the charts (their SVG
titles, one series per arm), the takeaways (naming the arms), the line that
names what changed, a value out of range refused beside its slider, the
month slider, and that the downloaded config.cfg reproduces the downloaded
results folder byte for byte with 'turnaround compare'. A screenshot of each
step goes to ARTEFACTS/NN-step.png.
"""
import os
import re
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.support.ui import WebDriverWait

URL, BIN, ARTEFACTS, TMP = sys.argv[1:5]
ARMS = ["none", "takeover", "retained_ownership"]
# How the takeaway sentences name the arms.
SPOKEN = {"none": "no intervention", "takeover": "takeover", "retained_ownership": "retained ownership"}

shots = 0


def fail(msg):
    print("browser_check: FAILED: " + msg, file=sys.stderr)
    shot("failure")
    sys.exit(1)


def shot(name):
    global shots
    shots += 1
    try:
        driver.save_screenshot(os.path.join(ARTEFACTS, "%02d-%s.png" % (shots, name)))
    except Exception as e:  # a screenshot is evidence, not a check
        print("browser_check: no screenshot %s: %s" % (name, e), file=sys.stderr)


def wait(what, cond, seconds=30):
    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.1).until(lambda d: cond())
    except TimeoutException:
        fail("waited %d s for %s" % (seconds, what))


def by_id(i):
    return driver.find_element(By.ID, i)


def text_of(i):
    return by_id(i).text


def fetch(path):
    """A file from the server, fetched by the page itself (same origin)."""
    return driver.execute_async_script(
        "const done = arguments[1];"
        "fetch(arguments[0]).then(r => r.text()).then(done, e => done('FETCH FAILED ' + e));", path)


def type_into(element, value):
    element.click()
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(value)


def run_and_wait(expect_runs):
    by_id("run").click()
    wait("run %d to finish" % expect_runs,
         lambda: text_of("status").startswith("done") and by_id("after").get_attribute("data-run") == str(expect_runs)
         or text_of("error-form"), 60)
    if text_of("error-form"):
        fail("the run was refused: " + text_of("error-form"))
    wait("the charts of run %d to load" % expect_runs, lambda: driver.execute_script(
        "return [...document.querySelectorAll('#after img.chart')].every(i => i.complete && i.naturalWidth > 0)"
        " && document.querySelectorAll('#after img.chart').length >= 4"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, what, seconds=30):
    """Wait until url answers (no proxy), or fail if proc has exited."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    end = time.time() + seconds
    while time.time() < end:
        if proc.poll() is not None:
            fail("%s exited (%d) before it answered" % (what, proc.returncode))
        try:
            opener.open(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    fail("%s did not answer at %s within %d s" % (what, url, seconds))


# Chromium and chromedriver are started here and spoken to at 127.0.0.1, never
# "localhost": a minimal system (a container, a chroot) may have no /etc/hosts,
# and Selenium's own launcher, like chromedriver's default attach, looks
# localhost up. Chromium gets a fixed DevTools port and chromedriver attaches
# to it there (debuggerAddress).
downloads = os.path.join(TMP, "downloads")
os.makedirs(downloads, exist_ok=True)
devtools, driver_port = free_port(), free_port()
browser = subprocess.Popen(
    ["/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
     "--window-size=1920,1200", "--force-device-scale-factor=1", "--disable-extensions", "--no-first-run",
     "--no-default-browser-check", "--user-data-dir=" + os.path.join(TMP, "chromium-profile"),
     "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=%d" % devtools, "about:blank"],
    stdout=subprocess.DEVNULL, stderr=open(os.path.join(TMP, "chromium.log"), "w"))
chromedriver = subprocess.Popen(["/usr/bin/chromedriver", "--port=%d" % driver_port],
                                stdout=open(os.path.join(TMP, "chromedriver.log"), "w"), stderr=subprocess.STDOUT)
driver = None
try:
    wait_http("http://127.0.0.1:%d/json/version" % devtools, browser, "chromium")
    wait_http("http://127.0.0.1:%d/status" % driver_port, chromedriver, "chromedriver")
    options = webdriver.ChromeOptions()
    options.debugger_address = "127.0.0.1:%d" % devtools
    connection = RemoteConnection("http://127.0.0.1:%d" % driver_port, ignore_proxy=True)
    connection._commands["executeCdpCommand"] = ("POST", "/session/$sessionId/goog/cdp/execute")
    driver = webdriver.Remote(command_executor=connection, options=options)
    driver.set_script_timeout(30)
    driver.execute("executeCdpCommand", {"cmd": "Browser.setDownloadBehavior",
                                         "params": {"behavior": "allow", "downloadPath": downloads}})

    # 1. The page: the scenario picker with its story, sliders from the table.
    driver.get(URL)
    wait("the page to load its table and scenarios", lambda: driver.execute_script("return document.body.dataset.ready"))
    if by_id("scenario").get_attribute("value") != "teaching":
        fail("the page opened on '%s', not the scenario given" % by_id("scenario").get_attribute("value"))
    if "Twelve councils" not in text_of("story"):
        fail("the story is not the teaching scenario's opening comment: " + text_of("story")[:200])
    row = by_id("row-takeover-internalisation").text
    for part in ["takeover.internalisation", "per dimension per month", "0 to 1"]:
        if part not in row:
            fail("the slider of takeover.internalisation does not show '%s': %s" % (part, row))
    shot("page")

    # 2. Pick the arms (all three), few replications, and run.
    for name in ["none", "takeover", "retained_ownership", "blame"]:
        box = by_id("arm-" + name)
        if box.is_selected() != (name in ARMS):
            box.click()
    type_into(by_id("value-run-reps"), "4")
    run_and_wait(1)
    shot("first-run")

    # 3. Move a slider with the keyboard: peers.decay up, and run again.
    slider = by_id("slider-peers-decay")
    before_value = by_id("value-peers-decay").get_attribute("value")
    driver.execute_script("arguments[0].focus()", slider)
    for _ in range(4):
        slider.send_keys(Keys.ARROW_RIGHT)
    after_value = by_id("value-peers-decay").get_attribute("value")
    if after_value == before_value:
        fail("the peers.decay slider did not move from %s" % before_value)
    run_and_wait(2)
    changed = driver.find_element(By.CSS_SELECTOR, "#after .changed-line").text
    want = "peers.decay %s -> %s" % (before_value, after_value)
    if want not in changed:
        fail("the page does not name what changed: expected '%s' in '%s'" % (want, changed))
    if not driver.find_element(By.CSS_SELECTOR, "#before .run-name").text.startswith("Run 1"):
        fail("the run before is not kept beside the new one")
    shot("before-and-after")

    # 4. The takeaways under each run name the arms.
    for col in ["before", "after"]:
        takeaways = driver.find_element(By.CSS_SELECTOR, "#%s .takeaways" % col).text
        for arm in ["takeover", "retained ownership"]:
            if arm not in takeaways:
                fail("the takeaways of '%s' do not name %s: %s" % (col, arm, takeaways))

    # 5. The charts: the project's SVGs, titled, one series per arm.
    run_id = by_id("after").get_attribute("data-run")
    for chart, title in [("trajectories", "true and perceived quality"), ("outcomes", ""), ("survival", ""),
                         ("network", "peer network")]:
        svg = fetch("/runs/%s/plots/%s.svg" % (run_id, chart))
        m = re.search(r"<svg[^>]*>\s*(?:<[^>]*>\s*)*?<title>([^<]*)</title>", svg)
        if not svg.startswith("<?xml") or not m or "Teaching: one failing council" not in m.group(1) or title not in m.group(1):
            fail("chart %s has no SVG title naming the scenario and '%s': %s" % (chart, title, svg[:300]))
        caption = driver.find_element(By.CSS_SELECTOR, "#after img.chart-%s" % chart).get_attribute("alt")
        if caption != m.group(1).replace("&amp;", "&"):
            fail("chart %s is not described by its SVG title: '%s'" % (chart, caption))
    svg = fetch("/runs/%s/plots/trajectories.svg" % run_id)
    series = re.findall(r'<g id="trajectories_plot_\d+" ><title>([^<]*)</title>', svg)
    for arm in ARMS:
        if series.count(arm) != 1:
            fail("the trajectories chart has %d series named %s, not 1: %s" % (series.count(arm), arm, series))
    if not re.search(r"changed: [^<]*peers\.decay = %s" % re.escape(after_value), svg):
        fail("the trajectories chart does not name the change peers.decay = %s" % after_value)

    # 6. The month slider: network and trajectories at month 30 together.
    month = by_id("month")
    driver.execute_script("arguments[0].value = 30; arguments[0].dispatchEvent(new Event('input'))", month)
    wait("the frames of month 30", lambda: driver.execute_script(
        "return [...document.querySelectorAll('#after img.chart-network, #after img.chart-trajectories,"
        " #before img.chart-network')].every(i => i.src.includes('/frame/30/') && i.complete && i.naturalWidth > 0)"))
    net = fetch("/runs/%s/frame/30/network.svg" % run_id)
    if "at month 30" not in net:
        fail("the network frame is not of month 30: " + net[:300])
    # The exits (month 39, after the fixed three years) are still to come at
    # month 30: the frame draws none of their markers, the whole chart one an
    # arm that leaves. gnuplot's SVG draws a marker as an opaque polygon (the
    # bands are translucent ones).
    def markers(path):
        return len(re.findall(r"<polygon fill = '[^']*' points", fetch(path)))
    if markers("/runs/%s/frame/30/trajectories.svg" % run_id) != 0:
        fail("the trajectories frame of month 30 marks exits that are still to come")
    if markers("/runs/%s/plots/trajectories.svg" % run_id) != 2:
        fail("the trajectories chart does not mark the exits of its two intervening arms")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", driver.find_element(By.CSS_SELECTOR, "#results .columns"))
    shot("month-30")
    month.send_keys(Keys.ARROW_RIGHT)
    wait("the month to step with the keyboard", lambda: text_of("month-value") == "31")
    by_id("play").click()
    wait("play to animate the months", lambda: int(text_of("month-value")) >= 45, 60)
    by_id("play").click()

    # 7. A value out of range is refused beside its slider, and not run.
    box = by_id("value-takeover-internalisation")
    type_into(box, "1.5")
    wait("the refusal beside takeover.internalisation",
         lambda: "expected a number from 0 to 1, found '1.5'" in text_of("error-takeover-internalisation"))
    by_id("run").click()
    wait("the run to be refused", lambda: text_of("status").startswith("not run"))
    if by_id("after").get_attribute("data-run") != run_id:
        fail("a refused value started a run")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    shot("refused")
    type_into(box, "0.02")
    wait("the refusal to clear", lambda: text_of("error-takeover-internalisation") == "")

    # 8. Take it home: the folder and config.cfg, downloaded by the browser.
    for link in driver.find_elements(By.CSS_SELECTOR, "#after .downloads a"):
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
        link.click()
    tar_name = "teaching-run%s.tar" % run_id
    wait("the downloads", lambda: all(os.path.exists(os.path.join(downloads, f)) for f in [tar_name, "config.cfg"])
         and not [f for f in os.listdir(downloads) if f.endswith(".crdownload")], 30)
    shot("downloads")
    with tarfile.open(os.path.join(downloads, tar_name)) as t:
        t.extractall(os.path.join(TMP, "unpacked"))
    got = os.path.join(TMP, "unpacked", "teaching-run%s" % run_id)
    with open(os.path.join(downloads, "config.cfg"), "rb") as a, open(os.path.join(got, "config.cfg"), "rb") as b:
        if a.read() != b.read():
            fail("the downloaded config.cfg is not the one in the downloaded folder")
    again = os.path.join(TMP, "again")
    for cmd in [[BIN, "compare", os.path.join(downloads, "config.cfg"), "--out", again, "--quiet", "--no-plot"],
                [BIN, "plot", again, "--format", "svg"]]:
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            fail("%s: exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr))
    compared = 0
    for root, _, files in os.walk(got):
        for f in files:
            mine = os.path.join(root, f)
            rel = os.path.relpath(mine, got)
            theirs = os.path.join(again, rel)
            with open(mine, "rb") as a:
                data = a.read()
            if not os.path.exists(theirs):
                fail("the rerun has no %s" % rel)
            with open(theirs, "rb") as b:
                if data != b.read():
                    fail("the rerun's %s differs from the downloaded one" % rel)
            compared += 1
    if compared < 15:
        fail("only %d files in the downloaded folder" % compared)
    print("browser_check: %d files of the downloaded folder reproduced byte for byte by turnaround compare; "
          "%d screenshots in %s" % (compared, shots, ARTEFACTS))
finally:
    if driver is not None:
        driver.quit()
    for proc in (chromedriver, browser):
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
