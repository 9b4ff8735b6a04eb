//! The report and the narration end to end: a real run written to a
//! temporary folder, read back, its charts rendered, its report made — and
//! then opened in a real browser (Debian's headless `chromium`), which must
//! show every chart, paint a non-blank page and load nothing at all.
//!
//! The browser is `$CHROME` if set, else `chromium` on PATH. Without it the
//! browser tests FAIL under `cargo xtask test` (which installs Debian's
//! `chromium` first) and in CI, and are SKIPPED with a notice on the terminal
//! under a plain `cargo test`.
//!
//! How a failed load is detected. Chromium 148 in headless mode prints
//! nothing for a broken `<img src="missing.png">` with only
//! `--enable-logging=stderr --v=0`: no "Failed to load resource", no
//! "net::ERR_" (the console message goes to DevTools only). What it does
//! print, once two logging modules are turned up with
//! `--vmodule=file_url_loader_factory=1,network_delegate=1`, is every load:
//! `FileURLLoader::Start: file:///…/missing.png` for a local file and
//! `NetworkDelegate::NotifyBeforeURLRequest: https://…` for a network
//! request. A self-contained page loads exactly one file, itself, and makes
//! no request; the browser's own background requests (a blank page makes
//! them too) are told apart by a control run. `detector_catches_a_broken_page`
//! shows the detector catching real broken pages.

use chipban::record::{EventKind, Payload, RunData};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// a run, its charts and its report

fn load(path: &str) -> chipban::world::World {
    chipban::world::load_file(Path::new(path)).expect("world loads")
}

/// Run a world, write its output folder into a temporary directory and read it back.
fn run_to_dir(world: chipban::world::World, seed: u64) -> (tempfile::TempDir, RunData) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("run");
    let record = chipban::run(world, seed);
    chipban::record::write_outputs(&record, &dir, false).expect("outputs written");
    let data = chipban::record::read_output(&dir).expect("output folder reads back");
    (tmp, data)
}

/// A small animated GIF (two 8×8 frames), standing in for `market_race.gif`.
fn tiny_gif() -> Vec<u8> {
    let mut buf = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut buf, 8, 8, &[]).expect("gif encoder");
        enc.set_repeat(gif::Repeat::Infinite).expect("repeat");
        for colour in [[200u8, 30, 30], [30, 30, 200]] {
            let rgb: Vec<u8> = (0..64).flat_map(|_| colour).collect();
            let mut frame = gif::Frame::from_rgb(8, 8, &rgb);
            frame.delay = 50;
            enc.write_frame(&frame).expect("gif frame");
        }
    }
    buf
}

fn report_with_charts(data: &RunData, gif: Option<&[u8]>) -> String {
    let charts = chipban::view::charts::render_all(data).expect("charts render");
    assert_eq!(charts.len(), chipban::view::charts::names().len(), "render_all gives one chart per name");
    chipban::view::html::report(data, &charts, gif)
}

/// No reference to anything outside the page.
fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in ["http://", "https://", "src=\"//", "href=\"//", "<script", "<link", "@import", "url("] {
        assert!(
            !lower.contains(bad),
            "the report contains `{bad}`: it must not reference anything outside itself"
        );
    }
}

#[test]
fn baseline_report_has_every_chart_and_loads_nothing() {
    let (_tmp, data) = run_to_dir(chipban::baseline(), 42);
    let gif = tiny_gif();
    let html = report_with_charts(&data, Some(&gif));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for name in chipban::view::charts::names() {
        let at = html
            .find(&format!("id=\"chart-{name}\""))
            .unwrap_or_else(|| panic!("no section for chart {name}"));
        let section = &html[at..];
        let end = section.find("</section>").expect("section closes");
        assert!(section[..end].contains("<svg"), "chart {name} is not inlined as SVG");
        assert!(section[..end].contains("<figcaption>"), "chart {name} has no caption");
    }
    assert_eq!(
        html.matches("<svg").count(),
        chipban::view::charts::names().len(),
        "one inline SVG per chart"
    );
    assert!(html.contains("data:image/gif;base64,R0lGODlh"), "the GIF is embedded as a data: URI");
    assert_self_contained(&html);

    // the parts a reader needs
    for part in [
        "id=\"question\"",
        "Robin Li",
        "id=\"world\"",
        "id=\"verdict\"",
        "id=\"story\"",
        "id=\"events\"",
        "id=\"firms\"",
        "id=\"provenance\"",
        "chipban compare",
    ] {
        assert!(html.contains(part), "the report lacks {part}");
    }
    let hash = &data.summary.world_hash;
    assert!(html.contains(hash.as_str()), "provenance shows the world hash");
    // the verdict follows summary.json
    match data.summary.consolidation.phase.as_ref().map(|p| &p.start_date) {
        Some(d) => assert!(html.contains(&format!("Yes: this run enters a consolidation phase in {d}"))),
        None => assert!(html.contains("No: this run does not enter a consolidation phase")),
    }
    // the firms table lists the giants and every active firm of the last month
    let last = data.months.last().unwrap().month;
    for f in data.firms.iter().filter(|f| f.month == last && f.status == "active") {
        assert!(html.contains(&format!("<td>{}</td>", f.firm)), "firm {} missing from the table", f.firm);
    }
}

/// The `<g class="hover">` layer of chart `name`'s section of a report.
fn hover_layer<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html.find(&format!("id=\"chart-{name}\"")).unwrap_or_else(|| panic!("no section for {name}"));
    let section = &html[at..];
    let section = &section[..section.find("</section>").expect("section closes")];
    let g = section.find("<g class=\"hover\">").unwrap_or_else(|| panic!("chart {name} has no hover layer"));
    let layer = &section[g..];
    &layer[..layer.find("</g>").expect("the hover layer closes")]
}

#[test]
fn every_chart_shows_the_values_under_the_pointer() {
    use chipban::view::format::{grouped, hhi, musd_label, with_commas};
    let (_tmp, data) = run_to_dir(chipban::baseline(), 42);
    let html = report_with_charts(&data, None);
    let months = data.months.len();
    for name in chipban::view::charts::names() {
        let layer = hover_layer(&html, name);
        let titles = layer.matches("<title>").count();
        let want = if name == "lorenz" { 21 } else { months };
        assert!(titles >= want, "{name}: {titles} hover values, want at least {want}");
        assert_eq!(titles, layer.matches("<rect").count(), "{name}: one title per target");
    }
    // a known month, written as the charts write it
    let m = &data.months[20];
    let d = &m.date;
    let expect = [
        ("concentration", format!("<title>{d} · HHI {} · CR4 {:.2}", hhi(m.hhi), m.cr4)),
        (
            "firms",
            format!(
                "<title>{d} · independent labs {} · independent firms {} · start-ups alive {}",
                m.independent_labs, m.independent_firms, m.startups_alive
            ),
        ),
        (
            "funding",
            format!(
                "<title>{d} · VC equity raised {} · chip-backed loans outstanding {}",
                musd_label(m.vc_funding_musd),
                musd_label(m.loans_outstanding_musd)
            ),
        ),
        ("talent", format!("<title>{d} · wage index {:.2}× the initial wage", m.wage_index)),
        ("compute", format!("price index {:.2}</title>", m.chip_price_index)),
        ("price_war", format!("<title>{d} · token price $")),
        ("market_shares", format!("<title>{d} · ")),
        ("timeline", format!("<title>{d} · ")),
        ("lorenz", "<title>the smallest 50% of firms hold ".to_string()),
    ];
    for (name, text) in &expect {
        assert!(hover_layer(&html, name).contains(text.as_str()), "{name} lacks {text}");
    }
    // the researchers of the lower talent panel, summed from firms.csv
    let (mut giants, mut others) = (0.0, 0.0);
    for f in data.firms.iter().filter(|f| f.month == m.month) {
        if f.tier == "giant" { giants += f.researchers as f64 } else { others += f.researchers as f64 }
    }
    let text = format!(
        "<title>{d} · researchers at the giants {} · at start-ups and small firms {}",
        with_commas(giants),
        with_commas(others)
    );
    assert!(hover_layer(&html, "talent").contains(&text), "talent lacks {text}");
    // the compute held that month, as the stack's top
    let held: f64 = data.chips.iter().filter(|c| c.month == m.month).map(|c| c.pflops_held).sum();
    let text = format!("<title>{d} · compute held {} PFLOP/s", grouped(held));
    assert!(hover_layer(&html, "compute").contains(&text), "compute lacks {text}");
    // a funding round, on its dot
    let round = data.events.iter().find(|e| e.kind() == EventKind::FundingRound).expect("a round");
    let text = format!("{} raises {}</title>", round.target, musd_label(round.amount_musd));
    assert!(hover_layer(&html, "timeline").contains(&text), "timeline lacks {text}");
    // the rules' months say so
    assert!(html.contains("· US rule 2022-10-07 takes effect"));
    assert_self_contained(&html);
}

#[test]
fn names_from_the_data_are_escaped() {
    let mut world = load("worlds/classroom.ron");
    let evil = "<b>Summit</b> & \"Models\" <script>alert(1)</script>";
    let firm =
        world.firms.iter_mut().find(|f| f.name == "Summit Models").expect("classroom has Summit Models");
    firm.name = evil.to_string();
    world.description = "A <i>teaching</i> world & more".to_string();
    let (_tmp, data) = run_to_dir(world, 7);
    assert!(data.firms.iter().any(|f| f.firm == evil), "the odd name survives the round trip");
    let html = report_with_charts(&data, None);
    assert!(!html.contains(evil), "a raw name from the data reached the HTML");
    assert!(!html.contains("<script"), "markup from the data reached the HTML");
    assert!(!html.contains("<i>teaching"), "markup from the description reached the HTML");
    assert!(
        html.contains("&lt;b&gt;Summit&lt;/b&gt; &amp; &quot;Models&quot;"),
        "the name is shown, escaped"
    );
    assert_self_contained(&html);
}

#[test]
fn the_story_reads_month_by_month() {
    let (_tmp, data) = run_to_dir(chipban::baseline(), 42);
    let story = chipban::view::narrate::story(&data);
    let text = chipban::view::narrate::text(&data);
    assert_eq!(text.lines().count(), story.len());
    assert!(!story.is_empty());
    // dates are YYYY-MM or YYYY Qn, in time order
    let key = |d: &str| -> (i32, u32) {
        let y: i32 = d[..4].parse().unwrap();
        match d.as_bytes()[4] {
            b'-' => (y, d[5..7].parse().unwrap()),
            b' ' => (y, 3 * d[6..7].parse::<u32>().unwrap()),
            _ => panic!("bad date {d}"),
        }
    };
    for pair in story.windows(2) {
        assert!(key(&pair[0].0) <= key(&pair[1].0), "{:?} before {:?}", pair[0], pair[1]);
    }
    // concise: a few lines a month at most
    let months = data.months.len();
    assert!(story.len() <= 3 * months, "{} lines for {months} months", story.len());
    let mut per_month = std::collections::HashMap::new();
    for (d, _) in &story {
        *per_month.entry(d.clone()).or_insert(0) += 1;
    }
    let busiest = per_month.values().max().unwrap();
    assert!(*busiest <= 7, "a month with {busiest} lines");
    // the notable events are there
    for expected in
        ["the US bans the A100 and H100", "the US bans the A800 and H800", " acquires ", " goes under"]
    {
        assert!(text.contains(expected), "story lacks `{expected}`:\n{text}");
    }
    if let Some(d) = data.summary.consolidation.phase.as_ref().map(|p| &p.start_date) {
        assert!(text.contains(&format!("{d} — the consolidation phase begins")), "{text}");
    }
    let loan_firms: HashSet<&str> =
        data.events.iter().filter(|e| e.kind() == EventKind::Loan).map(|e| e.target.as_str()).collect();
    for f in loan_firms {
        assert!(text.contains(&format!("{f} takes ")), "no first chip loan for {f}");
    }
    // entries are counted per quarter
    assert!(story.iter().any(|(d, s)| d.contains(" Q") && s.contains("new start-up")));
    // the foundation-model market (Model v2): the price war if a giant
    // defends its share, the labs left, DeepSeek's open weights if it is there
    let giants: HashSet<&str> =
        data.firms.iter().filter(|f| f.tier == "giant").map(|f| f.firm.as_str()).collect();
    let war = data.events.iter().any(|e| {
        giants.contains(e.actor.as_str()) && matches!(e.payload, Payload::PriceCut { defending: true, .. })
    });
    assert_eq!(text.contains("the price war begins"), war, "{text}");
    assert_eq!(text.contains("there is no price war"), !war, "{text}");
    assert!(text.contains("left in the foundation-model market"), "{text}");
    let deepseek_open =
        data.world.firms.iter().find(|f| f.name == "DeepSeek").and_then(|f| f.open_weights_from);
    if let Some(from) = deepseek_open {
        let open = from.since(data.world.start) as u32;
        if data.firms.iter().any(|f| f.firm == "DeepSeek" && f.status == "active" && f.month >= open) {
            assert!(text.contains("DeepSeek publishes its models' weights"), "{text}");
        }
    }
    // every team transfer is told: alone ("X hands its team") or in a
    // month's wave to the same giant ("N labs hand their teams to G")
    for e in data.events.iter().filter(|e| e.kind() == EventKind::TeamTransfer) {
        let date = &data.months[e.month as usize].date;
        let alone = text.contains(&format!("{} hands its team", e.actor));
        let wave =
            story.iter().any(|(d, s)| d == date && s.contains(&format!("hand their teams to {}", e.target)));
        assert!(alone || wave, "{} ({date}) is not told:\n{text}", e.actor);
    }
}

#[test]
fn classroom_story_and_report() {
    let (_tmp, data) = run_to_dir(load("worlds/classroom.ron"), 7);
    let text = chipban::view::narrate::text(&data);
    assert!(text.contains("the run starts with"), "{text}");
    assert!(text.contains("the run ends with"), "{text}");
    assert!(text.lines().all(|l| l.contains(" — ")));
    let html = chipban::view::html::report(&data, &[], None);
    assert_self_contained(&html);
    assert!(!html.contains("id=\"charts\""), "no chart section without charts");
}

// ---------------------------------------------------------------------------
// the browser

/// The browser: `$CHROME` if set (a Chromium or Chrome binary), else
/// `chromium` on PATH.
fn find_browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROME").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|d| d.join("chromium")).find(|p| p.is_file())
}

/// The browser for a browser test, or `None` to skip it. A missing browser
/// fails the test under `cargo xtask test` (which sets
/// `CHIPBAN_REQUIRE_BROWSER=1`) and in CI (`CI` set); under a plain
/// `cargo test` the test is skipped with a notice on the terminal (written
/// past the test harness's capture, so it shows even though the test passes).
fn browser(test: &str) -> Option<PathBuf> {
    if let Some(p) = find_browser() {
        return Some(p);
    }
    let what = match std::env::var_os("CHROME").filter(|p| !p.is_empty()) {
        Some(p) => format!("CHROME is set to {}, which is not a file", Path::new(&p).display()),
        None => "`chromium` is not on PATH".to_string(),
    };
    let required = std::env::var_os("CHIPBAN_REQUIRE_BROWSER").is_some_and(|v| v != "0")
        || std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    if required {
        panic!(
            "{what}: the browser tests of the report need it. `cargo xtask test` installs \
             Debian's `chromium`; or install it with `apt-get install -y chromium`, or set CHROME."
        );
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED {test}: {what}. This browser test of the report did not run.\n\
         *** `cargo xtask test` (the README's test command) installs Chromium and runs it.\n"
    );
    None
}

/// A `file://` URL for an absolute path (percent-encoding what a URL path cannot hold).
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_str().expect("utf-8 path").bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// What one headless Chromium invocation gave back.
struct Browsed {
    stdout: String,
    stderr: String,
}

/// Run headless Chromium on `url` with `extra` arguments (a fresh profile
/// each time), with logging of every load, and a time limit.
fn browse(url: &str, extra: &[String], work: &Path) -> Browsed {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let profile = work.join(format!("profile-{n}"));
    let (out_path, err_path) = (work.join(format!("stdout-{n}")), work.join(format!("stderr-{n}")));
    let chrome = find_browser().expect("the test checked for the browser first");
    let mut child = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--vmodule=file_url_loader_factory=1,network_delegate=1",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for chromium") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = String::from_utf8_lossy(&std::fs::read(&out_path).unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&std::fs::read(&err_path).unwrap()).into_owned();
    assert!(status.success(), "chromium failed on {url} ({status}):\n{stderr}");
    Browsed { stdout, stderr }
}

/// The lines of a Chromium log that report a load, as (kind, URL).
fn loads(log: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for line in log.lines() {
        for (marker, kind) in [("FileURLLoader::Start: ", "file"), ("NotifyBeforeURLRequest: ", "network")] {
            if let Some(at) = line.find(marker) {
                out.push((kind, line[at + marker.len()..].trim().to_string()));
            }
        }
    }
    out
}

/// A URL without its query: what identifies a background request.
fn endpoint(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or(url).to_string()
}

/// Background requests Chromium makes on its own, whatever the page (seen
/// with Chromium 148 on Debian 12). A control run on a blank page adds any
/// others of the installed version.
const BROWSER_OWN: [&str; 3] = [
    "http://clients2.google.com/time/1/current",
    "https://accounts.google.com/ListAccounts",
    "https://www.google.com/async/folae",
];

/// The endpoints the browser requests on its own, from a blank page.
fn background_requests(work: &Path) -> HashSet<String> {
    let blank = work.join("control.html");
    std::fs::write(&blank, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>control</title></head><body></body></html>")
        .unwrap();
    let b = browse(&file_url(&blank), &["--dump-dom".to_string()], work);
    let mut set: HashSet<String> = BROWSER_OWN.iter().map(|s| s.to_string()).collect();
    set.extend(loads(&b.stderr).into_iter().filter(|(k, _)| *k == "network").map(|(_, u)| endpoint(&u)));
    set
}

/// Every sign in a Chromium log that the page at `page_url` loaded, or failed
/// to load, something other than itself.
fn load_problems(log: &str, page_url: &str, background: &HashSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    for line in log.lines() {
        if line.contains("Failed to load resource") || line.contains("net::ERR_") {
            problems.push(line.trim().to_string());
        }
    }
    for (kind, url) in loads(log) {
        let fine = match kind {
            "file" => url == page_url,
            _ => background.contains(&endpoint(&url)),
        };
        if !fine {
            problems.push(format!("{kind} load: {url}"));
        }
    }
    problems
}

/// Share of a screenshot's pixels that differ from its most common colour
/// (the background), and the number of distinct colours.
fn ink(png: &[u8]) -> (f64, usize) {
    let img = image::load_from_memory(png).expect("screenshot is a PNG").to_rgb8();
    let mut counts: std::collections::HashMap<[u8; 3], usize> = std::collections::HashMap::new();
    for p in img.pixels() {
        *counts.entry(p.0).or_default() += 1;
    }
    let total = (img.width() * img.height()) as usize;
    let background = counts.values().copied().max().unwrap_or(0);
    ((total - background) as f64 / total.max(1) as f64, counts.len())
}

fn screenshot(url: &str, work: &Path, name: &str, size: &str) -> (Vec<u8>, Browsed) {
    let shot = work.join(name);
    let b = browse(url, &[format!("--screenshot={}", shot.display()), format!("--window-size={size}")], work);
    let png = std::fs::read(&shot)
        .unwrap_or_else(|e| panic!("no screenshot {}: {e}\n{}", shot.display(), b.stderr));
    (png, b)
}

#[test]
fn detector_catches_a_broken_page() {
    if browser("detector_catches_a_broken_page").is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let background = background_requests(work);
    let page = |name: &str, body: &str| -> String {
        let p = work.join(name);
        std::fs::write(
            &p,
            format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{name}</title>{body}"),
        )
        .unwrap();
        file_url(&p)
    };
    let broken = page(
        "broken.html",
        "</head><body><h1>broken</h1><img src=\"missing.png\" alt=\"gone\"></body></html>",
    );
    let remote = page(
        "remote.html",
        "<link rel=\"stylesheet\" href=\"missing.css\"></head><body><img src=\"https://example.invalid/x.png\" alt=\"x\"></body></html>",
    );
    let fine = page(
        "fine.html",
        "</head><body><h1>fine</h1><img src=\"data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7\" alt=\"dot\"></body></html>",
    );

    let b = browse(&broken, &["--dump-dom".to_string()], work);
    let printed: Vec<&str> =
        b.stderr.lines().filter(|l| l.contains("missing.png") || l.contains("ERR_")).collect();
    eprintln!("what chromium printed for <img src=\"missing.png\">:\n{}", printed.join("\n"));
    let problems = load_problems(&b.stderr, &broken, &background);
    assert!(
        problems.iter().any(|p| p.contains("missing.png")),
        "the detector missed a broken image; chromium printed:\n{}",
        b.stderr
    );
    assert!(b.stdout.contains("<h1>broken</h1>"), "--dump-dom prints the DOM");

    let b = browse(&remote, &["--dump-dom".to_string()], work);
    let problems = load_problems(&b.stderr, &remote, &background);
    assert!(
        problems.iter().any(|p| p.contains("missing.css")),
        "missed a stylesheet: {problems:?}\n{}",
        b.stderr
    );
    assert!(problems.iter().any(|p| p.contains("example.invalid")), "missed a network image: {problems:?}");

    let b = browse(&fine, &["--dump-dom".to_string()], work);
    let problems = load_problems(&b.stderr, &fine, &background);
    assert!(problems.is_empty(), "a self-contained page (data: URI image) flagged: {problems:?}");

    // the blank-screenshot check tells a painted page from an empty one
    let empty = page("empty.html", "</head><body></body></html>");
    let (png, _) = screenshot(&empty, work, "empty.png", "800,600");
    assert!(ink(&png).0 < 0.001, "an empty page has no ink");
    let (png, _) = screenshot(&fine, work, "fine.png", "800,600");
    assert!(ink(&png).0 > 0.001, "a page with a heading has ink");
}

#[test]
fn report_opens_in_a_real_browser() {
    if browser("report_opens_in_a_real_browser").is_none() {
        return;
    }
    let (tmp, data) = run_to_dir(chipban::baseline(), 42);
    let work = tmp.path();
    let gif = tiny_gif();
    let html = report_with_charts(&data, Some(&gif));
    let file = work.join("report.html");
    std::fs::write(&file, &html).unwrap();
    let url = file_url(&file);
    let background = background_requests(work);

    // the DOM as the browser built it
    let b = browse(&url, &["--dump-dom".to_string()], work);
    let dom = &b.stdout;
    for name in chipban::view::charts::names() {
        assert!(dom.contains(&format!("id=\"chart-{name}\"")), "the browser's DOM lacks chart {name}");
    }
    assert!(
        dom.matches("<svg").count() >= chipban::view::charts::names().len(),
        "the DOM lacks the inline SVGs"
    );
    assert!(dom.contains("data:image/gif;base64,"), "the DOM lacks the GIF");
    assert!(dom.contains("The verdict for this run"));
    let problems = load_problems(&b.stderr, &url, &background);
    assert!(problems.is_empty(), "the report loads or fails to load something: {problems:?}");

    // what it paints
    let (png, b) = screenshot(&url, work, "report.png", "1280,2000");
    let problems = load_problems(&b.stderr, &url, &background);
    assert!(problems.is_empty(), "the report loads or fails to load something: {problems:?}");
    let (ink, colours) = ink(&png);
    assert!(ink > 0.02 && colours > 16, "the screenshot looks blank: {ink:.4} ink, {colours} colours");

    // keep them for a look
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report");
    if std::fs::create_dir_all(&keep).is_ok() {
        let _ = std::fs::write(keep.join("report.html"), &html);
        let _ = std::fs::write(keep.join("report.png"), &png);
        eprintln!("report and screenshot kept in {}", keep.display());
    }
}
