#!/usr/bin/env python3
"""The HTML report in a real browser (headless Chromium).

Renders the report of the bundled samples (plus a broken and a skipped file) and of a
generated run of at least 20,000 figures, checks the DOM after the page's own script ran
(pivot rows, highlighted quotes, chart bars, filters worked through scripted clicks, the
failed and skipped lists), measures how long the page takes to be ready, and saves
screenshots for a person to look at.

    tests/browser/report.py [--bin target/release/chiso] [--out target/browser]

Needs Chromium (Debian's `chromium`); `.ci/browser.sh` installs it and runs this. Exits 1 on
any failed check, with what was found.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars"]
LOAD_BUDGET_MS = 2000

# Runs inside the page after the report's own script: drives the controls as a user would and
# writes what it saw into <pre id="chiso-test">.
PROBE = r"""
<script>
(function () {
  var out = {}, $ = function (id) { return document.getElementById(id); };
  var data = JSON.parse($('chiso-data').textContent);
  function n(sel) { return document.querySelectorAll(sel).length; }
  function count() { return parseInt($('f-count').textContent, 10); }
  function change(id, value, type) {
    var el = $(id); el.value = value; el.dispatchEvent(new Event(type || 'change', { bubbles: true }));
  }
  out.ready_ms = parseInt(document.documentElement.getAttribute('data-ready'), 10);
  out.figures_in_data = data.figures.length;
  out.shown = count();
  out.pivot_rows = n('#pivot tbody tr');
  out.pivot_cells = n('#pivot a.cell');
  out.chart_svgs = n('svg.chart');
  out.chart_bars = n('svg.chart rect.bar');
  out.cards = n('#figures article.fig');
  out.marks = n('#figures article.fig blockquote mark');
  out.marks_match = Array.prototype.every.call(
    document.querySelectorAll('#figures article.fig'), function (a) {
      var k = parseInt(a.id.slice(4), 10), m = a.querySelector('blockquote mark');
      return m && m.textContent === data.figures[k].w;
    });
  out.in_paragraph = Array.prototype.filter.call(
    document.querySelectorAll('#figures article.fig blockquote'), function (b) {
      var m = b.querySelector('mark');
      return m && !b.querySelector('.note') && b.textContent.trim().length > m.textContent.length;
    }).length;
  out.failed = n('#failed li');
  out.skipped = n('#skipped li');
  out.settings = n('#settings tr');
  // The more button shows the next page.
  if (!$('more').hidden) { $('more').click(); out.cards_after_more = n('#figures article.fig'); }
  // Filter by the indicator with the most figures.
  var per = {};
  data.figures.forEach(function (f) { per[f.i] = (per[f.i] || 0) + 1; });
  var top = Object.keys(per).sort(function (a, b) { return per[b] - per[a]; })[0];
  change('f-indicator', top);
  out.indicator = top;
  out.indicator_expected = per[top];
  out.indicator_shown = count();
  out.indicator_cards_all_match = Array.prototype.every.call(
    document.querySelectorAll('#figures article.fig .ind'), function (s) {
      return s.textContent === (data.indicators[top] || { label: top }).label;
    });
  out.indicator_charts = n('svg.chart');
  // A pivot cell leads to exactly its figures.
  var cell = document.querySelector('#pivot a.cell');
  out.cell_number = parseInt(cell.textContent, 10);
  cell.click();
  out.cell_shown = count();
  out.cell_cards = n('#figures article.fig');
  // Clear, then a year, then the confidence floor, then text search (accents optional).
  $('f-clear').click();
  out.cleared = count();
  var years = Array.prototype.map.call($('f-year').options, function (o) { return o.value; })
    .filter(function (v) { return v && v !== '-'; });
  change('f-year', years[0]);
  out.year = years[0];
  out.year_expected = data.figures.filter(function (f) {
    var y = f.pt != null ? f.pt : f.pf; return String(y) === years[0];
  }).length;
  out.year_shown = count();
  $('f-clear').click();
  change('f-confidence', '0.85');
  out.confidence_expected = data.figures.filter(function (f) { return f.c >= 0.85; }).length;
  out.confidence_shown = count();
  $('f-clear').click();
  change('f-search', 'dang vien moi', 'input');
  out.search_shown = count();
  out.search_cards_match = Array.prototype.every.call(
    document.querySelectorAll('#figures article.fig'), function (a) {
      return a.textContent.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd')
        .toLowerCase().indexOf('dang vien moi') >= 0;
    });
  $('f-clear').click();
  out.final = count();
  var pre = document.createElement('pre'); pre.id = 'chiso-test';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("no Chromium found (apt-get install chromium); .ci/browser.sh installs it")


def browser(args, profile):
    return [chromium(), *FLAGS, f"--user-data-dir={profile}", *args]


def probe(html, profile):
    """The report with the probe appended, loaded in Chromium; what the probe saw."""
    with open(html, encoding="utf-8") as f:
        page = f.read()
    tested = html[:-5] + ".probe.html"
    with open(tested, "w", encoding="utf-8") as f:
        f.write(page.replace("</body>", PROBE + "</body>"))
    dom = subprocess.run(browser(["--dump-dom", "file://" + tested], profile),
                         capture_output=True, text=True, timeout=300).stdout
    os.remove(tested)
    m = re.search(r'<pre id="chiso-test">(.*?)</pre>', dom, re.S)
    if not m:
        sys.exit(f"{html}: the probe left no result; the page's script failed?\n{dom[-2000:]}")
    return json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&")
                      .replace("&lt;", "<").replace("&gt;", ">"))


def screenshot(html, png, profile, height=2400, hide=(), script=""):
    """A screenshot of the page's top; `hide` sections (CSS ids) are left out so that what
    lies below them comes into view, and `script` runs after the page's own."""
    shot = html
    if hide or script:
        with open(html, encoding="utf-8") as f:
            page = f.read()
        style = "<style>" + "".join(f"#{h}{{display:none}}" for h in hide) + "</style>"
        page = page.replace("</head>", style + "</head>", 1)
        if script:
            page = page.replace("</body>", f"<script>{script}</script></body>")
        shot = png[:-4] + ".shot.html"
        with open(shot, "w", encoding="utf-8") as f:
            f.write(page)
    subprocess.run(browser([f"--screenshot={png}", f"--window-size=1400,{height}",
                            "file://" + shot], profile),
                   capture_output=True, timeout=300, check=True)
    if shot != html:
        os.remove(shot)
    if not os.path.getsize(png):
        sys.exit(f"{png}: empty screenshot")


def chiso(binary, *args):
    run = subprocess.run([binary, *args], capture_output=True, text=True, cwd=ROOT)
    if run.returncode not in (0, 1):
        sys.exit(f"chiso {' '.join(args)} exited {run.returncode}:\n{run.stderr}")
    return run


# A generated corpus with many figures: our own sentences, districts from several provinces.
DISTRICTS = {
    "Bắc Giang": ["Lạng Giang", "Yên Thế", "Lục Nam", "Tân Yên", "Hiệp Hòa", "Lục Ngạn", "Sơn Động"],
    "Nghệ An": ["Diễn Châu", "Quỳnh Lưu", "Yên Thành", "Nghi Lộc", "Đô Lương", "Thanh Chương"],
    "Hà Giang": ["Bắc Mê", "Vị Xuyên", "Quản Bạ", "Yên Minh", "Đồng Văn"],
    "Thái Bình": ["Kiến Xương", "Tiền Hải", "Vũ Thư", "Đông Hưng", "Quỳnh Phụ"],
}
SENTENCES = [
    "Năm {y}, Đảng bộ huyện {d} kết nạp {n} đảng viên mới.",
    "Trong năm {y}, huyện {d} thành lập mới {k} tổ chức đảng trong doanh nghiệp ngoài khu vực nhà nước.",
    "Năm {y}, tỷ lệ trưởng thôn là đảng viên của huyện {d} đạt {p}%.",
    "Năm {y}, huyện {d} có thêm {k} xã đạt chuẩn nông thôn mới.",
    "Năm {y}, huyện {d} kết nạp được {n} quần chúng ưu tú vào Đảng.",
]


def corpus(path, documents, seed=7):
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(documents):
            province = rnd.choice(sorted(DISTRICTS))
            district = rnd.choice(DISTRICTS[province])
            lines = [f"Huyện {district} ({province}) tổng kết công tác xây dựng Đảng"]
            for _ in range(3):
                for s in SENTENCES:
                    lines.append(s.format(y=rnd.randint(2016, 2024), d=district,
                                          n=rnd.randint(20, 900), k=rnd.randint(2, 30),
                                          p=rnd.randint(60, 99)))
            f.write(json.dumps({"id": f"gen-{i:05}", "text": "\n".join(lines),
                                "source": f"Báo {province}"}, ensure_ascii=False) + "\n")


def check(name, cond, failures, detail):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"), file=sys.stderr)
    if not cond:
        failures.append(name)


def checks(label, r, failures, big):
    c = lambda name, cond: check(f"{label}: {name}", cond, failures, json.dumps(r, ensure_ascii=False))
    c("every figure is counted", r["shown"] == r["figures_in_data"] > 0)
    c("the pivot has rows and cells", r["pivot_rows"] > 0 and r["pivot_cells"] > 0)
    c("charts have bars", r["chart_svgs"] > 0 and r["chart_bars"] > 0)
    c("a page of figures is drawn", r["cards"] == min(100, r["figures_in_data"]))
    c("each quote is highlighted and is the record's words", r["marks"] == r["cards"] and r["marks_match"])
    c("quotes sit inside their paragraph", r["in_paragraph"] == r["cards"])
    c("the indicator filter shows its figures only",
      r["indicator_shown"] == r["indicator_expected"] and r["indicator_cards_all_match"])
    c("a pivot cell leads to its figures", r["cell_shown"] == r["cell_number"] == min(r["cell_cards"], 100) or
      (r["cell_shown"] == r["cell_number"] and r["cell_cards"] == min(r["cell_number"], 100)))
    c("clearing the filters shows everything", r["cleared"] == r["final"] == r["figures_in_data"])
    c("the year filter", r["year_shown"] == r["year_expected"] > 0)
    c("the confidence floor", r["confidence_shown"] == r["confidence_expected"])
    c("search without accents finds figures that say it",
      0 < r["search_shown"] <= r["figures_in_data"] and r["search_cards_match"])
    c("the run's settings are listed", r["settings"] > 0)
    if big:
        c("at least 20,000 figures", r["figures_in_data"] >= 20000)
        c("the next page comes on request", r.get("cards_after_more") == 200)
        c(f"ready in under {LOAD_BUDGET_MS} ms (took {r['ready_ms']} ms)", 0 < r["ready_ms"] < LOAD_BUDGET_MS)
    else:
        c("failed documents are listed with reasons", r["failed"] >= 1)
        c("skipped files are listed with reasons", r["skipped"] >= 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "chiso"))
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "browser"))
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        profile = os.path.join(tmp, "profile")
        docs = os.path.join(tmp, "samples")
        shutil.copytree(os.path.join(ROOT, "samples"), docs)
        with open(os.path.join(docs, "zz-broken.txt"), "wb") as f:
            f.write(b"\x00\x01\x02\xff" * 64)
        with open(os.path.join(docs, "notes.xyz"), "w") as f:
            f.write("not a document")
        samples = os.path.join(out, "samples.html")
        chiso(binary, "extract", "-q", docs, "-o", os.path.join(tmp, "samples.jsonl"), "--report", samples)
        again = os.path.join(out, "samples-from-records.html")
        chiso(binary, "report", os.path.join(tmp, "samples.jsonl"), docs, "-o", again)
        r = probe(samples, profile)
        print("samples:", json.dumps(r, ensure_ascii=False), file=sys.stderr)
        checks("samples (extract --report)", r, failures, big=False)
        r2 = probe(again, profile)
        check("samples (chiso report): same figures, all in their paragraph",
              r2["figures_in_data"] == r["figures_in_data"] and r2["in_paragraph"] == r2["cards"],
              failures, json.dumps(r2))
        screenshot(samples, os.path.join(out, "samples.png"), profile)
        screenshot(samples, os.path.join(out, "samples-charts.png"), profile, hide=["pivot-section"])
        screenshot(samples, os.path.join(out, "samples-figures.png"), profile,
                   hide=["pivot-section", "charts-section"])
        # A filter chosen: the indicator of new members, through its control.
        pick = ("var s=document.getElementById('f-indicator');s.value='new_party_members';"
                "s.dispatchEvent(new Event('change'));")
        screenshot(samples, os.path.join(out, "samples-filtered.png"), profile, height=1600, script=pick)

        gen = os.path.join(tmp, "generated.jsonl")
        corpus(gen, 1800)
        big = os.path.join(out, "generated.html")
        t = time.time()
        chiso(binary, "extract", "-q", gen, "-o", os.path.join(tmp, "generated-records.jsonl"), "--report", big)
        print(f"generated run with its report: {time.time() - t:.1f} s, "
              f"{os.path.getsize(big) / 1e6:.1f} MB of HTML", file=sys.stderr)
        r = probe(big, profile)
        print("generated:", json.dumps(r, ensure_ascii=False), file=sys.stderr)
        checks("generated", r, failures, big=True)
        screenshot(big, os.path.join(out, "generated.png"), profile)
        screenshot(big, os.path.join(out, "generated-charts.png"), profile, hide=["pivot-section"])
    print(f"screenshots in {out}: samples.png, samples-charts.png, samples-figures.png, "
          "samples-filtered.png, generated.png, generated-charts.png", file=sys.stderr)
    if failures:
        sys.exit(f"{len(failures)} browser checks failed")
    print("browser checks passed", file=sys.stderr)


if __name__ == "__main__":
    main()
