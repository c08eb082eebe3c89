#include "hypasis/serve/dashboard.hpp"

namespace hypasis::serve {
namespace {

// One page, no external assets. The script reads /api/v1/status and /api/v1/gaps every 2 s; every value it shows
// is set with textContent (never innerHTML), so nothing from the API is parsed as markup.
constexpr std::string_view kPage = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hypasis</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#0f1419;color:#d8dee9}
header{padding:12px 20px;background:#1b2330;display:flex;gap:24px;align-items:baseline;flex-wrap:wrap}
h1{font-size:18px;margin:0}
main{padding:16px 20px;max-width:1100px}
section{background:#1b2330;border-radius:6px;padding:12px 16px;margin-bottom:14px}
h2{font-size:15px;margin:0 0 8px}
.bar{height:16px;background:#2e3440;border-radius:3px;overflow:hidden;position:relative}
.fill{height:100%;background:#5e81ac;width:0}
.fill.bw{background:#a3be8c}
.row{display:flex;gap:18px;flex-wrap:wrap;margin-top:6px;color:#aab4c3}
.row b{color:#eceff4;font-weight:600}
.map{height:22px;background:#3b4d3b;border-radius:3px;position:relative;overflow:hidden;margin:4px 0 10px}
.gap{position:absolute;top:0;bottom:0;background:#bf616a;min-width:1px}
.ok{color:#a3be8c}.bad{color:#bf616a}.muted{color:#7b8698}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:2px 8px 2px 0}
</style>
</head>
<body>
<header><h1>Hypasis</h1><span id="phase" class="muted">connecting&hellip;</span><span id="tip"></span>
<span id="peers"></span><span id="updated" class="muted"></span></header>
<main>
<section><h2>Forward (tip)</h2><div class="bar"><div id="f-fill" class="fill"></div></div>
<div class="row" id="f-row"></div></section>
<section><h2>Backward (history) <span id="paused" class="bad"></span></h2>
<div class="bar"><div id="b-fill" class="fill bw"></div></div><div class="row" id="b-row"></div></section>
<section><h2>Gap map</h2><div id="maps" class="muted">no data</div></section>
<section><h2>Gaps, newest first</h2><table><thead><tr><th>kind</th><th>range</th><th>blocks</th><th>ETA</th></tr>
</thead><tbody id="gap-rows"></tbody></table></section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
function num(x) { return x === null || x === undefined ? "-" : Number(x).toLocaleString("en-US"); }
function rate(x, unit) { return x === null || x === undefined ? "-" : (x >= 100 ? x.toFixed(0) : x.toFixed(1)) + " " + unit; }
function bytes(x) {
  if (x === null || x === undefined) return "-";
  const u = ["B", "kB", "MB", "GB", "TB"]; let i = 0;
  while (x >= 1000 && i < u.length - 1) { x /= 1000; i++; }
  return x.toFixed(i ? 1 : 0) + " " + u[i];
}
function eta(s) {
  if (s === null || s === undefined) return "-";
  s = Math.round(s); const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
  return h ? h + "h" + String(m).padStart(2, "0") + "m" : m ? m + "m" + String(r).padStart(2, "0") + "s" : r + "s";
}
function cells(row, pairs) {
  row.replaceChildren();
  for (const [k, v] of pairs) {
    const span = document.createElement("span"); span.append(k + " ");
    const b = document.createElement("b"); b.textContent = v; span.append(b); row.append(span);
  }
}
function direction(prefix, d) {
  $(prefix + "-fill").style.width = (d.progress === null ? 0 : Math.min(1, d.progress) * 100).toFixed(2) + "%";
  cells($(prefix + "-row"), [["state", d.state], ["block", num(d.height)], ["target", num(d.target)],
    ["progress", d.progress === null ? "-" : (d.progress * 100).toFixed(2) + "%"], ["remaining", num(d.remaining)],
    ["rate", rate(d.blocksPerSecond, "blocks/s")], ["download", bytes(d.bytesPerSecond) + "/s"],
    ["ETA", eta(d.etaSeconds)], ["budget used", bytes(d.budget.bandwidth.used)],
    ["borrowed", bytes(d.budget.bandwidth.borrowed)]]);
}
let span = null;
function drawStatus(s) {
  const p = $("phase"); p.textContent = s.phase + (s.ready ? " · ready" : " · not ready") + (s.error ? " · " + s.error : "");
  p.className = s.ready ? "ok" : "bad";
  $("tip").textContent = s.tip ? "tip " + num(s.tip.number) + " · lag " + num(s.tipLag.blocks) + " blocks, " +
    s.tipLag.seconds.toFixed(0) + " s" : "tip unknown";
  $("peers").textContent = s.peers ? "peers " + s.peers.connected + " · banned " + s.peers.banned : "";
  $("paused").textContent = s.backwardPaused ? "(paused)" : "";
  direction("f", s.forward); direction("b", s.backward);
  const top = s.forward.height !== null ? s.forward.height + 1 : (s.anchor ? s.anchor.number + 1 : null);
  span = top === null ? null : { first: s.backward.target === null ? 0 : s.backward.target, end: top };
}
function drawGaps(g) {
  const maps = $("maps"), rows = $("gap-rows"); maps.replaceChildren(); rows.replaceChildren();
  for (const kind of ["headers", "bodies", "receipts"]) {
    const k = g[kind]; if (!k) continue;
    const label = document.createElement("div");
    label.textContent = kind + ": " + num(k.count) + " gaps, " + num(k.blocks) + " blocks missing" +
      (k.truncated ? " (newest " + k.gaps.length + " shown)" : "");
    const map = document.createElement("div"); map.className = "map";
    if (span && span.end > span.first) {
      const w = span.end - span.first;
      for (const gap of k.gaps) {
        const d = document.createElement("div"); d.className = "gap";
        d.style.left = (Math.max(0, gap.first - span.first) / w * 100) + "%";
        d.style.width = (Math.max(0, Math.min(gap.end, span.end) - Math.max(gap.first, span.first)) / w * 100) + "%";
        d.title = "[" + gap.first + ", " + gap.end + ")"; map.append(d);
      }
    }
    maps.append(label, map);
    for (const gap of k.gaps.slice(0, 20)) {
      const tr = document.createElement("tr");
      for (const v of [kind, "[" + num(gap.first) + ", " + num(gap.end) + ")", num(gap.size), eta(gap.etaSeconds)]) {
        const td = document.createElement("td"); td.textContent = v; tr.append(td);
      }
      rows.append(tr);
    }
  }
}
async function poll() {
  try {
    const s = await fetch("/api/v1/status", { cache: "no-store" });
    if (s.ok) drawStatus(await s.json());
    const g = await fetch("/api/v1/gaps", { cache: "no-store" });
    if (g.ok) drawGaps(await g.json());
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    $("phase").textContent = "API unreachable"; $("phase").className = "bad";
  }
  setTimeout(poll, 2000);
}
poll();
</script>
</body>
</html>
)HTML";

}  // namespace

std::string_view dashboard_html() noexcept { return kPage; }

}  // namespace hypasis::serve
