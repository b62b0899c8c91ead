// chiso's review report: draws the pivot, the charts and the figures from the JSON data above,
// and redraws them when a filter changes. No network, no library: everything is here.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('chiso-data').textContent);
  var F = data.figures, D = data.docs, P = data.paras, L = data.indicators;
  var PAGE = 100, PIVOT_ROWS = 400, CHARTS = 12, CATEGORIES = 15, SERIES = 6;
  var UNITS = {
    person: 'người', organization: 'tổ chức', percent: '%', commune: 'xã', village: 'thôn',
    VND: 'đồng', m2: 'm²', workday: 'ngày công', conference: 'hội nghị', opinion: 'ý kiến',
    target: 'chỉ tiêu', collective: 'tập thể'
  };
  var QUALIFIERS = { at_least: '≥ ', at_most: '≤ ', approx: '≈ ', exact: '' };
  var COLOURS = ['#1f5fa8', '#d9822b', '#2e8b57', '#a23b72', '#17a2b8', '#c7a500', '#6f42c1', '#8c564b'];
  var $ = function (id) { return document.getElementById(id); };
  var number = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }
  function fold(s) {
    return String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .replace(/[đĐ]/g, 'd').toLowerCase();
  }
  function label(i) { return L[i] ? L[i].label : i; }
  function year(f) { return f.pt != null ? f.pt : (f.pf != null ? f.pf : null); }
  function yearKey(f) { var y = year(f); return y == null ? '-' : String(y); }
  function period(f) {
    if (f.pf == null && f.pt == null) return 'không rõ năm';
    if (f.pf == null || f.pt == null || f.pf === f.pt) return String(year(f));
    return f.pf + '–' + f.pt;
  }
  function place(f) { return [f.co, f.di, f.pr].filter(Boolean).join(', ') || '(không rõ địa bàn)'; }
  function unit(u) { return UNITS[u] || u; }
  function value(f) {
    var v = number.format(f.v);
    if (f.t != null) v += '/' + number.format(f.t);
    return (QUALIFIERS[f.q] || '') + v + (f.u === 'percent' ? '%' : ' ' + unit(f.u));
  }

  // The filters' state, read from the controls.
  var controls = ['indicator', 'province', 'district', 'year', 'plugin', 'confidence', 'search'];
  function state() {
    var s = {};
    controls.forEach(function (c) { s[c] = $('f-' + c).value; });
    s.confidence = parseFloat(s.confidence) || 0;
    s.search = fold(s.search.trim());
    return s;
  }
  var haystacks = null;  // folded text of each figure, made on the first search
  function haystack(k) {
    if (!haystacks) {
      haystacks = F.map(function (f) {
        var d = D[f.d];
        return fold([f.w, f.x ? P[f.x[0]] : '', d.id, d.title, d.outlet, place(f), label(f.i), f.r, f.p].join(' '));
      });
    }
    return haystacks[k];
  }
  function matches(s, f, k) {
    return (!s.indicator || f.i === s.indicator) &&
      (!s.province || f.pr === s.province) &&
      (!s.district || f.di === s.district) &&
      (!s.year || yearKey(f) === s.year) &&
      (!s.plugin || f.p === s.plugin) &&
      (!commune || f.co === commune) &&
      f.c >= s.confidence &&
      (!s.search || haystack(k).indexOf(s.search) >= 0);
  }

  function fillSelect(id, values, text) {
    var select = $('f-' + id);
    var html = select.innerHTML;
    values.forEach(function (v) {
      html += '<option value="' + esc(v[0]) + '">' + esc(text(v[0])) + ' (' + v[1] + ')</option>';
    });
    select.innerHTML = html;
  }
  function counted(key) {
    var n = {};
    F.forEach(function (f) { var k = key(f); if (k !== '') n[k] = (n[k] || 0) + 1; });
    return Object.keys(n).sort(function (a, b) { return a.localeCompare(b, 'vi'); })
      .map(function (k) { return [k, n[k]]; });
  }

  // Each year keeps its colour in every chart; figures of no known year are grey.
  var yearColour = {'-': '#9aa0a6'};
  counted(yearKey).map(function (y) { return y[0]; }).filter(function (y) { return y !== '-'; })
    .sort(function (a, b) { return a - b; })
    .forEach(function (y, k) { yearColour[y] = COLOURS[k % COLOURS.length]; });
  var shown = [], page = 0;
  var commune = '';  // set by a pivot cell of a commune; cleared with the filters

  function apply() {
    var s = state();
    shown = [];
    for (var k = 0; k < F.length; k++) if (matches(s, F[k], k)) shown.push(k);
    $('f-count').textContent = shown.length + ' / ' + F.length + ' số liệu' + (commune ? ' · xã ' + commune : '');
    pivot();
    charts(s);
    page = 0;
    $('figures').innerHTML = '';
    more();
  }

  function pivot() {
    var years = {}, rows = {}, order = [];
    shown.forEach(function (k) {
      var f = F[k], y = yearKey(f);
      years[y] = true;
      var key = f.i + '\u0001' + f.pr + '\u0001' + f.di + '\u0001' + f.co;
      if (!rows[key]) { rows[key] = { f: f, n: {}, all: 0 }; order.push(key); }
      rows[key].n[y] = (rows[key].n[y] || 0) + 1;
      rows[key].all++;
    });
    var cols = Object.keys(years).sort(function (a, b) {
      return a === '-' ? 1 : b === '-' ? -1 : a - b;
    });
    order.sort(function (a, b) {
      var fa = rows[a].f, fb = rows[b].f;
      return label(fa.i).localeCompare(label(fb.i), 'vi') || place(fa).localeCompare(place(fb), 'vi');
    });
    var all = $('pivot').getAttribute('data-all') === '1';
    var html = '<table class="pivot"><thead><tr><th>Chỉ tiêu</th><th>Địa bàn</th>';
    cols.forEach(function (y) { html += '<th>' + (y === '-' ? 'không rõ năm' : y) + '</th>'; });
    html += '<th>Cộng</th></tr></thead><tbody>';
    var last = null;
    order.slice(0, all ? order.length : PIVOT_ROWS).forEach(function (key) {
      var r = rows[key], f = r.f;
      html += '<tr><th scope="row">' + (f.i === last ? '' : esc(label(f.i))) + '</th><td>' + esc(place(f)) + '</td>';
      last = f.i;
      cols.forEach(function (y) {
        var n = r.n[y];
        html += n ? '<td class="n"><a href="#figures-section" class="cell" data-i="' + esc(f.i) +
          '" data-pr="' + esc(f.pr) + '" data-di="' + esc(f.di) + '" data-co="' + esc(f.co) +
          '" data-y="' + y + '">' + n + '</a></td>' : '<td></td>';
      });
      html += '<td class="n">' + r.all + '</td></tr>';
    });
    html += '</tbody></table>';
    if (!all && order.length > PIVOT_ROWS) {
      html += '<p class="note">' + (order.length - PIVOT_ROWS) +
        ' dòng nữa. Lọc để thu hẹp, hoặc <button type="button" id="pivot-all">xem tất cả</button></p>';
    }
    if (!order.length) html = '<p class="note">Không có số liệu nào khớp bộ lọc.</p>';
    $('pivot').innerHTML = html;
  }

  // A round step for the axis: 1, 2, 2.5 or 5 times a power of ten.
  function niceStep(x) {
    if (!(x > 0)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(x)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var k = 0; k < steps.length; k++) if (steps[k] * p >= x) return steps[k] * p;
    return 10 * p;
  }

  function median(values) {
    var v = values.slice().sort(function (a, b) { return a - b; });
    var m = v.length >> 1;
    return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  // One bar chart per indicator: localities along the bottom, a bar per year, the median of
  // the figures of that place and year as its height.
  function charts(s) {
    var by = {};
    shown.forEach(function (k) { var f = F[k]; (by[f.i] = by[f.i] || []).push(f); });
    var ids = Object.keys(by).sort(function (a, b) { return by[b].length - by[a].length || (a < b ? -1 : 1); });
    var html = '';
    ids.slice(0, CHARTS).forEach(function (i) { html += chart(i, by[i], s); });
    if (ids.length > CHARTS) {
      html += '<p class="note">' + (ids.length - CHARTS) + ' chỉ tiêu nữa: chọn một chỉ tiêu để xem biểu đồ của nó.</p>';
    }
    $('charts').innerHTML = html || '<p class="note">Không có số liệu nào khớp bộ lọc.</p>';
  }

  function chart(i, figs, s) {
    // The most common unit: a chart does not mix people and percentages.
    var units = {};
    figs.forEach(function (f) { units[f.u] = (units[f.u] || 0) + 1; });
    var u = Object.keys(units).sort(function (a, b) { return units[b] - units[a]; })[0];
    figs = figs.filter(function (f) { return f.u === u; });
    var provinces = {};
    figs.forEach(function (f) { if (f.pr) provinces[f.pr] = true; });
    var byDistrict = s.province || Object.keys(provinces).length <= 1;
    var cat = function (f) {
      return byDistrict ? (f.di || (f.pr ? 'toàn tỉnh ' + f.pr : '(không rõ)')) : (f.pr || '(không rõ)');
    };
    var cells = {}, cats = {}, years = {};
    figs.forEach(function (f) {
      var c = cat(f), y = yearKey(f);
      cats[c] = (cats[c] || 0) + 1;
      years[y] = true;
      (cells[c + '\u0001' + y] = cells[c + '\u0001' + y] || []).push(f.v);
    });
    var catList = Object.keys(cats).sort(function (a, b) { return cats[b] - cats[a] || a.localeCompare(b, 'vi'); })
      .slice(0, CATEGORIES).sort(function (a, b) { return a.localeCompare(b, 'vi'); });
    // The latest years, then figures of no known year.
    var known = Object.keys(years).filter(function (y) { return y !== '-'; })
      .sort(function (a, b) { return a - b; });
    var yearList = known.slice(-(years['-'] ? SERIES - 1 : SERIES));
    if (years['-']) yearList.push('-');
    var max = 0;
    catList.forEach(function (c) {
      yearList.forEach(function (y) {
        var v = cells[c + '\u0001' + y];
        if (v) max = Math.max(max, median(v));
      });
    });
    var step = niceStep(max / 4), ticks = Math.max(1, Math.ceil(max / step - 1e-9));
    max = step * ticks;
    var bw = 14, gap = 18, left = 64, top = 12, h = 170, bottom = 90, legend = 96;
    var group = yearList.length * bw + gap;
    var width = Math.max(420, left + catList.length * group + 10, left + yearList.length * legend);
    var svg = '<svg class="chart" role="img" width="' + width + '" height="' + (top + h + bottom + 24) +
      '" viewBox="0 0 ' + width + ' ' + (top + h + bottom + 24) + '"><title>' + esc(label(i)) + '</title>';
    for (var t = 0; t <= ticks; t++) {
      var yv = step * t, yy = top + h - h * t / ticks;
      svg += '<line class="grid" x1="' + left + '" x2="' + (width - 4) + '" y1="' + yy + '" y2="' + yy + '"/>' +
        '<text class="tick" x="' + (left - 4) + '" y="' + (yy + 4) + '" text-anchor="end">' + number.format(yv) + '</text>';
    }
    catList.forEach(function (c, ci) {
      var x0 = left + ci * group + gap / 2;
      yearList.forEach(function (y, yi) {
        var v = cells[c + '\u0001' + y];
        if (!v) return;
        var m = median(v), bh = Math.max(1, h * m / max);
        svg += '<rect class="bar" fill="' + yearColour[y] + '" x="' + (x0 + yi * bw) + '" y="' + (top + h - bh) +
          '" width="' + (bw - 2) + '" height="' + bh + '"><title>' + esc(c) + ' · ' + (y === '-' ? 'không rõ năm' : y) + ': ' +
          number.format(m) + (u === 'percent' ? '%' : ' ' + esc(unit(u))) + ' (' + v.length + ' số liệu)</title></rect>';
      });
      var lx = x0 + yearList.length * bw / 2;
      svg += '<text class="cat" transform="translate(' + lx + ',' + (top + h + 10) + ') rotate(35)">' +
        esc(c.length > 24 ? c.slice(0, 23) + '…' : c) + '</text>';
    });
    svg += '<line class="axis" x1="' + left + '" x2="' + (width - 4) + '" y1="' + (top + h) + '" y2="' + (top + h) + '"/>';
    yearList.forEach(function (y, yi) {
      var lx = left + yi * legend;
      svg += '<rect fill="' + yearColour[y] + '" x="' + lx + '" y="' + (top + h + bottom + 8) + '" width="10" height="10"/>' +
        '<text class="legend" x="' + (lx + 14) + '" y="' + (top + h + bottom + 17) + '">' + (y === '-' ? 'không rõ năm' : y) + '</text>';
    });
    svg += '</svg>';
    return '<figure class="chart-box"><figcaption><b>' + esc(label(i)) + '</b> <small>(' + esc(unit(u)) + '; ' +
      figs.length + ' số liệu; theo ' + (byDistrict ? 'huyện' : 'tỉnh') + ')</small></figcaption>' + svg + '</figure>';
  }

  function more() {
    var html = '';
    shown.slice(page * PAGE, (page + 1) * PAGE).forEach(function (k) {
      var f = F[k], d = D[f.d];
      var quote;
      if (f.x) {
        var para = P[f.x[0]];
        quote = esc(para.slice(0, f.x[1])) + '<mark>' + esc(para.slice(f.x[1], f.x[2])) + '</mark>' + esc(para.slice(f.x[2]));
      } else {
        quote = '<mark>' + esc(f.w) + '</mark> <small class="note">(không có đoạn văn gốc)</small>';
      }
      html += '<article class="fig" id="fig-' + k + '"><div class="head"><b class="val">' + esc(value(f)) +
        '</b> <span class="ind">' + esc(label(f.i)) + '</span> · <span class="loc">' + esc(place(f)) +
        '</span> · <span class="per">' + esc(period(f)) + '</span> <span class="conf" title="độ tin cậy">' +
        f.c.toFixed(2) + '</span></div><blockquote>' + quote + '</blockquote><dl>' +
        '<dt>Văn bản</dt><dd><code>' + esc(d.id) + '</code>' + (d.title ? ' — ' + esc(d.title) : '') +
        (d.date ? ' · ' + esc(d.date) : '') + (d.outlet ? ' · ' + esc(d.outlet) : '') + ' · ký tự ' + f.s[0] + '–' + f.s[1] + '</dd>' +
        '<dt>Quy tắc</dt><dd><code>' + esc(f.r) + '</code> · plugin <code>' + esc(f.p) + '</code></dd>' +
        '<dt>Địa bàn vì</dt><dd>' + esc(f.ls || '—') + '</dd><dt>Thời gian vì</dt><dd>' + esc(f.ps || '—') + '</dd></dl></article>';
    });
    $('figures').insertAdjacentHTML('beforeend', html);
    page++;
    var left = shown.length - page * PAGE;
    $('more').hidden = left <= 0;
    $('more').textContent = 'Xem thêm (' + Math.max(left, 0) + ' số liệu nữa)';
  }

  fillSelect('indicator', counted(function (f) { return f.i; }), label);
  fillSelect('province', counted(function (f) { return f.pr; }), String);
  fillSelect('district', counted(function (f) { return f.di; }), String);
  fillSelect('year', counted(yearKey), function (y) { return y === '-' ? 'không rõ năm' : y; });
  fillSelect('plugin', counted(function (f) { return f.p; }), String);
  ['indicator', 'province', 'district', 'year', 'plugin', 'confidence'].forEach(function (c) {
    $('f-' + c).addEventListener('change', apply);
  });
  $('f-search').addEventListener('input', apply);
  $('f-clear').addEventListener('click', function () {
    controls.forEach(function (c) { $('f-' + c).value = c === 'confidence' ? '0' : ''; });
    commune = '';
    apply();
  });
  $('more').addEventListener('click', more);
  $('pivot').addEventListener('click', function (e) {
    var t = e.target;
    if (t.id === 'pivot-all') { $('pivot').setAttribute('data-all', '1'); pivot(); return; }
    if (!t.classList.contains('cell')) return;
    $('f-indicator').value = t.getAttribute('data-i');
    $('f-province').value = t.getAttribute('data-pr');
    $('f-district').value = t.getAttribute('data-di');
    $('f-year').value = t.getAttribute('data-y');
    commune = t.getAttribute('data-co');
    apply();
  });
  apply();
  document.documentElement.setAttribute('data-ready', String(Math.round(performance.now())));
})();
