// tunelab serve's page: the studies in a store, one study, one trial, and
// studies compared, drawn from the JSON API and kept up to date by polling.
// Every name and value from the store is set as text (textContent), never as
// markup.
"use strict";

const page = document.getElementById("page");
const live = document.getElementById("live");
let generation = 0;  // a page left stops its polls
let timer = null;
// How the trials table is sorted and filtered, kept across redraws.
const tableView = { column: "number", descending: false, state: "" };

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === "text") node.textContent = value;
    else if (key === "on") for (const [event, f] of Object.entries(value)) node.addEventListener(event, f);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function svgEl(tag, props) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  return node;
}

async function getJSON(path, params) {
  const url = path + (params ? "?" + new URLSearchParams(params).toString() : "");
  const response = await fetch(url, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function shown(v) {
  if (v === null || v === undefined || v === "") return "–";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(5)));
  return typeof v === "string" ? v : JSON.stringify(v);
}

// The charts on the page now: uPlot listens on the window, so a chart the
// page replaces is destroyed, or hours of redraws would pile them up.
let plots = [];
function plot(options, data, box) { plots.push(new uPlot(options, data, box)); }
function clearPlots() { for (const p of plots) p.destroy(); plots = []; }

function studyLink(name) { return "#/study/" + encodeURIComponent(name); }

function showError(error) {
  page.replaceChildren(el("p", { class: "error", text: String(error.message || error) }));
}

function poll(gen, f, ms) {
  if (gen !== generation) return;
  timer = setTimeout(async () => {
    if (gen !== generation) return;
    try { await f(); live.textContent = "live, " + new Date().toLocaleTimeString(); }
    catch (e) { live.textContent = "store not answering: " + e.message; }
    poll(gen, f, ms);
  }, ms);
}

// Draws once, then asks /api/progress (`params`: a study's, or none for the
// whole store) each second and draws again only when it moved.
async function watch(gen, params, draw) {
  let seen = null;
  const check = async () => {
    const progress = JSON.stringify(await getJSON("/api/progress", params));
    if (progress !== seen && gen === generation) { seen = progress; await draw(); }
  };
  await check();
  poll(gen, check, 1000);
}

// ---- The studies ----

async function studiesPage(gen) {
  const draw = async () => {
    const studies = await getJSON("/api/studies");
    if (gen !== generation) return;
    const picked = new Set([...page.querySelectorAll("input[data-study]:checked")].map((c) => c.dataset.study));
    const table = el("table", { id: "studies-table" },
      el("tr", {}, ...["", "study", "trials", "complete", "pruned", "failed", "running", "objectives", "best", "sampler",
        "created", "last finished"].map((h) => el("th", { class: "text", text: h }))));
    for (const s of studies) {
      const box = el("input", { type: "checkbox", "data-study": s.name });
      box.checked = picked.has(s.name);
      const objectives = s.objectives.map((o) => o.metric + " (" + o.direction.slice(0, 3) + ")").join(", ");
      table.append(el("tr", {},
        el("td", {}, box),
        el("td", { class: "text" }, el("a", { href: studyLink(s.name), text: s.name })),
        el("td", { text: s.trials + " / " + s.trials_wanted }), el("td", { text: s.complete }),
        el("td", { text: s.pruned }), el("td", { text: s.failed }),
        el("td", { class: s.running ? "state-RUNNING" : "", text: s.running ? s.running + " now" : "0" }),
        el("td", { class: "text", text: objectives }),
        el("td", { text: shown(s.best_value) + (s.best_number === null ? "" : " (trial " + s.best_number + ")") }),
        el("td", { class: "text", text: s.sampler }), el("td", { class: "text", text: s.created_at }),
        el("td", { class: "text", text: s.last_finished })));
    }
    const compare = el("button", { text: "compare the checked studies", on: { click: () => {
      const names = [...page.querySelectorAll("input[data-study]:checked")].map((c) => c.dataset.study);
      if (names.length >= 2) location.hash = "#/compare/" + names.map(encodeURIComponent).join("/");
    } } });
    page.replaceChildren(el("h1", { text: "Studies" }), table, el("p", {}, compare));
  };
  await watch(gen, undefined, draw);
}

// ---- One study ----

function bestSoFar(values, maximize) {
  let best = null;
  return values.map((v) => {
    if (v !== null && (best === null || (maximize ? v > best : v < best))) best = v;
    return best;
  });
}

function historyPlot(study) {
  const maximize = study.objectives[0].direction === "maximize";
  const done = study.trials.filter((t) => t.state === "COMPLETE" && t.value !== null);
  const xs = done.map((t) => t.number), ys = done.map((t) => t.value);
  const positive = ys.length > 0 && ys.every((v) => v > 0);
  const log = positive && Math.max(...ys) / Math.min(...ys) >= 100;
  const box = el("div", { id: "history-plot", class: "panel" }, el("h2", { text: "Optimisation history" + (log ? " (log axis)" : "") }));
  if (xs.length === 0) { box.append(el("p", { class: "note", text: "no complete trial yet" })); return box; }
  plot({
    width: 560, height: 280,
    scales: { x: { time: false }, y: { distr: log ? 3 : 1 } },
    series: [{ label: "trial" },
      { label: study.objectives[0].metric, stroke: "rgba(0,0,0,0)", points: { show: true, size: 6, fill: "#4a7db5" } },
      { label: "best so far", stroke: "#d9534f", width: 2 }],
    axes: [{ label: "trial", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] },
      { label: study.objectives[0].metric }],
  }, [xs, ys, bestSoFar(done.map((t) => (t.feasible === false ? null : t.value)), maximize)], box);
  return box;
}

function curvesPlot(study, curves) {
  const box = el("div", { id: "curves-plot", class: "panel" }, el("h2", { text: "Learning curves (validation loss)" }));
  const numbers = Object.keys(curves).map(Number).sort((a, b) => a - b);
  const longest = Math.max(0, ...numbers.map((n) => curves[n].length));
  if (longest === 0) { box.append(el("p", { class: "note", text: "no epoch recorded yet" })); return box; }
  const epochs = Array.from({ length: longest }, (_, i) => i + 1);
  const colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  const series = [{ label: "epoch" }], data = [epochs];
  numbers.forEach((n, i) => {
    const trial = study.trials.find((t) => t.number === n);
    const state = trial ? trial.state : "";
    series.push({ label: "trial " + n + (state === "COMPLETE" ? "" : " (" + state.toLowerCase() + ")"),
      stroke: colours[i % colours.length], dash: state === "PRUNED" ? [6, 4] : undefined, width: state === "RUNNING" ? 2 : 1 });
    data.push(epochs.map((e) => { const row = curves[n][e - 1]; return row ? row.val_loss : null; }));
  });
  plot({ width: 560, height: 280, scales: { x: { time: false } }, series, axes: [{ label: "epoch" }, { label: "val_loss" }] }, data, box);
  return box;
}

// Each param's values (and the metric's) on an axis of its own, one line per
// complete trial, the better trials darker.
function parallelPlot(study) {
  const box = el("div", { id: "parallel-plot", class: "panel" }, el("h2", { text: "Params against " + study.objectives[0].metric }));
  const done = study.trials.filter((t) => t.state === "COMPLETE" && t.value !== null);
  if (done.length < 2 || study.params.length === 0) { box.append(el("p", { class: "note", text: "needs two complete trials over a space" })); return box; }
  const axes = study.params.map((p) => ({ name: p, get: (t) => t.params[p] }))
    .concat([{ name: study.objectives[0].metric, get: (t) => t.value }]);
  const width = Math.max(560, 120 * axes.length), height = 280, top = 30, bottom = 20;
  const svg = svgEl("svg", { width, height });
  const scale = axes.map((a) => {
    const values = done.map(a.get);
    if (values.every((v) => typeof v === "number")) {
      const lo = Math.min(...values), hi = Math.max(...values);
      const log = lo > 0 && hi / lo >= 100;
      const f = log ? Math.log : (v) => v;
      return { at: (v) => (hi === lo ? 0.5 : (f(v) - f(lo)) / (f(hi) - f(lo))), ticks: [lo, hi] };
    }
    const levels = [...new Set(values.map((v) => JSON.stringify(v)))].sort();
    return { at: (v) => (levels.length < 2 ? 0.5 : levels.indexOf(JSON.stringify(v)) / (levels.length - 1)), ticks: levels };
  });
  const x = (i) => 40 + i * (width - 80) / Math.max(1, axes.length - 1);
  const y = (u) => top + (1 - u) * (height - top - bottom);
  const maximize = study.objectives[0].direction === "maximize";
  const ranked = [...done].sort((a, b) => (maximize ? b.value - a.value : a.value - b.value));
  ranked.reverse().forEach((t, rank) => {
    const shade = 0.15 + 0.85 * (rank + 1) / ranked.length;
    const points = axes.map((a, i) => x(i) + "," + y(scale[i].at(a.get(t)))).join(" ");
    svg.append(svgEl("polyline", { points, fill: "none", stroke: "rgba(36,66,95," + shade.toFixed(2) + ")" }));
  });
  axes.forEach((a, i) => {
    svg.append(svgEl("line", { x1: x(i), x2: x(i), y1: top, y2: height - bottom, stroke: "#999" }));
    svg.append(svgEl("text", { x: x(i), y: 14, "text-anchor": "middle", "font-size": 11, text: a.name }));
  });
  box.append(svg);
  return box;
}

function importancePanel(study) {
  const box = el("div", { id: "importance", class: "panel" }, el("h2", { text: "Param importance (fANOVA)" }));
  const imp = study.importance;
  if (imp.params.length === 0) { box.append(el("p", { class: "note", text: imp.note || "none yet" })); return box; }
  const table = el("table", {});
  for (const p of imp.params)
    table.append(el("tr", {}, el("td", { class: "text", text: p.path }), el("td", { text: shown(p.importance) }),
      el("td", { class: "text" }, el("span", { class: "bar", style: "width:" + Math.round(200 * (p.importance || 0)) + "px" }))));
  box.append(table, el("p", { class: "note", text: imp.caveat || "from " + imp.trials + " complete trials" }));
  return box;
}

function frontPlot(study) {
  if (study.objectives.length < 2) return null;
  const box = el("div", { id: "front-plot", class: "panel" }, el("h2", { text: "Pareto front" }));
  const done = study.trials.filter((t) => t.state === "COMPLETE" && t.values.length >= 2 && t.values[0] !== null && t.values[1] !== null);
  if (done.length === 0) { box.append(el("p", { class: "note", text: "no complete trial yet" })); return box; }
  const w = 560, h = 280, m = 40;
  const xs = done.map((t) => t.values[0]), ys = done.map((t) => t.values[1]);
  const sx = (v) => m + (v - Math.min(...xs)) / ((Math.max(...xs) - Math.min(...xs)) || 1) * (w - 2 * m);
  const sy = (v) => h - m - (v - Math.min(...ys)) / ((Math.max(...ys) - Math.min(...ys)) || 1) * (h - 2 * m);
  const svg = svgEl("svg", { width: w, height: h });
  for (const t of done) {
    const onFront = study.front.includes(t.number);
    const dot = svgEl("circle", { cx: sx(t.values[0]), cy: sy(t.values[1]), r: onFront ? 5 : 3, fill: onFront ? "#d9534f" : "#999" });
    dot.append(svgEl("title", { text: "trial " + t.number }));
    svg.append(dot);
  }
  svg.append(svgEl("text", { x: w / 2, y: h - 8, "text-anchor": "middle", "font-size": 11, text: study.objectives[0].metric }));
  svg.append(svgEl("text", { x: 4, y: 14, "font-size": 11, text: study.objectives[1].metric }));
  box.append(svg);
  return box;
}

function trialsTable(study) {
  const metrics = [...new Set(study.trials.flatMap((t) => Object.keys(t.metrics)))].sort();
  const bounded = study.trials.some((t) => t.feasible !== null && t.feasible !== undefined);
  const columns = [["number", (t) => t.number], ["state", (t) => t.state]]
    .concat(bounded ? [["feasible", (t) => t.feasible]] : [])
    .concat(study.objectives.map((o, i) => [o.metric, (t) => (t.values.length ? t.values[i] : i === 0 ? t.value : null)]))
    .concat(metrics.filter((m) => !study.objectives.some((o) => o.metric === m)).map((m) => [m, (t) => t.metrics[m]]))
    .concat(study.params.map((p) => [p, (t) => t.params[p]]))
    .concat([["epochs", (t) => t.epochs_run], ["seconds", (t) => t.duration_s]]);
  const filter = el("select", { id: "state-filter", on: { change: (e) => { tableView.state = e.target.value; redrawTable(); } } },
    ...["", "COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING"].map((s) => el("option", { value: s, text: s || "every state" })));
  filter.value = tableView.state;
  const holder = el("div", { class: "scroll" });
  const redrawTable = () => {
    const get = (columns.find((c) => c[0] === tableView.column) || columns[0])[1];
    const rows = study.trials.filter((t) => !tableView.state || t.state === tableView.state).sort((a, b) => {
      const x = get(a), y = get(b);
      if (x === y) return a.number - b.number;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * (tableView.descending ? -1 : 1);
    });
    const table = el("table", { id: "trials-table" }, el("tr", {}, ...columns.map(([name]) => el("th", {
      class: "text", text: name + (name === tableView.column ? (tableView.descending ? " ▼" : " ▲") : ""),
      on: { click: () => { tableView.descending = tableView.column === name ? !tableView.descending : false; tableView.column = name; redrawTable(); } },
    }))));
    for (const t of rows)
      table.append(el("tr", { class: "click" + (t.number === study.best_number ? " best" : ""), "data-trial": t.number,
        on: { click: () => { location.hash = studyLink(study.name) + "/trial/" + t.number; } } },
      ...columns.map(([name, f]) => el("td", { class: name === "state" ? "text state-" + t.state : "", text: shown(f(t)) }))));
    holder.replaceChildren(table);
  };
  redrawTable();
  return el("div", {}, el("h2", { text: "Trials" }), el("p", {}, filter), holder);
}

async function drawStudy(name, gen) {
  const study = await getJSON("/api/study", { name });
  const maximize = study.objectives[0].direction === "maximize";
  const done = study.trials.filter((t) => t.state === "COMPLETE" && t.value !== null)
    .sort((a, b) => (maximize ? b.value - a.value : a.value - b.value));
  const shownCurves = done.slice(0, 5).map((t) => t.number)
    .concat(study.trials.filter((t) => t.state === "RUNNING" || t.state === "PRUNED").slice(-5).map((t) => t.number));
  const curves = shownCurves.length ? await getJSON("/api/curves", { study: name, trials: shownCurves.join(",") }) : {};
  if (gen !== generation) return;
  clearPlots();
  const counts = {};
  for (const t of study.trials) counts[t.state] = (counts[t.state] || 0) + 1;
  page.replaceChildren(
    el("h1", { text: study.name }),
    el("p", { class: "note", text: study.objectives.map((o) => o.metric + " (" + o.direction + ")").join(", ") +
      ", sampler " + study.sampler + ", pruner " + study.pruner + ", seed " + study.seed + ": " +
      Object.entries(counts).map(([s, n]) => n + " " + s.toLowerCase()).join(", ") + " of " + study.trials_wanted }),
    el("div", { class: "grid" }, historyPlot(study), curvesPlot(study, curves), frontPlot(study), parallelPlot(study), importancePanel(study)),
    trialsTable(study),
    el("h2", { text: "Experiment file" }), el("pre", { id: "experiment", text: study.experiment }));
  document.body.dataset.trials = String(study.trials.length);
  document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
}

async function studyPage(name, gen) {
  await watch(gen, { study: name }, () => drawStudy(name, gen));
}

// ---- One trial ----

async function trialPage(name, number, gen) {
  const t = await getJSON("/api/trial", { study: name, number });
  if (gen !== generation) return;
  const facts = el("table", { id: "trial-facts" });
  const add = (k, v) => facts.append(el("tr", {}, el("td", { class: "text", text: k }), el("td", { class: "text", text: shown(v) })));
  add("state", t.state); add("value", t.value); add("seed", t.record.seed);
  for (const [k, v] of Object.entries(t.params)) add(k, v);
  for (const [k, v] of Object.entries(t.metrics)) add(k, v);
  add("kept epoch", t.best_epoch); add("epochs run", t.epochs_run);
  add("weights", t.record.weights); add("started", t.started_at); add("finished", t.finished_at);
  if (t.error) add("error", t.error);
  const curve = el("div", { id: "trial-curve", class: "panel" });
  if (t.curve.length) {
    plot({ width: 560, height: 280, scales: { x: { time: false } },
      series: [{ label: "epoch" }, { label: "train_loss", stroke: "#1f77b4" }, { label: "val_loss", stroke: "#d62728" }],
      axes: [{ label: "epoch" }, { label: "loss" }] },
    [t.curve.map((e) => e.epoch), t.curve.map((e) => e.train_loss), t.curve.map((e) => e.val_loss)], curve);
  }
  const provenance = el("table", {}, el("tr", {}, ...["tunelab", "commit", "libtorch", "device", "host", "data"].map((h) => el("th", { class: "text", text: h }))));
  for (const p of t.provenance)
    provenance.append(el("tr", {}, ...[p.tunelab, p.commit, p.libtorch, p.device, p.host, p.dataset_digest].map((v) => el("td", { class: "text", text: shown(v) }))));
  page.replaceChildren(el("h1", {}, el("a", { href: studyLink(name), text: name }), document.createTextNode(", trial " + number)),
    el("div", { class: "grid" }, facts, curve), el("h2", { text: "Provenance" }), provenance);
}

// ---- Studies compared ----

async function comparePage(names, gen) {
  const params = new URLSearchParams();
  for (const n of names) params.append("study", n);
  const response = await fetch("/api/compare?" + params.toString(), { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error);
  if (gen !== generation) return;
  const table = el("table", { id: "compare-table" }, el("tr", {}, ...body.columns.map((c) => el("th", { class: "text", text: c }))));
  for (const row of body.rows) table.append(el("tr", {}, ...row.map((c) => el("td", { class: "text", text: shown(c) }))));
  page.replaceChildren(el("h1", { text: "Compared: " + names.join(", ") }), table);
}

function route() {
  generation += 1;
  clearTimeout(timer);
  clearPlots();
  const gen = generation;
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  let shown;
  if (parts[0] === "study" && parts.length >= 4 && parts[2] === "trial") shown = trialPage(parts[1], Number(parts[3]), gen);
  else if (parts[0] === "study" && parts.length >= 2) shown = studyPage(parts[1], gen);
  else if (parts[0] === "compare") shown = comparePage(parts.slice(1), gen);
  else shown = studiesPage(gen);
  shown.catch(showError);
}

window.addEventListener("hashchange", route);
route();
