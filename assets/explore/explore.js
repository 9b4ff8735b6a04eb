// chipban explore: the page's script (written for chipban; no library, no
// network but this server). It reads the controls from /api/world, sends the
// settings to /api/run on every change, and draws what comes back as SVG:
// the race of market shares, firms alive, concentration, chip prices and
// funding, with the world without the export rules beside it (dashed).
// A month cursor (play / pause / step / scrubber) moves across every chart
// and picks the month's events and the inspected firm's figures.
// The server keeps no state per tab: every request carries its settings.
"use strict";

// ---------------------------------------------------------------------------
// State

const state = {
  world: null,        // GET /api/world: world name, controls, start settings
  values: {},         // control id -> value
  runs: null,         // the last good POST /api/run answer: {ban, no_ban, ...}
  month: 0,           // the cursor
  firm: null,         // the inspected firm's name
  player: null,       // the play timer
  timer: null,        // the debounce timer
  t0: null,           // performance.now() of the first change not yet answered
  inFlight: false,
  pending: false,
  seq: 0,
  gone: false,
};
// Timings from a change to the charts redrawn with its run, ms (read by tests).
window.chipbanTimings = [];
window.chipbanLastRedraw = null;

const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 10;
const PLAY_MS = 300;
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
  "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

// ---------------------------------------------------------------------------
// Formatting

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}
function grouped(n) {
  return Math.round(n).toLocaleString("en-US");
}
// USD millions for people: $1.2bn, $350M, $40k.
function money(musd) {
  if (musd === null || musd === undefined) return "—";
  const a = Math.abs(musd), sign = musd < 0 ? "−" : "";
  if (a >= 1000) return `${sign}$${(a / 1000).toFixed(1)}bn`;
  if (a >= 1) return `${sign}$${a.toFixed(a >= 100 ? 0 : 1)}M`;
  return `${sign}$${(a * 1000).toFixed(0)}k`;
}
function pct(x) {
  return x === null || x === undefined ? "—" : `${(100 * x).toFixed(1)}%`;
}
function num(x, d) {
  return x === null || x === undefined ? "—" : Number(x).toFixed(d);
}
// A tick label: 2500, 1.5k, 0.25.
function tickLabel(v) {
  if (Math.abs(v) >= 10000) return `${(v / 1000).toFixed(0)}k`;
  if (Math.abs(v) >= 1000) return grouped(v);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(3)));
}

// ---------------------------------------------------------------------------
// The server

function settings() {
  const extra = $("extra").value.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  return { controls: state.values, extra, seed: Number($("seed").value) };
}
function settingsQuery() {
  return "s=" + encodeURIComponent(JSON.stringify(settings()));
}

// The server is gone: say so clearly and stop everything that would call it.
function serverGone() {
  if (state.gone) return;
  state.gone = true;
  pause();
  $("stopped").hidden = false;
  document.body.classList.add("gone");
  for (const el of document.querySelectorAll("aside input, aside textarea, aside button")) el.disabled = true;
  setStatus("The server has stopped.");
}

async function call(url, options) {
  try {
    return await fetch(url, Object.assign({ cache: "no-store" }, options));
  } catch (e) {
    serverGone();
    return null;
  }
}

// Every 2 s: is the server still there?
function heartbeat() {
  if (state.gone) return;
  call("/api/ping").then((r) => {
    if (r && !state.gone) setTimeout(heartbeat, 2000);
  });
}

// A change: run after a short pause (a dragged slider sends many).
function changed() {
  if (state.t0 === null) state.t0 = performance.now();
  clearTimeout(state.timer);
  state.timer = setTimeout(runNow, DEBOUNCE_MS);
}

async function runNow() {
  if (state.gone) return;
  if (state.inFlight) {
    state.pending = true;
    return;
  }
  state.inFlight = true;
  const t0 = state.t0 === null ? performance.now() : state.t0;
  state.t0 = null;
  const seq = ++state.seq;
  setStatus("running…");
  const r = await call("/api/run", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(settings()),
  });
  if (r) {
    const body = await r.json().catch(() => ({ ok: false, message: `the server answered ${r.status}` }));
    if (r.ok && body.ok) {
      clearErrors();
      expand(body.ban);
      if (body.no_ban !== body.ban) expand(body.no_ban);
      state.runs = body;
      state.month = Math.min(state.month, body.ban.dates.length - 1);
      if (!state.firm) state.firm = largestLab(body.ban);
      redraw();
      const ms = performance.now() - t0;
      window.chipbanTimings.push(ms);
      window.chipbanLastRedraw = { seq, ms, ok: true, server_ms: body.server_ms };
      setStatus(`Ran both worlds in ${body.server_ms.toFixed(0)} ms; page updated ${ms.toFixed(0)} ms after the change.`);
    } else {
      showErrors(body);
      window.chipbanLastRedraw = { seq, ms: performance.now() - t0, ok: false };
      setStatus("Not run: a setting is refused (see the message). The charts show the last valid run.");
    }
  }
  state.inFlight = false;
  if (state.pending) {
    state.pending = false;
    runNow();
  }
}

// A firm's figures come from `first` on, its status and owner as changes
// (month, value): give every firm one value (or null) a month.
function expand(run) {
  const n = run.dates.length;
  for (const f of run.firms) {
    const end = f.first + f.cash_musd.length; // after its last row
    for (const key of ["cash_musd", "chip_units", "compute_pflops", "researchers", "capability", "share", "held"]) {
      const full = new Array(n).fill(null);
      f[key].forEach((v, k) => { full[f.first + k] = v; });
      f[key] = full;
    }
    for (const key of ["status", "owner"]) {
      const full = new Array(n).fill(null), changes = f[key];
      changes.forEach(([m, v], k) => {
        const until = k + 1 < changes.length ? changes[k + 1][0] : end;
        for (let i = m; i < Math.min(until, n); i++) full[i] = v;
      });
      f[key] = full;
    }
  }
}

function setStatus(text) {
  $("status").textContent = text;
}

// ---------------------------------------------------------------------------
// Errors: the command line's message, beside the control it concerns

function clearErrors() {
  $("banner").hidden = true;
  for (const el of document.querySelectorAll(".error")) {
    el.hidden = true;
    el.textContent = "";
  }
  for (const el of document.querySelectorAll(".control.bad")) el.classList.remove("bad");
}

function showErrors(body) {
  clearErrors();
  const message = body.message || "refused";
  const places = (body.controls || []).map((id) => `error-${id}`);
  if (body.extra) places.push("error-extra");
  if (places.length === 0) places.push("error-general");
  for (const id of places) {
    const el = $(id);
    if (!el) continue;
    el.textContent = message;
    el.hidden = false;
    if (el.parentElement.classList.contains("control")) el.parentElement.classList.add("bad");
  }
  for (const el of document.querySelectorAll(".plot .empty")) el.textContent = "No run yet: a setting is refused.";
  $("banner-text").textContent = message;
  $("banner-what").textContent = state.runs
    ? "Not run: a setting is refused (the message is also beside it). The charts show the last valid run."
    : "Not run: a setting is refused (the message is also beside it).";
  $("banner").hidden = false;
}

// ---------------------------------------------------------------------------
// Controls

function buildControls(world) {
  const box = $("controls");
  box.innerHTML = "";
  for (const c of world.controls) {
    state.values[c.id] = state.values[c.id] ?? c.value;
    const div = document.createElement("div");
    div.className = "control";
    div.id = `control-${c.id}`;
    const v = state.values[c.id];
    if (c.kind === "toggle") {
      div.innerHTML =
        `<label class="toggle"><input type="checkbox" id="in-${c.id}" ${v >= 0.5 ? "checked" : ""} ${c.value < 0.5 ? "disabled" : ""}> ${esc(c.label)}</label>` +
        `<p class="help">${esc(c.help)}</p><p class="error" id="error-${c.id}" hidden></p>`;
      div.querySelector("input").addEventListener("change", (e) => {
        state.values[c.id] = e.target.checked ? 1 : 0;
        syncDisabled();
        changed();
      });
    } else {
      div.innerHTML =
        `<label for="in-${c.id}">${esc(c.label)} <span class="unit">${esc(c.unit)}</span></label>` +
        `<div class="row"><input type="range" id="in-${c.id}" min="${c.min}" max="${c.max}" step="${c.step}" value="${v}">` +
        `<input type="number" id="num-${c.id}" step="${c.step}" value="${v}" aria-label="${esc(c.label)}"></div>` +
        `<p class="help">${esc(c.help)}</p><p class="error" id="error-${c.id}" hidden></p>`;
      const range = div.querySelector("input[type=range]");
      const box2 = div.querySelector("input[type=number]");
      range.addEventListener("input", () => {
        box2.value = range.value;
        state.values[c.id] = Number(range.value);
        changed();
      });
      box2.addEventListener("input", () => {
        if (box2.value === "" || Number.isNaN(Number(box2.value))) return;
        range.value = box2.value;
        state.values[c.id] = Number(box2.value);
        changed();
      });
    }
    box.appendChild(div);
  }
  syncDisabled();
}

// The ban's date means nothing with the ban off.
function syncDisabled() {
  const shift = $("in-ban_shift");
  if (!shift) return;
  const off = state.values.ban !== undefined && state.values.ban < 0.5;
  shift.disabled = off;
  $("num-ban_shift").disabled = off;
}

// ---------------------------------------------------------------------------
// SVG charts over months

// Chart sizes (SVG units): the small charts, and the wide race with room
// above the plot for the rules' labels.
const SMALL = { w: 620, h: 220, l: 50, r: 14, t: 14, b: 24 };
const WIDE = { w: 1240, h: 250, l: 50, r: 14, t: 24, b: 24 };

// About `count` round steps from 0 to at least `max`.
function niceTicks(max, count) {
  if (!(max > 0)) max = 1;
  const raw = max / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

// The x scale of a chart of `n` months.
function xScale(g, n) {
  const w = g.w - g.l - g.r;
  return (i) => g.l + (n <= 1 ? 0 : (i * w) / (n - 1));
}

// The frame: grid, y ticks, a tick and label on each January (and a minor
// tick in July), the rule markers, the cursor and the hover overlay.
function frame(g, dates, yMax, rules, labelRules) {
  const x = xScale(g, dates.length);
  const ticks = niceTicks(yMax, 4);
  const top = ticks[ticks.length - 1];
  const y = (v) => g.h - g.b - ((g.h - g.t - g.b) * v) / top;
  let s = "";
  for (const t of ticks) {
    s += `<line class="grid" x1="${g.l}" x2="${g.w - g.r}" y1="${y(t)}" y2="${y(t)}"/>`;
    s += `<text class="tick" x="${g.l - 6}" y="${y(t) + 4}" text-anchor="end">${tickLabel(t)}</text>`;
  }
  const years = dates.filter((d) => d.endsWith("-01")).length;
  dates.forEach((d, i) => {
    if (d.endsWith("-01")) {
      s += `<line class="axis" x1="${x(i)}" x2="${x(i)}" y1="${g.h - g.b}" y2="${g.h - g.b + 5}"/>`;
      if (years <= 12 || Number(d.slice(0, 4)) % 2 === 0) {
        s += `<text class="tick" x="${x(i)}" y="${g.h - 6}" text-anchor="middle">${d.slice(0, 4)}</text>`;
      }
    } else if (d.endsWith("-07")) {
      s += `<line class="axis" x1="${x(i)}" x2="${x(i)}" y1="${g.h - g.b}" y2="${g.h - g.b + 3}"/>`;
    }
  });
  s += `<line class="axis" x1="${g.l}" x2="${g.w - g.r}" y1="${g.h - g.b}" y2="${g.h - g.b}"/>`;
  let marks = "";
  for (const r of rules || []) {
    if (r.month < 0 || r.month >= dates.length) continue;
    marks += `<line class="rule" x1="${x(r.month)}" x2="${x(r.month)}" y1="${g.t}" y2="${g.h - g.b}"><title>US rule ${esc(r.name)} in force</title></line>`;
    if (labelRules) marks += `<text class="rule-label" x="${x(r.month)}" y="${g.t - 6}" text-anchor="middle">rule ${esc(r.name)}</text>`;
  }
  return { g, x, y, s, marks, top };
}

// An SVG path through the non-null values.
function linePath(values, x, y) {
  let d = "", pen = false;
  values.forEach((v, i) => {
    if (v === null || v === undefined || Number.isNaN(v)) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

// Draw a chart into `el`: `lines` = [{name, values, colour, dash}], an
// optional horizontal `threshold` {value, label}, rule markers.
function lineChart(el, dates, lines, opts) {
  const all = lines.flatMap((l) => l.values).filter((v) => v !== null && v !== undefined);
  const yMax = Math.max(opts.threshold ? opts.threshold.value * 1.1 : 0, ...all, 0) * 1.05;
  const f = frame(SMALL, dates, yMax, opts.rules, false);
  let s = f.s + f.marks;
  if (opts.threshold) {
    const ty = f.y(opts.threshold.value);
    s += `<line class="threshold" x1="${SMALL.l}" x2="${SMALL.w - SMALL.r}" y1="${ty}" y2="${ty}"><title>${esc(opts.threshold.label)}</title></line>`;
  }
  for (const l of lines) {
    s += `<path class="series${l.dash ? " dashed" : ""}" d="${linePath(l.values, f.x, f.y)}" stroke="${l.colour}"><title>${esc(l.name)}</title></path>`;
  }
  install(el, dates, s, f, (i) => lines.map((l) => [l.name, l.colour, l.values[i], l.dash]), opts.fmt);
  const keys = opts.legend ? lines.filter((l) => !l.dash) : [];
  if (opts.threshold) keys.push({ name: opts.threshold.label, colour: "#777", dash: true });
  if (keys.length) legend(el, keys);
}

// A legend under a chart.
function legend(el, lines) {
  const div = document.createElement("div");
  div.className = "legend";
  div.innerHTML = lines.map((l) =>
    `<span><i class="${l.dash ? "dash" : ""}" style="${l.dash ? "border-color" : "background"}:${l.colour}"></i>${esc(l.name)}</span>`).join("");
  el.appendChild(div);
}

// Put the SVG in place with its cursor and the hover read-out; a click moves the cursor.
function install(el, dates, body, f, valuesAt, fmt) {
  const g = f.g, c = f.x(state.month);
  el.innerHTML =
    `<svg viewBox="0 0 ${g.w} ${g.h}" role="img">${body}` +
    `<line class="cursor" x1="${c}" x2="${c}" y1="${g.t}" y2="${g.h - g.b}"/></svg>` +
    `<div class="readout" hidden></div>`;
  el._x = f.x;
  const svg = el.querySelector("svg"), out = el.querySelector(".readout");
  const monthAt = (ev) => {
    const r = svg.getBoundingClientRect();
    const px = ((ev.clientX - r.left) * g.w) / r.width;
    const n = dates.length;
    return Math.max(0, Math.min(n - 1, Math.round(((px - g.l) * (n - 1)) / (g.w - g.l - g.r))));
  };
  svg.addEventListener("mousemove", (ev) => {
    const i = monthAt(ev);
    const rows = valuesAt(i).filter((r) => r[2] !== null && r[2] !== undefined);
    out.innerHTML = `<b>${dates[i]}</b>` + rows.map((r) =>
      `<div><i style="background:${r[1]}"></i>${esc(r[0])}${r[3] ? " (no ban)" : ""}: ${(fmt || tickLabel)(r[2])}</div>`).join("");
    out.hidden = false;
  });
  svg.addEventListener("mouseleave", () => { out.hidden = true; });
  svg.addEventListener("click", (ev) => {
    if (ev.target.dataset && ev.target.dataset.firm) return;
    setMonth(monthAt(ev));
  });
}

// Move every chart's cursor to the current month (no redraw).
function moveCursors() {
  for (const el of document.querySelectorAll(".plot")) {
    const line = el.querySelector(".cursor");
    if (!line || !el._x) continue;
    const c = el._x(state.month);
    line.setAttribute("x1", c);
    line.setAttribute("x2", c);
  }
}

// The race: stacked shares of the largest labs (the rest grey), clickable.
function raceChart(el, run) {
  const n = run.dates.length;
  const top = run.firms
    .map((f) => ({ f, peak: Math.max(0, ...f.share.map((v) => v || 0)) }))
    .filter((t) => t.peak > 0.005)
    .sort((a, b) => b.peak - a.peak)
    .slice(0, 9)
    .map((t) => t.f);
  const f = frame(WIDE, run.dates, 1, run.rules, true);
  let s = f.s, below = new Array(n).fill(0);
  for (const firm of top) {
    const upper = below.map((b, i) => b + (firm.share[i] || 0));
    let d = "";
    for (let i = 0; i < n; i++) d += `${i ? "L" : "M"}${f.x(i).toFixed(1)},${f.y(upper[i]).toFixed(1)}`;
    for (let i = n - 1; i >= 0; i--) d += `L${f.x(i).toFixed(1)},${f.y(below[i]).toFixed(1)}`;
    const sel = firm.name === state.firm ? " selected" : "";
    s += `<path class="area${sel}" d="${d}Z" fill="${firm.colour}" data-firm="${esc(firm.name)}"><title>${esc(firm.name)}</title></path>`;
    below = upper;
  }
  let d = "";
  for (let i = 0; i < n; i++) d += `${i ? "L" : "M"}${f.x(i).toFixed(1)},${f.y(1).toFixed(1)}`;
  for (let i = n - 1; i >= 0; i--) d += `L${f.x(i).toFixed(1)},${f.y(Math.min(1, below[i])).toFixed(1)}`;
  s += `<path class="area others" d="${d}Z"><title>other labs</title></path>` + f.marks;
  const at = (i) => top.map((t) => [t.name, t.colour, t.share[i], false]);
  install(el, run.dates, s, f, at, pct);
  for (const p of el.querySelectorAll("path[data-firm]")) {
    p.addEventListener("click", () => inspect(p.dataset.firm));
  }
  legend(el, top.map((t) => ({ name: t.name, colour: t.colour })));
}

// ---------------------------------------------------------------------------
// Drawing a run

function redraw() {
  const { ban, no_ban: free } = state.runs;
  const d = ban.dates;
  $("scrubber").max = d.length - 1;
  raceChart(document.querySelector("#chart-race .plot"), ban);
  lineChart(document.querySelector("#chart-firms .plot"), d, [
    { name: "independent firms", values: ban.series.firms_alive, colour: PALETTE[0] },
    { name: "independent firms", values: free.series.firms_alive, colour: PALETTE[0], dash: true },
    { name: "labs (own model)", values: ban.series.labs, colour: PALETTE[3] },
    { name: "labs (own model)", values: free.series.labs, colour: PALETTE[3], dash: true },
  ], { rules: ban.rules, legend: true, fmt: grouped });
  lineChart(document.querySelector("#chart-hhi .plot"), d, [
    { name: "HHI", values: ban.series.hhi, colour: PALETTE[1] },
    { name: "HHI", values: free.series.hhi, colour: PALETTE[1], dash: true },
  ], { rules: ban.rules, threshold: { value: ban.hhi_threshold, label: `consolidation threshold ${grouped(ban.hhi_threshold)}` }, fmt: grouped });
  lineChart(document.querySelector("#chart-chips .plot"), d,
    ban.chips.map((c, i) => ({ name: c.name, values: c.price_musd.map((p) => (p === null ? null : p * 1000)), colour: PALETTE[i % PALETTE.length] })),
    { rules: ban.rules, legend: true, fmt: (v) => `$${v.toFixed(1)}k` });
  lineChart(document.querySelector("#chart-funding .plot"), d, [
    { name: "venture funding", values: ban.series.vc_funding_musd, colour: PALETTE[2] },
    { name: "venture funding", values: free.series.vc_funding_musd, colour: PALETTE[2], dash: true },
  ], { rules: ban.rules, fmt: money });
  summary(ban, free);
  $("command").textContent = state.runs.command;
  $("download").href = `/download?${settingsQuery()}`;
  $("report").href = `/report?${settingsQuery()}`;
  history.replaceState(null, "", `/?${settingsQuery()}`);
  showMonth();
}

// Everything that follows the cursor.
function showMonth() {
  if (!state.runs) return;
  const { ban, no_ban: free } = state.runs;
  const i = state.month;
  $("scrubber").value = i;
  $("date").textContent = ban.dates[i];
  $("month-date").textContent = ban.dates[i];
  moveCursors();
  events($("events-ban"), ban, i);
  events($("events-free"), free, i);
  race($("race-ban"), ban, i);
  race($("race-free"), free, i);
  inspector();
}

function events(ul, run, i) {
  const lines = run.story.filter((l) => l.month === i);
  ul.innerHTML = lines.length
    ? lines.map((l) => `<li><span class="when">${esc(l.date)}</span> ${esc(l.text)}</li>`).join("")
    : `<li class="quiet">Nothing notable this month.</li>`;
}

// The largest labs of the month as bars; a click inspects the firm.
function race(ol, run, i) {
  const rows = run.firms
    .filter((f) => (f.share[i] || 0) > 0)
    .sort((a, b) => b.share[i] - a.share[i])
    .slice(0, 8);
  const max = rows.length ? rows[0].share[i] : 1;
  ol.innerHTML = rows.map((f) =>
    `<li><button type="button" class="firm${f.name === state.firm ? " selected" : ""}" data-firm="${esc(f.name)}">` +
    `<span class="bar" style="width:${((100 * f.share[i]) / max).toFixed(1)}%;background:${f.colour}"></span>` +
    `<span class="name">${esc(f.name)}</span><span class="val">${pct(f.share[i])}</span></button></li>`).join("")
    || `<li class="quiet">No lab serves tokens yet.</li>`;
  for (const b of ol.querySelectorAll("button[data-firm]")) b.addEventListener("click", () => inspect(b.dataset.firm));
}

// The end of both runs, side by side.
function summary(ban, free) {
  const last = (v) => v[v.length - 1];
  const when = (r) => (r.consolidation === null ? "none" : r.dates[r.consolidation]);
  const sum = (v) => v.reduce((a, b) => a + b, 0);
  const rows = [
    ["Independent firms", grouped(last(ban.series.firms_alive)), grouped(last(free.series.firms_alive))],
    ["Labs with their own model", grouped(last(ban.series.labs)), grouped(last(free.series.labs))],
    ["HHI of the model market", grouped(last(ban.series.hhi)), grouped(last(free.series.hhi))],
    ["Share of the four largest (CR4)", pct(last(ban.series.cr4)), pct(last(free.series.cr4))],
    ["Consolidation phase from", when(ban), when(free)],
    ["Chip price index", num(last(ban.series.chip_price_index), 2), num(last(free.series.chip_price_index), 2)],
    ["Venture funding, whole run", money(sum(ban.series.vc_funding_musd)), money(sum(free.series.vc_funding_musd))],
  ];
  $("summary").innerHTML = `<thead><tr><th></th><th>with the ban</th><th>without it</th></tr></thead><tbody>` +
    rows.map((r) => `<tr><th>${esc(r[0])}</th><td>${esc(r[1])}</td><td>${esc(r[2])}</td></tr>`).join("") + "</tbody>";
}

// ---------------------------------------------------------------------------
// The firm inspector

// The lab with the largest share at the end of a run (inspected first).
function largestLab(run) {
  const last = run.dates.length - 1;
  const best = run.firms.reduce((a, f) => ((f.share[last] || 0) > ((a && a.share[last]) || 0) ? f : a), null);
  return best ? best.name : null;
}

function inspect(name) {
  state.firm = name;
  for (const p of document.querySelectorAll("[data-firm]")) p.classList.toggle("selected", p.dataset.firm === name);
  inspector();
  $("inspector").scrollIntoView({ block: "nearest" });
}

// A firm's state in month i of a run, as rows of the inspector.
function firmFacts(run, name, i) {
  const f = run.firms.find((x) => x.name === name);
  if (!f) return null;
  if (f.status[i] === null) {
    const first = f.status.findIndex((s) => s !== null);
    if (first > i) return { f, status: `not yet in the market (enters ${run.dates[first]})` };
    let j = i;
    while (j > 0 && f.status[j] === null) j--;
    const by = f.owner[j] ? ` by ${f.owner[j]}` : "";
    const gone = f.status[j] === "active" ? "left the panel after" : `${f.status[j]}${by} in`;
    return { f, status: `${gone} ${run.dates[j]}` };
  }
  const held = (f.held[i] || []).map(([c, u]) => `${run.chips[c].name} ${grouped(u)}`).join(", ");
  let status = f.status[i];
  if (f.owner[i]) status += ` (owned by ${f.owner[i]})`;
  return {
    f, status,
    rows: [
      ["cash", money(f.cash_musd[i])],
      ["chips held", `${grouped(f.chip_units[i])} (${grouped(f.compute_pflops[i])} PFLOP/s)`],
      ["chips held by model", held || "none"],
      ["researchers", grouped(f.researchers[i])],
      ["capability", `${num(f.capability[i], 2)} points`],
      ["share of the model market", pct(f.share[i])],
    ],
  };
}

function inspector() {
  const body = $("inspector-body");
  if (!state.firm || !state.runs) return;
  const { ban, no_ban: free } = state.runs;
  const i = state.month, name = state.firm;
  const a = firmFacts(ban, name, i), b = firmFacts(free, name, i);
  const f = (a || b).f;
  const col = (x) => (x ? `<td>${esc(x.status)}</td>` : "<td>not in this run</td>");
  let h = `<h3 id="inspected"><i class="dot" style="background:${f.colour}"></i>${esc(name)} <span class="unit">${esc(f.tier)}, ${esc(ban.dates[i])}</span></h3>`;
  h += `<table class="facts"><thead><tr><th></th><th>with the ban</th><th>without it</th></tr></thead><tbody>`;
  h += `<tr><th>status</th>${col(a)}${col(b)}</tr>`;
  const labels = (a && a.rows) || (b && b.rows) || [];
  labels.forEach((r, k) => {
    h += `<tr><th>${esc(r[0])}</th><td>${a && a.rows ? esc(a.rows[k][1]) : "—"}</td><td>${b && b.rows ? esc(b.rows[k][1]) : "—"}</td></tr>`;
  });
  h += "</tbody></table>";
  // The story's sentences that name the firm (a whole name: "Startup 1" is not "Startup 12").
  const named = new RegExp(`(^|[^\\w])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w])`);
  const mine = ban.story.filter((l) => named.test(l.text)).map((l) => [l.month, l.date, l.text]);
  for (const e of ban.notable) {
    if (e.actor === name || e.target === name) {
      const who = e.actor === name ? e.target : e.actor;
      mine.push([e.month, e.date, `${e.kind}${who ? " — " + who : ""}${e.amount_musd > 0 ? ", " + money(e.amount_musd) : ""}${e.detail ? " (" + e.detail + ")" : ""}`]);
    }
  }
  mine.sort((x, y) => x[0] - y[0]);
  h += `<h4>Its events (with the ban)</h4><ul class="events firm-events">` +
    (mine.map((m) => `<li class="${m[0] > i ? "later" : ""}"><span class="when">${esc(m[1])}</span> ${esc(m[2])}</li>`).join("") || `<li class="quiet">No notable event.</li>`) + "</ul>";
  body.innerHTML = h;
}

// ---------------------------------------------------------------------------
// The player

function setMonth(i) {
  if (!state.runs) return;
  const n = state.runs.ban.dates.length;
  state.month = Math.max(0, Math.min(n - 1, i));
  showMonth();
}
function play() {
  if (!state.runs || state.player) return;
  if (state.month >= state.runs.ban.dates.length - 1) setMonth(0);
  $("play").textContent = "❚❚ Pause";
  state.player = setInterval(() => {
    if (state.month >= state.runs.ban.dates.length - 1) pause();
    else setMonth(state.month + 1);
  }, PLAY_MS);
}
function pause() {
  clearInterval(state.player);
  state.player = null;
  $("play").textContent = "▶ Play";
}

// ---------------------------------------------------------------------------
// Start

async function start() {
  const r = await call("/api/world");
  if (!r) return;
  const world = await r.json();
  state.world = world;
  $("title").textContent = `World “${world.world}”`;
  $("description").textContent = world.description;
  $("restart").textContent = world.restart;
  document.title = `chipban explore: ${world.world}`;
  $("seed").value = world.seed;
  $("extra").value = world.extra.join("\n");
  // Settings in the address (a link from a report, a reload) win.
  const q = new URLSearchParams(location.search).get("s");
  if (q) {
    try {
      const s = JSON.parse(q);
      Object.assign(state.values, s.controls || {});
      if (s.seed !== undefined) $("seed").value = s.seed;
      if (Number.isInteger(s.month)) state.month = s.month;
      if (typeof s.firm === "string") state.firm = s.firm;
      if (Array.isArray(s.extra)) $("extra").value = s.extra.join("\n");
    } catch (e) {
      setStatus("The settings in the address could not be read; starting from the world's own.");
    }
  }
  buildControls(world);
  $("seed").addEventListener("input", changed);
  $("extra").addEventListener("input", changed);
  $("new-seed").addEventListener("click", () => {
    $("seed").value = Math.floor(Math.random() * 1e6);
    changed();
  });
  $("scrubber").addEventListener("input", (e) => { pause(); setMonth(Number(e.target.value)); });
  $("play").addEventListener("click", () => (state.player ? pause() : play()));
  $("step").addEventListener("click", () => { pause(); setMonth(state.month + 1); });
  $("back").addEventListener("click", () => { pause(); setMonth(state.month - 1); });
  document.addEventListener("keydown", (e) => {
    if (e.target.closest && e.target.closest("input, textarea, select")) return;
    if (e.key === " ") { e.preventDefault(); state.player ? pause() : play(); }
    if (e.key === "ArrowRight") { pause(); setMonth(state.month + 1); }
    if (e.key === "ArrowLeft") { pause(); setMonth(state.month - 1); }
  });
  changed();
  setTimeout(heartbeat, 2000);
}

start();
