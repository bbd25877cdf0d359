// Simpul console: small enhancements of pages that work without it. No library; nothing from another host.
(function () {
  "use strict";

  // The form's fields that apply, as the server's formState says for what has been typed so far.
  function liveForm(form) {
    var url = form.getAttribute("data-keadaan");
    var timer = null;
    form.querySelectorAll("[data-tanpa-js]").forEach(function (b) { b.hidden = true; });
    function ask() {
      var body = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string") body.append(name, value);
      });
      fetch(url, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (states) {
          if (!states) return;
          states.forEach(function (s) {
            var box = form.querySelector('[data-isian="' + s.field + '"]');
            if (!box) return;
            box.hidden = !s.visible;
            var input = box.querySelector("input, select, textarea");
            var problem = box.querySelector(".galat-isian");
            if (input) input.setAttribute("aria-required", s.required ? "true" : "false");
            if (problem && input && input.value) problem.textContent = s.problem || "";
            box.classList.toggle("salah", !!(s.problem && input && input.value));
          });
        })
        .catch(function () { /* the server checks again on submission */ });
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 300); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(ask, 50); });
    ask();
  }

  // A file's type and size checked before upload (the server checks them again after).
  function checkFile(input) {
    var problem = input.parentNode.querySelector(".galat-isian");
    var file = input.files && input.files[0];
    var message = "";
    if (file) {
      var max = parseInt(input.getAttribute("data-maks-kb") || "0", 10);
      var accept = (input.getAttribute("accept") || "").split(",").map(function (a) { return a.trim().toLowerCase(); });
      var name = file.name.toLowerCase();
      var typeOk = accept.length === 0 || accept.some(function (a) {
        return a === file.type || (a.charAt(0) === "." && name.slice(-a.length) === a);
      });
      if (!typeOk) message = "Jenis berkas tidak diterima untuk persyaratan ini.";
      else if (max && file.size > max * 1024) message = "Berkas terlalu besar: paling besar " + Math.round(max / 1024 * 10) / 10 + " MB.";
    }
    if (problem) problem.textContent = message;
    input.setCustomValidity(message);
    if (message) input.value = "";
  }

  // Upload progress: a form with files is sent by XHR, and its answer shown as the browser would have.
  function uploadWithProgress(form) {
    form.addEventListener("submit", function (event) {
      var hasFile = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (i) { return i.files && i.files.length; });
      var bar = form.querySelector("progress.unggah");
      if (!hasFile || !bar || !window.FormData) return;
      event.preventDefault();
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
      var xhr = new XMLHttpRequest();
      bar.hidden = false;
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = Math.round(e.loaded / e.total * 100); };
      xhr.onload = function () {
        history.replaceState(null, "", xhr.responseURL);
        document.open(); document.write(xhr.responseText); document.close();
      };
      xhr.onerror = function () { bar.hidden = true; form.submit(); };
      xhr.open("POST", form.action);
      xhr.send(data);
    });
  }

  // An irreversible action asks first; the page's own "saya yakin" box is ticked by the answer.
  function confirmFirst(form) {
    var box = form.querySelector('input[name="yakin"]');
    if (box) box.closest("div").hidden = true;
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-konfirmasi"))) { event.preventDefault(); return; }
      if (box) box.checked = true;
    });
  }

  // The inbox refreshes when something happens in the office (the API's subscription, relayed by the server).
  function liveInbox(marker) {
    if (!window.EventSource) return;
    var source = new EventSource("/kotak-masuk/peristiwa");
    var timer = null;
    source.onmessage = function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(location.href, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) {
            if (!html) return;
            var next = new DOMParser().parseFromString(html, "text/html").querySelector("main");
            var main = document.querySelector("main");
            if (next && main && !main.contains(document.activeElement)) main.innerHTML = next.innerHTML;
          });
      }, 500);
    };
  }

  // The standards editor: line numbers follow the text, and the server checks the YAML a moment after the admin
  // stops typing; its diagnostics mark their lines and are listed below (the same check as the Periksa button).
  function standardsEditor(form) {
    var text = form.querySelector("textarea[name=yaml]");
    var gutter = form.querySelector(".nomor-baris");
    var list = form.querySelector("#diagnostik");
    var csrf = form.querySelector("input[name=csrf]").value;
    var timer = null;
    function lines(marks) {
      var count = Math.max(1, text.value.split("\n").length);
      var html = "";
      for (var n = 1; n <= count; n++) {
        var m = marks && marks[n];
        html += '<li id="baris-' + n + '"' + (m ? ' class="' + m.level + '" title="' + escapeHtml(m.note) + '"' : "") + "></li>";
      }
      gutter.innerHTML = html;
      gutter.scrollTop = text.scrollTop;
    }
    function show(answer) {
      var marks = {};
      var items = answer.diagnostics.map(function (d) {
        // A diagnostic in another file (a service an office file breaks) is named with it, not marked here.
        var where = d.otherFile
          ? "Di <code>" + escapeHtml(d.otherFile) + "</code>, baris " + d.line + ", kolom " + d.column
          : '<a href="#baris-' + d.line + '">Baris ' + d.line + ", kolom " + d.column + "</a>";
        if (!d.otherFile) {
          var m = marks[d.line];
          marks[d.line] = { level: m && m.level === "galat" ? "galat" : d.level, note: (m ? m.note + "; " : "") + d.message };
        }
        return '<li class="' + d.level + '">' + where +
          " — <strong>" + d.levelWords + ":</strong> " + escapeHtml(d.message) +
          (d.hint ? ' <span class="kecil">Saran: ' + escapeHtml(d.hint) + "</span>" : "") + "</li>";
      });
      list.innerHTML = items.length
        ? '<h3>Hasil pemeriksaan</h3><ul class="diagnostik">' + items.join("") + "</ul>"
        : '<p class="pesan berhasil">Tidak ada masalah ditemukan.</p>';
      lines(marks);
    }
    function check() {
      var body = new URLSearchParams();
      body.append("csrf", csrf);
      body.append("yaml", text.value);
      fetch(form.getAttribute("data-periksa"), { method: "POST", credentials: "same-origin", body: body })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) { if (answer && answer.diagnostics) show(answer); });
    }
    text.addEventListener("scroll", function () { gutter.scrollTop = text.scrollTop; });
    text.addEventListener("input", function () {
      lines(null);
      clearTimeout(timer);
      timer = setTimeout(check, 800);
    });
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-periksa]").forEach(standardsEditor);
    document.querySelectorAll("form[data-keadaan]").forEach(liveForm);
    document.querySelectorAll("form[enctype='multipart/form-data']").forEach(uploadWithProgress);
    document.querySelectorAll("form[data-konfirmasi]").forEach(confirmFirst);
    document.querySelectorAll("input[type=file]").forEach(function (i) { i.addEventListener("change", function () { checkFile(i); }); });
    document.querySelectorAll("select[data-kirim-otomatis]").forEach(function (s) {
      s.addEventListener("change", function () { var t = s.form.querySelector("[name=tahap]"); if (t) t.value = ""; s.form.submit(); });
    });
    document.querySelectorAll("[data-cetak]").forEach(function (b) { b.hidden = false; b.addEventListener("click", function () { window.print(); }); });
    var inbox = document.querySelector("[data-segarkan]");
    if (inbox) liveInbox(inbox);
  });
})();
