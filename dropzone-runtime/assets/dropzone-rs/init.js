/* dropzone-rs init (MIT). Starts every dropzone-rs zone on the page, once.
 *
 * Loaded once per page (after the Dropzone.js library, by load_js), as a file from the
 * assets router or inline. Zones come from two places:
 * - data blocks (default mode): script elements of type application/json whose
 *   data-dropzone-rs attribute is the zone element's id and whose text is the spec; a zone
 *   with custom code also has an inline script that sets the block's `dropzoneRs` property
 *   to {init?: function (dz), custom?: function () returning options};
 * - elements with a `data-dropzone` attribute whose value is the spec (strict CSP mode).
 * ES5 only; defines no global; running it any number of times starts each zone once.
 * May be inlined, so it never contains an HTML comment opener or a script tag (a test checks).
 * A spec is {v: 1, options: {...Dropzone options}, redirect?: url, click?: {button, inForm}}.
 */
(function () {
  "use strict";
  var VERSION = 1;
  var DATA = "data-dropzone-rs";

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
  function valid(spec) {
    return spec && spec.v === VERSION && spec.options ? spec : null;
  }
  function parse(text) {
    try {
      return valid(JSON.parse(text));
    } catch (e) {
      return null;
    }
  }
  // Every zone of the page so far: {id, el?, block?}, data blocks first, in page order.
  function zones() {
    var out = [], i;
    var scripts = document.getElementsByTagName("script");
    for (i = 0; i < scripts.length; i++) {
      var id = scripts[i].getAttribute(DATA);
      if (typeof id === "string") { out.push({ id: id, block: scripts[i] }); }
    }
    var els = document.querySelectorAll ? document.querySelectorAll("[data-dropzone]") : [];
    for (i = 0; i < els.length; i++) { out.push({ id: els[i].id, el: els[i] }); }
    return out;
  }
  function ours(el) {
    if (!el || !el.getAttribute) { return false; }
    if (el.getAttribute("data-dropzone") !== null) { return true; }
    var id = el.getAttribute("id"), all = zones();
    for (var i = 0; id && i < all.length; i++) {
      if (all[i].block && all[i].id === id) { return true; }
    }
    return false;
  }
  // 5.x auto-discovery (on DOMContentLoaded) skips elements whose Dropzone.options entry is
  // false: set it for the zones known now, and answer false for ours that come later. 6.x has
  // no discovery.
  function mark(D, id) {
    if (D && D.options && typeof id === "string" && id) { D.options[camelize(id)] = false; }
  }
  function guard(D) {
    var all = zones();
    for (var i = 0; i < all.length; i++) { mark(D, all[i].id); }
    var own = D.optionsForElement;
    if (typeof own !== "function" || own.dropzoneRs) { return; }
    var wrapped = function (el) {
      if (ours(el)) { mark(D, el.getAttribute("id")); return false; }
      return own.apply(this, arguments);
    };
    wrapped.dropzoneRs = true;
    D.optionsForElement = wrapped;
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

  /* ---- Resume after reload (issue 10): begin ----
     A chunked file's upload id (dzuuid) is remembered in localStorage, keyed by zone, name,
     size and lastModified, from its first chunk until it is stored (or the server answers
     410: gone). When the same file is added again, before Dropzone queues it (its `accept`),
     the page asks the zone's URL which chunks the server holds: a POST without a file part,
     with dzresume, dzuuid, dztotalfilesize, dzchunksize, dztotalchunkcount and dzfilename,
     and the zone's headers (zone id, CSRF token), so it is checked like an upload. If the
     server holds some, the file takes the remembered id and only the missing chunks are sent:
     Dropzone's sender (_uploadData, the same in 5.9.3 and 6.3.5) marks a held chunk done
     without a request. */
  var RESUME_PREFIX = "dropzone-rs:resume:";
  var UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  function resumeStore() {
    try { return window.localStorage || null; } catch (e) { return null; }
  }
  function resumeKey(dz, file) {
    var zone = dz.element && dz.element.id ? dz.element.id : "";
    return RESUME_PREFIX + JSON.stringify([zone, file.name, file.size, file.lastModified || 0]);
  }
  function resumable(dz, file) {
    var o = dz.options;
    return !!(o.chunking && !o.uploadMultiple && file && file.upload &&
      (o.forceChunking || file.size > o.chunkSize));
  }
  function remembered(dz, file) {
    var store = resumeStore(), id = null;
    try { id = store ? store.getItem(resumeKey(dz, file)) : null; } catch (e) { id = null; }
    return typeof id === "string" && UUID_RE.test(id) ? id : null;
  }
  function remember(dz, file) {
    var store = resumeStore();
    try { if (store) { store.setItem(resumeKey(dz, file), file.upload.uuid); } } catch (e) { /* full or denied: no resume */ }
  }
  function forgetUpload(dz, file) {
    var store = resumeStore();
    try { if (store) { store.removeItem(resumeKey(dz, file)); } } catch (e) { /* denied */ }
  }
  // Calls done(list of chunk indexes the server holds); [] on any failure.
  function askHeld(dz, file, id, done) {
    var o = dz.options, xhr = new XMLHttpRequest(), form = new FormData(), k;
    var count = Math.max(1, Math.ceil(file.size / o.chunkSize));
    form.append("dzresume", "1");
    form.append("dzuuid", id);
    form.append("dztotalfilesize", String(file.size));
    form.append("dzchunksize", String(o.chunkSize));
    form.append("dztotalchunkcount", String(count));
    form.append("dzfilename", file.upload.filename);
    xhr.open("POST", typeof o.url === "function" ? o.url.call(dz, [file]) : o.url, true);
    xhr.withCredentials = !!o.withCredentials;
    var headers = o.headers || {};
    for (k in headers) {
      if (hasOwn.call(headers, k) && headers[k] != null) { xhr.setRequestHeader(k, headers[k]); }
    }
    xhr.onload = function () {
      var held = null;
      if (xhr.status === 200) {
        try { held = JSON.parse(xhr.responseText).received; } catch (e) { held = null; }
      }
      done(Object.prototype.toString.call(held) === "[object Array]" ? held : []);
    };
    xhr.onerror = xhr.ontimeout = function () { done([]); };
    xhr.send(form);
  }
  function resumeAccept(dz, accept) {
    return function (file, done) {
      accept.call(this, file, function (error) {
        var id = !error && resumable(dz, file) ? remembered(dz, file) : null;
        if (!id) { done(error); return; }
        askHeld(dz, file, id, function (held) {
          var count = Math.max(1, Math.ceil(file.size / dz.options.chunkSize)), map = {}, n = 0;
          for (var i = 0; i < held.length; i++) {
            // The last missing chunk always goes for real: its answer is the file's.
            if (held[i] === Math.floor(held[i]) && held[i] >= 0 && held[i] < count && !map[held[i]]) {
              map[held[i]] = true;
              n += 1;
            }
          }
          if (n >= count) { delete map[count - 1]; n -= 1; }
          if (n > 0) {
            file.upload.uuid = id;
            file.dzrsHeld = map;
          } else {
            forgetUpload(dz, file);
          }
          done();
        });
      });
    };
  }
  function skipHeld(dz, D, send) {
    return function (files, blocks) {
      var file = files && files[0], block = blocks && blocks[0];
      var held = file && file.dzrsHeld;
      if (!(held && file.upload && file.upload.chunked && block && held[block.chunkIndex] === true)) {
        return send.apply(this, arguments);
      }
      // Once only: should the server lose it, a retry sends it.
      delete held[block.chunkIndex];
      var chunk = file.upload.chunks[block.chunkIndex];
      var size = block.data && block.data.size ? block.data.size : 0;
      chunk.progress = 100;
      chunk.total = size;
      chunk.bytesSent = size;
      // 6.x reads a finished chunk's answer from its XHR; none was sent for this one.
      chunk.xhr = { responseText: "", getAllResponseHeaders: function () { return ""; } };
      setTimeout(function () {
        if (file.status === (D.UPLOADING || "uploading")) { file.upload.finishedChunkUpload(chunk, null); }
      }, 0);
    };
  }
  function resume(dz, D) {
    if (!dz.options || !dz.options.chunking || typeof dz._uploadData !== "function") { return; }
    dz.options.accept = resumeAccept(dz, dz.options.accept || function (f, done) { done(); });
    dz._uploadData = skipHeld(dz, D, dz._uploadData);
    dz.on("sending", function (file) {
      if (resumable(dz, file) && file.upload.chunked && !file.dzrsRemembered) {
        file.dzrsRemembered = true;
        remember(dz, file);
      }
    });
    dz.on("success", function (file) { forgetUpload(dz, file); });
    dz.on("canceled", function (file) { forgetUpload(dz, file); });
    dz.on("error", function (file, message, xhr) {
      if (xhr && xhr.status === 410) { forgetUpload(dz, file); }
    });
  }
  /* ---- Resume after reload: end ---- */
  /* ==== dropzone-rs remove: begin =========================================================
     A stored file is removed on the server with the signed id its upload answer gave it
     ({files: [{field, saved, remove_id}]}): Dropzone's remove link (`removedfile`) and any
     element with a data-dropzone-rs-remove attribute naming this zone (the stored-file lists,
     dropzone_runtime::files::FileList) send it back as DELETE to the zone's url, in the
     X-Dropzone-Remove header, with the zone's own headers (zone id, CSRF token). A refused
     removal puts the file back with the server's message; nothing here is parsed as HTML. */
  var REMOVE_HEADER = "X-Dropzone-Remove";
  var REMOVE_ATTR = "data-dropzone-rs-remove";
  function removeIdOf(entry) {
    return entry && typeof entry === "object" && entry.saved === true &&
      typeof entry.remove_id === "string" && entry.remove_id ? entry.remove_id : null;
  }
  // A batch's entries name their file by field (file[N]); a single upload has one file.
  function keepRemoveIds(files, response, multiple) {
    var entries = entriesOf(response);
    for (var i = 0; entries && i < entries.length; i++) {
      var id = removeIdOf(entries[i]);
      var file = multiple ? files[slot(entries[i] || {}, i)] : files[0];
      if (file && id) { file.dropzoneRsRemoveId = id; }
      if (!multiple && id) { return; }
    }
  }
  function sendRemove(dz, id, done) {
    var o = dz.options, xhr = new XMLHttpRequest();
    var url = typeof o.url === "function" ? o.url.call(dz, []) : o.url;
    xhr.open("DELETE", url, true);
    var headers = o.headers || {};
    for (var k in headers) {
      if (hasOwn.call(headers, k) && headers[k]) { xhr.setRequestHeader(k, headers[k]); }
    }
    xhr.setRequestHeader(REMOVE_HEADER, id);
    xhr.onload = function () { done(xhr.status >= 200 && xhr.status < 300, xhr); };
    xhr.onerror = function () { done(false, xhr); };
    xhr.send();
  }
  function failure(xhr) {
    var text = xhr && typeof xhr.responseText === "string" ? xhr.responseText : "";
    return text && text.length <= 500 ? text : "The file could not be removed.";
  }
  function putBack(dz, D, file, message) {
    dz.files.push(file);
    dz.emit("addedfile", file);
    file.status = D.ERROR || "error";
    dz.emit("error", file, message);
  }
  function rowOf(el) {
    for (var n = el; n && n.getAttribute; n = n.parentNode) {
      if (n.getAttribute("data-dropzone-rs-file") !== null) { return n; }
    }
    return el;
  }
  function removeListed(dz, button) {
    var row = rowOf(button);
    button.disabled = true;
    sendRemove(dz, button.getAttribute(REMOVE_ATTR), function (ok, xhr) {
      if (ok) {
        if (row.parentNode) { row.parentNode.removeChild(row); }
        return;
      }
      button.disabled = false;
      var note = document.createElement("span");
      note.className = "dz-rs-remove-error";
      note.textContent = failure(xhr);
      row.appendChild(note);
    });
  }
  function removable(dz, D, multiple) {
    // Dropzone also emits `success` per file of a batch, with the whole batch's answer.
    if (multiple) {
      dz.on("successmultiple", function (files, response) { keepRemoveIds(files, response, true); });
    } else {
      // A chunked file's `success` carries the answer of whichever chunk request finished
      // last, and with parallel chunks that can be a chunk's acknowledgement arriving after the
      // request that stored the file: the id is then taken from the answer that gave it.
      dz.on("sending", function (file, xhr) {
        if (!file || !file.upload || !file.upload.chunked || !xhr || !xhr.addEventListener) { return; }
        xhr.addEventListener("load", function () {
          var answer = null;
          try { answer = JSON.parse(xhr.responseText); } catch (e) { return; }
          var entries = entriesOf(answer), id = entries && removeIdOf(entries[0]);
          if (id) { file.dzrsAnsweredRemoveId = id; }
        });
      });
      dz.on("success", function (file, response) {
        keepRemoveIds([file], response, false);
        if (file && !file.dropzoneRsRemoveId && file.dzrsAnsweredRemoveId) {
          file.dropzoneRsRemoveId = file.dzrsAnsweredRemoveId;
        }
      });
    }
    dz.on("removedfile", function (file) {
      var id = file && file.dropzoneRsRemoveId;
      if (!id) { return; }
      file.dropzoneRsRemoveId = null;
      sendRemove(dz, id, function (ok, xhr) {
        if (!ok) { file.dropzoneRsRemoveId = id; putBack(dz, D, file, failure(xhr)); }
      });
    });
    var zone = dz.element && dz.element.getAttribute ? dz.element.getAttribute("id") : null;
    if (!zone || !document.addEventListener) { return; }
    document.addEventListener("click", function (e) {
      for (var n = e.target; n && n.getAttribute; n = n.parentNode) {
        if (n.getAttribute(REMOVE_ATTR) !== null) {
          if (n.getAttribute("data-dropzone-rs-zone") === zone) {
            e.preventDefault();
            removeListed(dz, n);
          }
          return;
        }
      }
    });
  }
  /* ==== dropzone-rs remove: end =========================================================== */

  // Runs as Dropzone's `init`, with every default listener attached.
  function setup(dz, D, spec, code) {
    var multiple = !!(dz.options && dz.options.uploadMultiple);
    if (multiple) {
      dz.on("successmultiple", function (files, response) { perFile(dz, D, files, response, null); });
      dz.on("errormultiple", function (files, response, xhr) { perFile(dz, D, files, response, xhr); });
    }
    if (typeof spec.redirect === "string") { redirect(dz, D, spec.redirect, multiple); }
    if (spec.click) { click(dz, spec.click); }
    resume(dz, D);
    removable(dz, D, multiple);
    if (code && typeof code.init === "function") { code.init(dz); }
  }

  function options(D, spec, code) {
    var o = copy(spec.options, {});
    o.init = function () { setup(this, D, spec, code); };
    // custom_options (default mode only) are applied last, so they override anything.
    if (code && typeof code.custom === "function") { copy(code.custom(), o); }
    return o;
  }

  // Returns false while the library or the element is missing.
  function start(D, zone) {
    var el = zone.el || document.getElementById(zone.id);
    if (!el) { return false; }
    mark(D, zone.id);
    if (el.dropzone) { return true; }
    var spec = zone.block ? parse(zone.block.text || zone.block.textContent)
      : parse(el.getAttribute("data-dropzone"));
    if (!spec) { return true; }
    try {
      new D(el, options(D, spec, zone.block ? zone.block.dropzoneRs : null));
    } catch (e) {
      // One broken zone must not keep the others from starting; still report it.
      setTimeout(function () { throw e; }, 0);
    }
    return true;
  }

  function startAll() {
    var D = window.Dropzone;
    if (!D) { return false; }
    guard(D);
    var ok = true, all = zones();
    for (var i = 0; i < all.length; i++) { ok = start(D, all[i]) && ok; }
    return ok;
  }

  if (window.Dropzone) { guard(window.Dropzone); }
  if (document.readyState === "loading" || !startAll()) {
    document.addEventListener("DOMContentLoaded", startAll);
    window.addEventListener("load", startAll);
  }
})();
