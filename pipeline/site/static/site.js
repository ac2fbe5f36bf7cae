// The list (首页): 条件查询, sorting and paging over window.QIANGHUI (data.js), in the page.
// The conditions live in the address's #fragment, so a filtered view can be bookmarked and
// sent, also from file://. The filters compare exactly what `qianghui list` compares.
(function () {
  "use strict";
  var data = window.QIANGHUI;
  var form = document.getElementById("filters");
  var tbody = document.querySelector("#projects tbody");
  var SYNONYMS = { "审核通过": "已立项" };
  var NUMERIC = { y: 1, am: 1, p: 1, r: 1, ac: 1, e: 1 };
  var state = { sort: "", order: "asc", page: 1, size: 50 };

  function fill(select, values) {
    values.forEach(function (v) {
      var o = document.createElement("option");
      o.value = String(v); o.textContent = String(v);
      select.appendChild(o);
    });
  }
  fill(document.getElementById("f-year"), data.years);
  fill(document.getElementById("f-status"), data.statuses);
  fill(document.getElementById("f-category"), data.categories);
  fill(document.getElementById("f-subtype"), data.subtypes);

  function number(name) {
    var v = form.elements[name].value.trim();
    return v === "" || isNaN(Number(v)) ? null : Number(v);
  }
  function inRange(value, low, high) {
    if (low === null && high === null) return true;
    if (value === null || value === undefined) return false;
    return (low === null || value >= low) && (high === null || value <= high);
  }
  function matches(r) {
    var year = form.elements["年度"].value, st = form.elements["状态"].value;
    var cat = form.elements["类别"].value, sub = form.elements["项目形式"].value;
    var soc = form.elements["学会"].value;
    st = SYNONYMS[st] || st;
    if (year && String(r.y) !== year) return false;
    if (st && r.st !== st) return false;
    if (cat && r.c !== cat) return false;
    if (sub && r.f !== sub) return false;
    if (soc && soc !== r.s && r.n.indexOf(soc) < 0) return false;
    return inRange(r.am, number("最低金额"), number("最高金额")) &&
      inRange(r.p, number("最低评分"), number("最高评分")) &&
      inRange(r.ac, number("最低验收得分"), number("最高验收得分"));
  }
  function compare(a, b) {
    var k = state.sort, x = a[k], y = b[k], empty = (x === null || x === ""), none = (y === null || y === "");
    if (empty || none) return empty === none ? 0 : (empty ? 1 : -1);   // blanks last
    var c = NUMERIC[k] ? x - y : String(x).localeCompare(String(y), "zh-Hans-CN");
    return state.order === "desc" ? -c : c;
  }

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text === null || text === undefined ? "" : String(text);
    tr.appendChild(td);
    return td;
  }
  function score(v) { return v === null || v === undefined ? "" : v.toFixed(2); }

  function draw() {
    var rows = data.rows.filter(matches);
    if (state.sort) {
      rows = rows.map(function (r, i) { return [r, i]; })
        .sort(function (a, b) { return compare(a[0], b[0]) || a[1] - b[1]; })
        .map(function (p) { return p[0]; });
    }
    var pages = Math.max(1, Math.ceil(rows.length / state.size));
    state.page = Math.min(Math.max(1, state.page), pages);
    var shown = rows.slice((state.page - 1) * state.size, state.page * state.size);
    var body = document.createDocumentFragment();
    shown.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-key", r.y + "/" + r.s);
      cell(tr, r.y, "num");
      var who = cell(tr, r.n); who.appendChild(document.createElement("br"));
      var id = document.createElement("small"); id.textContent = r.s; who.appendChild(id);
      var name = document.createElement("td"), a = document.createElement("a");
      a.href = encodeURIComponent(String(r.y)) + "/" + encodeURIComponent(r.s) + ".html";
      a.textContent = r.t || "（未填写项目名称）";
      name.appendChild(a); tr.appendChild(name);
      cell(tr, r.c, "word"); cell(tr, r.f, "word"); cell(tr, r.a, "num");
      cell(tr, r.st, "status").setAttribute("data-status", r.st);
      cell(tr, score(r.p), "num"); cell(tr, r.r, "num"); cell(tr, score(r.ac), "num");
      cell(tr, r.g, "word"); cell(tr, r.e || "", r.e ? "num errors" : "num");
      body.appendChild(tr);
    });
    tbody.replaceChildren(body);
    document.getElementById("summary").textContent = "符合条件的项目 " + rows.length + " 个（共 " +
      data.rows.length + " 个）";
    var counts = {};
    rows.forEach(function (r) { counts[r.st] = (counts[r.st] || 0) + 1; });
    document.getElementById("counts").textContent = "按状态：" + (data.statuses.filter(function (s) {
      return counts[s]; }).map(function (s) { return s + " " + counts[s] + " 个"; }).join("、") || "无");
    document.getElementById("page-info").textContent = "第 " + state.page + " / " + pages + " 页";
    document.getElementById("prev").disabled = state.page <= 1;
    document.getElementById("next").disabled = state.page >= pages;
    document.querySelectorAll("#projects th").forEach(function (th) {
      var on = th.getAttribute("data-key") === state.sort;
      th.setAttribute("aria-sort", on ? (state.order === "desc" ? "descending" : "ascending") : "none");
    });
    drawAbsent();
  }

  function drawAbsent() {
    var year = form.elements["年度"].value, box = document.getElementById("absent");
    var frag = document.createDocumentFragment();
    data.years.filter(function (y) { return !year || String(y) === year; }).forEach(function (y) {
      var list = data.absent[String(y)] || [], p = document.createElement("p");
      p.textContent = y + " 年度（" + list.length + " 个）：" + (list.map(function (s) {
        return s[1] + "（" + s[0] + "）"; }).slice(0, 200).join("、") || "无") +
        (list.length > 200 ? " ……" : "");
      frag.appendChild(p);
    });
    box.replaceChildren(frag);
  }

  function toHash() {
    var q = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.value) q.set(el.name, el.value);
    });
    if (state.sort) { q.set("排序", state.sort); q.set("顺序", state.order); }
    if (state.page > 1) q.set("页", String(state.page));
    if (state.size !== 50) q.set("每页", String(state.size));
    var text = q.toString(), want = text ? "#" + text : "";
    if (location.hash !== want && decodeURIComponent(location.hash) !== decodeURIComponent(want)) {
      try { history.replaceState(null, "", want || location.pathname); }
      catch (e) { location.hash = text; }
    }
  }
  function fromHash() {
    var q = new URLSearchParams(location.hash.slice(1));
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name) el.value = el.name === "状态" ? (SYNONYMS[q.get(el.name)] || q.get(el.name) || "")
        : (q.get(el.name) || "");
    });
    state.sort = q.get("排序") || "";
    state.order = q.get("顺序") === "desc" ? "desc" : "asc";
    state.page = parseInt(q.get("页") || "1", 10) || 1;
    state.size = parseInt(q.get("每页") || "50", 10) || 50;
    document.getElementById("page-size").value = String(state.size);
  }
  function changed() { state.page = 1; toHash(); draw(); }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (e) { e.preventDefault(); changed(); });
  form.addEventListener("reset", function () { setTimeout(changed, 0); });
  document.querySelectorAll("#projects th button").forEach(function (b) {
    b.addEventListener("click", function () {
      var k = b.getAttribute("data-sort");
      state.order = state.sort === k && state.order === "asc" ? "desc" : "asc";
      state.sort = k; state.page = 1; toHash(); draw();
    });
  });
  document.getElementById("prev").addEventListener("click", function () { state.page -= 1; toHash(); draw(); });
  document.getElementById("next").addEventListener("click", function () { state.page += 1; toHash(); draw(); });
  document.getElementById("page-size").addEventListener("change", function (e) {
    state.size = parseInt(e.target.value, 10) || 50; state.page = 1; toHash(); draw();
  });
  window.addEventListener("hashchange", function () { fromHash(); draw(); });
  fromHash();
  draw();
}());
