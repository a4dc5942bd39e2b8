// hoptac pages: the little JavaScript that helps. Everything works without it (server-rendered forms and tables).
"use strict";

// Filter a table's rows by free text and by statement kind, in place (entity page tables).
function setUpTableFilters() {
  document.querySelectorAll(".table-tools").forEach(function (tools) {
    var table = document.getElementById(tools.dataset.for);
    if (!table) return;
    var text = tools.querySelector(".row-filter");
    var kind = tools.querySelector(".kind-filter");
    function apply() {
      var words = (text.value || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").split(/\s+/).filter(Boolean);
      var k = kind.value;
      table.querySelectorAll("tbody tr[data-kind]").forEach(function (tr) {
        var hay = tr.textContent.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
        var show = (!k || tr.dataset.kind === k) && words.every(function (w) { return hay.indexOf(w) >= 0; });
        tr.hidden = !show;
      });
    }
    text.addEventListener("input", apply);
    kind.addEventListener("change", apply);
  });
}

// Add articles: send each file on its own, so the page shows progress and one result (or error) per file.
function setUpAddForm() {
  var form = document.getElementById("add-form");
  if (!form || !window.fetch) return;
  var box = document.getElementById("add-progress");
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    fetch("/strings.json").then(function (r) { return r.json(); }).then(function (s) { run(s); });
  });
  function run(s) {
    var files = Array.prototype.slice.call(form.querySelector("input[type=file]").files);
    var text = form.querySelector("textarea[name=text]").value;
    var tokenInput = form.querySelector("input[name=token]");
    var headers = tokenInput && tokenInput.value ? { "Authorization": "Bearer " + tokenInput.value } : {};
    var maxFiles = parseInt(form.dataset.maxFiles, 10), maxBytes = parseInt(form.dataset.maxBytes, 10);
    var jobs = files.map(function (f) { return { name: f.name, file: f }; });
    if (text.trim()) jobs.push({ name: form.querySelector("input[name=title]").value || "…", text: text });
    var list = box.querySelector("ul.files"), bar = box.querySelector("progress");
    var count = box.querySelector(".count"), done = box.querySelector(".done");
    var state = box.querySelector(".state"), opened = box.querySelector(".opened");
    list.textContent = ""; done.textContent = ""; box.hidden = false;
    state.textContent = s.add_progress; opened.hidden = true;
    if (!jobs.length) { done.textContent = s.add_limits.replace("{files}", maxFiles).replace("{mb}", maxBytes / 1e6); return; }
    if (files.length > maxFiles) { done.textContent = s.add_limits.replace("{files}", maxFiles).replace("{mb}", maxBytes / 1e6); done.className = "done error"; return; }
    bar.max = jobs.length; bar.value = 0;
    var totals = { stored: 0, dups: 0, failed: 0 };
    jobs.forEach(function (j) {
      j.li = document.createElement("li");
      j.li.textContent = j.name + ": " + s.status_waiting;
      list.appendChild(j.li);
    });
    function show(j, cls, msg) { j.li.className = cls; j.li.textContent = j.name + ": " + msg; }
    function step(i) {
      count.textContent = Math.min(i + 1, jobs.length) + " / " + jobs.length;
      if (i >= jobs.length) {
        // every file answered: the heading says so, and the new articles are one click away
        state.textContent = s.add_finished;
        count.textContent = "";
        done.textContent = s.add_done.replace("{stored}", totals.stored).replace("{dups}", totals.dups).replace("{failed}", totals.failed);
        if (totals.stored) {
          opened.querySelector("a").href = "/add?after=" + encodeURIComponent(form.dataset.after || "0");
          opened.hidden = false;
        }
        form.reset();
        return;
      }
      var j = jobs[i], req;
      if (j.file && j.file.size > maxBytes) {
        show(j, "failed", s.status_failed + " — " + s.add_limits.replace("{files}", maxFiles).replace("{mb}", maxBytes / 1e6));
        totals.failed++; bar.value = i + 1; return step(i + 1);
      }
      if (j.file) {
        var fd = new FormData(); fd.append("files", j.file, j.name);
        req = fetch("/api/ingest", { method: "POST", body: fd, headers: headers });
      } else {
        req = fetch("/api/ingest", { method: "POST", headers: Object.assign({ "Content-Type": "application/json" }, headers),
          body: JSON.stringify({ text: j.text, title: form.querySelector("input[name=title]").value || null,
                                 date: form.querySelector("input[name=date]").value || null }) });
      }
      j.li.textContent = j.name + ": " + s.add_progress + "…";
      req.then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
        .then(function (res) {
          var b = res.body;
          if (!res.ok) { show(j, "failed", s.status_failed + " — " + (b.error || "")); totals.failed++; }
          else if (b.failed && b.failed.length) { show(j, "failed", s.status_failed + " — " + b.failed.map(function (f) { return f.reason; }).join("; ")); totals.failed += b.failed.length; totals.stored += b.stored; }
          else if (b.stored) { show(j, "stored", s.status_stored + (b.stored > 1 ? " (" + b.stored + ")" : "")); totals.stored += b.stored; }
          else if (b.duplicates) { show(j, "duplicate", s.status_duplicate); totals.dups += b.duplicates; }
          else { show(j, "unchanged", s.status_unchanged); }
        })
        .catch(function (e) { show(j, "failed", s.status_failed + " — " + e); totals.failed++; })
        .then(function () { bar.value = i + 1; step(i + 1); });
    }
    step(0);
  }
}

document.addEventListener("DOMContentLoaded", function () {
  setUpTableFilters();
  setUpAddForm();
});
