/* dropzone-rs init (MIT). Starts every dropzone-rs zone on the page, once.
 *
 * Zones come from two places:
 * - elements with a `data-dropzone` attribute (strict CSP mode), whose value is the zone's
 *   JSON spec; this file is then loaded from its URL, served by the assets router;
 * - the inline script this code is embedded in (default mode), which declares the zone as
 *   `__dropzone_rs_zone__` in an enclosing function. Served as a file that name is not
 *   declared, and `typeof` makes it `undefined`.
 * ES5 only; defines no global; running it any number of times starts each zone once.
 * Embedded in inline scripts verbatim, so it never contains an HTML comment opener or a
 * script tag (a test checks it).
 * A spec is {v: 1, options: {...Dropzone options}, redirect?: url, click?: {button, inForm}}.
 */
(function () {
  "use strict";
  var VERSION = 1;
  /* global __dropzone_rs_zone__ */
  var inline = typeof __dropzone_rs_zone__ === "undefined" ? null : __dropzone_rs_zone__;
  // A DOM element with that id is also a window property: accept only a real spec.
  if (!inline || !inline.spec || inline.spec.v !== VERSION) { inline = null; }

  var hasOwn = Object.prototype.hasOwnProperty;
  function copy(from, to) {
    for (var k in from) {
      if (hasOwn.call(from, k)) { to[k] = from[k]; }
    }
    return to;
  }
  // Dropzone's own rule for the Dropzone.options key of an element id.
  function camelize(id) {
    return id.replace(/[\-_](\w)/g, function (m) { return m.charAt(1).toUpperCase(); });
  }
  // 5.x auto-discovery skips elements whose entry is false; 6.x has no discovery.
  function mark(D, id) {
    if (D && D.options && typeof id === "string" && id) { D.options[camelize(id)] = false; }
  }
  function dataZones() {
    var els = document.querySelectorAll ? document.querySelectorAll("[data-dropzone]") : [];
    var out = [];
    for (var i = 0; i < els.length; i++) { out.push(els[i]); }
    return out;
  }
  function readSpec(el) {
    var spec;
    try {
      spec = JSON.parse(el.getAttribute("data-dropzone"));
    } catch (e) {
      return null;
    }
    return spec && spec.v === VERSION && spec.options ? spec : null;
  }

  /* Batched uploads: the server lists one entry per file, {field: "file[N]", saved, error?}.
     Dropzone marks the whole request with one status; this gives each file its own. */
  function entriesOf(response) {
    var files = response && typeof response === "object" ? response.files : null;
    return Object.prototype.toString.call(files) === "[object Array]" ? files : null;
  }
  function slot(entry, i) {
    var m = typeof entry.field === "string" ? /\[(\d+)\]$/.exec(entry.field) : null;
    return m ? parseInt(m[1], 10) : i;
  }
  function messageFor(dz, entry, response, status) {
    if (typeof entry.error === "string" && entry.error) { return entry.error; }
    if (typeof response.error === "string" && response.error) { return response.error; }
    return String(dz.options.dictResponseError).replace("{{statusCode}}", String(status));
  }
  function refuse(dz, D, file, message) {
    var el = file.previewElement;
    if (el && el.classList) {
      el.classList.remove("dz-success");
      el.classList.add("dz-error");
    }
    file.status = D.ERROR || "error";
    dz.emit("error", file, message);
  }
  function perFile(dz, D, files, response, xhr) {
    var entries = entriesOf(response);
    if (!entries) { return; }
    var status = xhr && xhr.status ? xhr.status : 200;
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i];
      if (!entry || typeof entry !== "object") { continue; }
      var file = files[slot(entry, i)];
      if (file && entry.saved !== true) { refuse(dz, D, file, messageFor(dz, entry, response, status)); }
    }
  }

  // Upstream #18: only leave the page when this queue run saved something.
  function redirect(dz, D, url, multiple) {
    var saved = 0;
    var SUCCESS = D.SUCCESS || "success";
    dz.on("success", function () { if (!multiple) { saved += 1; } });
    // Registered after perFile, so refused files are already errors here.
    dz.on("successmultiple", function (files) {
      for (var i = 0; i < files.length; i++) {
        if (files[i].status === SUCCESS) { saved += 1; }
      }
    });
    dz.on("queuecomplete", function () {
      var any = saved > 0;
      saved = 0;
      if (any) { window.location.href = url; }
    });
  }

  /* Upload on click: the button drives processQueue(), and each `complete` sends the next
     files until the queue is empty, whatever parallelUploads is. In a form, the first click
     uploads and the form is submitted once the queue completes. */
  function click(dz, spec) {
    var running = false, submitting = false;
    var button = document.getElementById(spec.button);
    dz.on("complete", function () {
      if (running && dz.getQueuedFiles().length > 0) { dz.processQueue(); }
    });
    if (!spec.inForm) {
      dz.on("queuecomplete", function () { running = false; });
      if (button) {
        button.addEventListener("click", function () {
          running = true;
          dz.processQueue();
        });
      }
      return;
    }
    function submit() {
      submitting = true;
      if (button && button.form && (button.type === "submit" || button.type === "image")) {
        button.click();
        return;
      }
      for (var n = dz.element.parentNode; n; n = n.parentNode) {
        if (n.nodeName === "FORM") {
          if (n.requestSubmit) { n.requestSubmit(); } else { n.submit(); }
          return;
        }
      }
    }
    dz.on("queuecomplete", function () {
      var wasRunning = running;
      running = false;
      if (wasRunning) { submit(); }
    });
    if (button) {
      button.addEventListener("click", function (e) {
        if (submitting) { return; }
        if (dz.getQueuedFiles().length === 0 && dz.getUploadingFiles().length === 0) { return; }
        e.preventDefault();
        e.stopPropagation();
        if (!running) {
          running = true;
          dz.processQueue();
        }
      });
    }
  }

  // Runs as Dropzone's `init`, with every default listener attached.
  function setup(dz, D, spec, code) {
    var multiple = !!(dz.options && dz.options.uploadMultiple);
    if (multiple) {
      dz.on("successmultiple", function (files, response) { perFile(dz, D, files, response, null); });
      dz.on("errormultiple", function (files, response, xhr) { perFile(dz, D, files, response, xhr); });
    }
    if (typeof spec.redirect === "string") { redirect(dz, D, spec.redirect, multiple); }
    if (spec.click) { click(dz, spec.click); }
    if (code && code.init) { code.init(dz); }
  }

  function options(D, spec, code) {
    var o = copy(spec.options, {});
    o.init = function () { setup(this, D, spec, code); };
    // custom_options (default mode only) are applied last, so they override anything.
    if (code && code.custom) { copy(code.custom(), o); }
    return o;
  }

  // Returns false while the library or the element is missing.
  function start(el, spec, code) {
    var D = window.Dropzone;
    if (!D || !el) { return false; }
    mark(D, el.id);
    if (el.dropzone) { return true; }
    if (!spec) { spec = readSpec(el); }
    if (!spec) { return true; }
    try {
      new D(el, options(D, spec, code));
    } catch (e) {
      // One broken zone must not keep the others from starting; still report it.
      setTimeout(function () { throw e; }, 0);
    }
    return true;
  }

  function startAll() {
    var ok = true;
    if (inline) { ok = start(document.getElementById(inline.id), inline.spec, inline); }
    var els = dataZones();
    for (var i = 0; i < els.length; i++) { ok = start(els[i], null, null) && ok; }
    return ok;
  }

  var D = window.Dropzone;
  if (D) {
    if (inline) { mark(D, inline.id); }
    var els = dataZones();
    for (var i = 0; i < els.length; i++) { mark(D, els[i].id); }
  }
  if (document.readyState === "loading" || !startAll()) {
    document.addEventListener("DOMContentLoaded", startAll);
    window.addEventListener("load", startAll);
  }
})();
