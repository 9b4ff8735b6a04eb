//! `chipban explore` in a real browser: the built binary serves the
//! baseline on a free port, Debian's headless `chromium` opens the page, and
//! this test drives it over the DevTools protocol (a websocket, `tungstenite`):
//! the page loads and draws its SVG charts; a slider re-runs the model and
//! the charts change, within 200 ms of the slider's `input` event (measured in
//! the page with `performance.now()`); the scrubber moves the cursor and the
//! month's events; a click on a firm fills the inspector; an invalid value
//! gets the command line's own message; two tabs work at once; a request
//! with a foreign Host header gets 403; no console error, no request to
//! anything but the server; and once the server is killed the page says so.
//!
//! The browser is `$CHROME` if set, else `chromium` on PATH. Without it the
//! test FAILS under `cargo xtask test` (which installs it) and in CI, and is
//! SKIPPED with a notice under a plain `cargo test`. The 200 ms budget is
//! asserted for an optimised binary: `cargo xtask test` builds the release
//! binary and passes it as `CHIPBAN_EXPLORE_BIN`; with the debug binary of a
//! plain `cargo test` the figure is printed only.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The slider → redraw budget on the baseline world, ms (issue 13).
const BUDGET_MS: f64 = 200.0;

/// The tests of this file run one at a time: the timed one must not share
/// the machine's cores with another one's runs and charts.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------------------
// the browser and the server

/// `$CHROME` if set, else `chromium` on PATH; `None` (skip, with a notice)
/// when missing under a plain `cargo test`, a panic when a browser is required.
fn browser() -> Option<PathBuf> {
    let found = match std::env::var_os("CHROME").filter(|p| !p.is_empty()) {
        Some(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
        None => {
            let path = std::env::var_os("PATH").unwrap_or_default();
            std::env::split_paths(&path).map(|d| d.join("chromium")).find(|p| p.is_file())
        }
    };
    if found.is_some() {
        return found;
    }
    let required = std::env::var_os("CHIPBAN_REQUIRE_BROWSER").is_some_and(|v| v != "0")
        || std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    assert!(
        !required,
        "no browser (CHROME unset or not a file, no `chromium` on PATH): the explorer's browser test needs it; \
         `cargo xtask test` installs Debian's `chromium`"
    );
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED explore browser test: no `chromium`. `cargo xtask test` installs it and runs this test.\n"
    );
    None
}

/// The binary under test: `CHIPBAN_EXPLORE_BIN` (the release build, from
/// `cargo xtask test`) or the one cargo built for this test.
fn binary() -> (PathBuf, bool) {
    match std::env::var_os("CHIPBAN_EXPLORE_BIN").filter(|p| !p.is_empty()) {
        Some(p) => (PathBuf::from(p), true),
        None => {
            let p = PathBuf::from(env!("CARGO_BIN_EXE_chipban"));
            let optimised = p.components().any(|c| c.as_os_str() == "release");
            (p, optimised)
        }
    }
}

/// A child process killed when dropped (the server, the browser).
struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `chipban explore [WORLD] --no-open --port 0`; returns it and its port.
fn serve(bin: &Path, world: Option<&Path>) -> (Killed, u16) {
    let mut child = Command::new(bin)
        .arg("explore")
        .args(world)
        .args(["--no-open", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("chipban explore starts");
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    out.read_line(&mut line).expect("the address line");
    // Keep reading what it prints, so that it never writes to a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let port = line
        .trim()
        .strip_prefix("chipban explore: http://127.0.0.1:")
        .and_then(|r| r.strip_suffix('/'))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
    (Killed(child), port)
}

/// Headless Chromium with the DevTools protocol on a free port; returns it
/// and the browser's websocket address.
fn launch(chrome: &Path, profile: &Path) -> (Killed, u16, String) {
    let child = Killed(
        Command::new(chrome)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-sync",
                "--remote-debugging-port=0",
                "--window-size=1400,1000",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts"),
    );
    let file = profile.join("DevToolsActivePort");
    let started = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&file) {
            let mut lines = text.lines();
            if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                return (child, port.parse().expect("a port"), path.to_string());
            }
        }
        assert!(started.elapsed() < Duration::from_secs(30), "chromium wrote no DevToolsActivePort");
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---------------------------------------------------------------------------
// the DevTools protocol

/// One websocket to the browser; pages are attached as flat sessions.
struct Cdp {
    ws: tungstenite::WebSocket<TcpStream>,
    next: u64,
    /// Every event received (method, params, session).
    events: Vec<Value>,
}

impl Cdp {
    fn connect(port: u16, path: &str) -> Cdp {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("the DevTools port");
        stream.set_read_timeout(Some(Duration::from_secs(60))).expect("a read timeout");
        let (ws, _) =
            tungstenite::client(format!("ws://127.0.0.1:{port}{path}"), stream).expect("a websocket");
        Cdp { ws, next: 0, events: Vec::new() }
    }

    /// Send a command (to a page's session, or the browser) and wait for its answer.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws.send(tungstenite::Message::text(msg.to_string())).expect("send");
        loop {
            let text = match self.ws.read().expect("a DevTools message") {
                tungstenite::Message::Text(t) => t.to_string(),
                _ => continue,
            };
            let v: Value = serde_json::from_str(&text).expect("JSON");
            if v["id"] == json!(id) {
                assert!(v.get("error").is_none(), "{method}: {}", v["error"]);
                return v["result"].clone();
            }
            if v.get("method").is_some() {
                self.events.push(v);
            }
        }
    }

    /// A new tab at `url`, with the domains the checks listen to enabled.
    fn open(&mut self, url: &str) -> String {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        let s = attached["sessionId"].as_str().expect("a session").to_string();
        for domain in ["Runtime.enable", "Network.enable", "Page.enable", "Log.enable"] {
            self.call(Some(&s), domain, json!({}));
        }
        self.call(Some(&s), "Page.navigate", json!({"url": url}));
        s
    }

    /// The value of a JavaScript expression in a tab (promises awaited).
    fn eval(&mut self, s: &str, expr: &str) -> Value {
        let r = self.call(
            Some(s),
            "Runtime.evaluate",
            json!({"expression": expr, "awaitPromise": true, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expr}: {}", r["exceptionDetails"]);
        r["result"]["value"].clone()
    }

    /// Wait until `expr` is truthy in a tab; returns its value.
    fn wait(&mut self, s: &str, expr: &str, what: &str, timeout: Duration) -> Value {
        let started = Instant::now();
        loop {
            let v = self
                .eval(s, &format!("(() => {{ try {{ return ({expr}); }} catch (e) {{ return null; }} }})()"));
            if !(v.is_null() || v == json!(false) || v == json!(0) || v == json!("")) {
                return v;
            }
            assert!(started.elapsed() < timeout, "timed out waiting for {what} ({expr})");
            std::thread::sleep(Duration::from_millis(40));
        }
    }
}

/// The seq of the page's last redraw (0 before any).
const SEQ: &str = "window.chipbanLastRedraw ? window.chipbanLastRedraw.seq : 0";
/// Every series and area drawn, as one string (to tell a redraw).
const DRAWN: &str = "[...document.querySelectorAll('.plot path')].map(p => p.getAttribute('d')).join('|')";

/// Set a slider (or any input) the way a user does: value, then `input`.
fn set_input(id: &str, value: &str) -> String {
    format!(
        "(() => {{ const el = document.getElementById({id:?}); el.value = {value:?}; \
         el.dispatchEvent(new Event('input', {{bubbles: true}})); return true; }})()"
    )
}

/// Move an input and wait for the page's next redraw; returns its record.
fn change_and_wait(cdp: &mut Cdp, s: &str, id: &str, value: &str, timeout: Duration) -> Value {
    let before = cdp.eval(s, SEQ).as_u64().unwrap_or(0);
    cdp.eval(s, &set_input(id, value));
    cdp.wait(
        s,
        &format!(
            "window.chipbanLastRedraw && window.chipbanLastRedraw.seq > {before} && window.chipbanLastRedraw"
        ),
        &format!("the redraw after {id} = {value}"),
        timeout,
    )
}

/// What the command line says for `--set SET` on the baseline (stderr, trimmed).
fn cli_message(bin: &Path, set: &str) -> String {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let out = Command::new(bin)
        .args(["run", "--no-charts", "--quiet", "--set", set, "--out"])
        .arg(tmp.path().join("out"))
        .output()
        .expect("chipban run");
    assert_eq!(out.status.code(), Some(2), "chipban run --set {set} must fail");
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

/// A raw HTTP GET with the given Host header; returns the whole answer.
fn get_with_host(port: u16, host: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("the server");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer
}

// ---------------------------------------------------------------------------
// the test

#[test]
fn the_explorer_in_a_real_browser() {
    let _serial = serial();
    let Some(chrome) = browser() else { return };
    let started = Instant::now();
    let (bin, optimised) = binary();
    let (server, port) = serve(&bin, None);
    let base = format!("http://127.0.0.1:{port}/");
    let profile = tempfile::tempdir().expect("a browser profile");
    let (_browser, devtools, path) = launch(&chrome, profile.path());
    let mut cdp = Cdp::connect(devtools, &path);
    let long = Duration::from_secs(30);

    // Load: the page runs the world and draws its charts.
    let a = cdp.open(&base);
    cdp.wait(&a, "window.chipbanLastRedraw && window.chipbanLastRedraw.ok", "the first run drawn", long);
    let svgs = cdp.eval(&a, "document.querySelectorAll('.plot svg').length");
    assert_eq!(svgs, json!(5), "five SVG charts");
    let areas = cdp.eval(&a, "document.querySelectorAll('#chart-race path.area').length").as_u64().unwrap();
    assert!(areas >= 4, "the race shows the largest labs: {areas} areas");
    let series = cdp.eval(&a, "document.querySelectorAll('.plot path.series').length").as_u64().unwrap();
    assert!(series >= 8, "{series} lines");
    let title = cdp.eval(&a, "document.getElementById('title').textContent");
    assert_eq!(title, json!("World “baseline”"));

    // A slider re-runs the model and the charts change; time it.
    let drawn = cdp.eval(&a, DRAWN);
    change_and_wait(&mut cdp, &a, "in-undercut", "0.7", long);
    assert_ne!(cdp.eval(&a, DRAWN), drawn, "the charts changed after moving the price-war slider");
    let (mut times, mut server_ms) = (Vec::new(), Vec::new());
    for v in ["0.5", "1.5", "2", "0.8", "1.25", "3", "1"] {
        let r = change_and_wait(&mut cdp, &a, "in-domestic", v, long);
        assert_eq!(r["ok"], json!(true), "{r}");
        times.push(r["ms"].as_f64().expect("ms"));
        server_ms.push(r["server_ms"].as_f64().expect("server_ms"));
    }
    let median_of = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        (v[0], v[v.len() / 2])
    };
    let ((best, median), (_, server_median)) = (median_of(&times), median_of(&server_ms));
    // Written past the test harness's capture: the figure shows on every run.
    let _ = writeln!(
        std::io::stderr(),
        "explore: slider input -> charts redrawn with the new run (both worlds): best {best:.0} ms, median {median:.0} ms \
         over {} moves, of which the server {server_median:.0} ms (median) ({}; {})",
        times.len(),
        if optimised { "optimised binary" } else { "debug binary: budget not asserted" },
        bin.display()
    );
    if optimised {
        assert!(
            median <= BUDGET_MS,
            "slider -> redraw took {median:.0} ms (median; budget {BUDGET_MS} ms): {times:?}"
        );
    }

    // Scrub: the cursor moves and the month's events change.
    let target = cdp
        .eval(&a, "state.runs.ban.story.map(l => l.month).find(m => m > 6 && m !== state.month)")
        .as_u64()
        .expect("a month with events");
    let cursor = "document.querySelector('#chart-hhi .cursor').getAttribute('x1')";
    let (x0, events0) =
        (cdp.eval(&a, cursor), cdp.eval(&a, "document.getElementById('events-ban').textContent"));
    cdp.eval(&a, &set_input("scrubber", &target.to_string()));
    let x1 = cdp.eval(&a, cursor);
    let events1 = cdp.eval(&a, "document.getElementById('events-ban').textContent");
    assert_ne!(x0, x1, "the cursor moved");
    assert_ne!(events0, events1, "the month's events changed");
    let sentence = cdp.eval(&a, &format!("state.runs.ban.story.find(l => l.month === {target}).text"));
    assert!(events1.as_str().unwrap().contains(sentence.as_str().unwrap()), "{events1} shows {sentence}");
    let date = cdp.eval(&a, "document.getElementById('date').textContent");
    assert_eq!(date, cdp.eval(&a, &format!("state.runs.ban.dates[{target}]")));

    // Play advances the month; pause stops it.
    cdp.eval(&a, "document.getElementById('play').click()");
    cdp.wait(&a, &format!("state.month > {target}"), "play to advance", Duration::from_secs(5));
    cdp.eval(&a, "document.getElementById('play').click()");

    // Click a firm in the race: the inspector shows it.
    let firm = cdp.eval(
        &a,
        "(() => { const b = [...document.querySelectorAll('#race-ban button[data-firm]')].find(b => b.dataset.firm !== state.firm); \
         b.click(); return b.dataset.firm; })()",
    );
    let shown = cdp.eval(&a, "document.getElementById('inspected').textContent");
    assert!(shown.as_str().unwrap().contains(firm.as_str().unwrap()), "{shown} names {firm}");
    let facts = cdp.eval(&a, "document.getElementById('inspector-body').textContent");
    for word in ["cash", "chips held", "researchers", "capability", "status"] {
        assert!(facts.as_str().unwrap().contains(word), "the inspector shows {word}: {facts}");
    }

    // An invalid value: the command line's message, beside the free field.
    let r = change_and_wait(&mut cdp, &a, "extra", "market.inertia=2", long);
    assert_eq!(r["ok"], json!(false));
    let shown = cdp.eval(&a, "document.getElementById('error-extra').hidden ? '' : document.getElementById('error-extra').textContent");
    assert_eq!(shown.as_str().unwrap(), cli_message(&bin, "market.inertia=2"));
    let r = change_and_wait(&mut cdp, &a, "extra", "", long);
    assert_eq!(r["ok"], json!(true));

    // Two tabs at once, each with its own settings.
    let b = cdp.open(&format!("{base}?s=%7B%22seed%22%3A5%7D"));
    cdp.wait(&b, "window.chipbanLastRedraw && window.chipbanLastRedraw.ok", "the second tab drawn", long);
    let (seq_a, seq_b) = (cdp.eval(&a, SEQ).as_u64().unwrap(), cdp.eval(&b, SEQ).as_u64().unwrap());
    cdp.eval(&a, &set_input("seed", "11"));
    cdp.eval(&b, &set_input("seed", "12"));
    cdp.wait(
        &a,
        &format!("window.chipbanLastRedraw.seq > {seq_a} && state.runs.seed === 11"),
        "tab A's run",
        long,
    );
    cdp.wait(
        &b,
        &format!("window.chipbanLastRedraw.seq > {seq_b} && state.runs.seed === 12"),
        "tab B's run",
        long,
    );
    assert_eq!(cdp.eval(&b, "document.querySelectorAll('.plot svg').length"), json!(5));

    // The DNS-rebinding guard.
    let answer = get_with_host(port, &format!("attacker.example:{port}"));
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("DNS rebinding"), "{answer}");
    assert!(get_with_host(port, &format!("localhost:{port}")).starts_with("HTTP/1.1 200"));

    // No console error, no exception, no request elsewhere.
    cdp.eval(&a, "1");
    let mut problems = Vec::new();
    for e in &cdp.events {
        let p = &e["params"];
        match e["method"].as_str().unwrap_or("") {
            "Runtime.exceptionThrown" => problems.push(format!("exception: {}", p["exceptionDetails"])),
            "Runtime.consoleAPICalled"
                if matches!(p["type"].as_str(), Some("error" | "assert" | "warning")) =>
            {
                problems.push(format!("console {}: {}", p["type"], p["args"]))
            }
            "Log.entryAdded" if matches!(p["entry"]["level"].as_str(), Some("error" | "warning")) => {
                problems.push(format!("log: {}", p["entry"]))
            }
            "Network.requestWillBeSent" => {
                let url = p["request"]["url"].as_str().unwrap_or("");
                if !url.starts_with(&base) && !url.starts_with("about:") {
                    problems.push(format!("a request elsewhere: {url}"));
                }
            }
            _ => {}
        }
    }
    let requests = cdp.events.iter().filter(|e| e["method"] == json!("Network.requestWillBeSent")).count();
    assert!(requests >= 10, "the requests were seen ({requests})");
    assert!(problems.is_empty(), "{problems:#?}");

    // The server stops: the page says so (in the tab in front: a
    // background tab's timers may be throttled).
    cdp.call(Some(&a), "Page.bringToFront", json!({}));
    drop(server);
    cdp.wait(
        &a,
        "!document.getElementById('stopped').hidden",
        "the 'server stopped' message",
        Duration::from_secs(10),
    );
    let text = cdp.eval(&a, "document.getElementById('stopped').textContent");
    assert!(text.as_str().unwrap().contains("server has stopped"), "{text}");
    assert!(text.as_str().unwrap().contains("chipban explore"), "{text}");
    // and a change in the other tab meets the same message at once
    cdp.eval(&b, &set_input("seed", "13"));
    cdp.wait(
        &b,
        "!document.getElementById('stopped').hidden",
        "the message in the other tab",
        Duration::from_secs(10),
    );
    let _ =
        writeln!(std::io::stderr(), "explore: browser test done in {:.1} s", started.elapsed().as_secs_f64());
}

/// A bad world or `--set` at start: the same message and exit code as `chipban run`.
#[test]
fn a_bad_world_at_start_gets_the_run_commands_error() {
    let _serial = serial();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_chipban"));
    let tmp = tempfile::tempdir().expect("a temp dir");
    let bad = tmp.path().join("bad.ron");
    std::fs::write(&bad, "World(name: \"x\", sead: 1)").unwrap();
    let cases: [Vec<String>; 3] = [
        vec![bad.display().to_string()],
        vec![tmp.path().join("missing.ron").display().to_string()],
        vec!["baseline".into(), "--set".into(), "market.inertia=7".into()],
    ];
    for args in cases {
        let explore = Command::new(&bin)
            .arg("explore")
            .args(&args)
            .args(["--no-open", "--port", "0"])
            .output()
            .expect("chipban explore");
        let run = Command::new(&bin)
            .arg("run")
            .args(&args)
            .args(["--no-charts", "--out"])
            .arg(tmp.path().join("out"))
            .output()
            .expect("chipban run");
        assert_eq!(explore.status.code(), Some(2), "{args:?}");
        assert_eq!(explore.status.code(), run.status.code(), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&explore.stderr),
            String::from_utf8_lossy(&run.stderr),
            "{args:?}"
        );
        assert!(explore.stdout.is_empty(), "no address printed for {args:?}");
    }
}

/// A raw HTTP GET of `path` on the server; returns the status line and the body.
fn get(port: u16, path: &str) -> (String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("the server");
    s.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).expect("an answer");
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").expect("a header");
    let head = String::from_utf8_lossy(&answer[..split]).to_string();
    assert!(!head.to_ascii_lowercase().contains("transfer-encoding: chunked"), "{head}");
    (head.lines().next().unwrap_or("").to_string(), answer[split + 4..].to_vec())
}

/// "Download this run" is the folder `chipban run` writes for the same
/// world, seed and overrides, byte for byte; the served report links back.
#[test]
fn the_download_is_the_run_folder_and_the_report_links_back() {
    let _serial = serial();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_chipban"));
    let world = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.ron");
    let (_server, port) = serve(&bin, Some(&world));
    // seed 3, the price-war slider at 0.5, a free override
    let query = "s=%7B%22seed%22%3A3%2C%22controls%22%3A%7B%22undercut%22%3A0.5%7D%2C%22extra%22%3A%5B%22market.inertia%3D0.7%22%5D%7D";
    let (status, zip) = get(port, &format!("/download?{query}"));
    assert!(status.starts_with("HTTP/1.1 200"), "{status}: {}", String::from_utf8_lossy(&zip));
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("run");
    let run = Command::new(&bin)
        .arg("run")
        .arg(&world)
        .args([
            "--seed",
            "3",
            "--set",
            "pricing.undercut=0.5",
            "--set",
            "market.inertia=0.7",
            "--quiet",
            "--out",
        ])
        .arg(&folder)
        .status()
        .expect("chipban run");
    assert!(run.success());
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().expect("a file name").to_string();
        let (top, rel) = name.split_once('/').expect("one folder in the zip");
        assert_eq!(top, "tiny-seed3");
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        let written = std::fs::read(folder.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert!(bytes == written, "{rel} differs from `chipban run`'s");
        names.push(rel.to_string());
    }
    for f in
        ["world.ron", "months.csv", "firms.csv", "events.csv", "chips.csv", "summary.json", "report.html"]
    {
        assert!(names.iter().any(|n| n == f), "{f} in {names:?}");
    }
    let count = |d: &Path| walk_count(d);
    assert_eq!(names.len(), count(&folder), "every file of the folder: {names:?}");

    let (status, html) = get(port, &format!("/report?{query}"));
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let html = String::from_utf8_lossy(&html);
    assert!(html.contains(&format!("href=\"/?{query}\"")) && html.contains("open this run in the explorer"));
}

fn walk_count(d: &Path) -> usize {
    std::fs::read_dir(d)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() { walk_count(&e.path()) } else { 1 }
        })
        .sum()
}
