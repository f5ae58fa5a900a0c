const vm = require("vm");
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = [];
for (const c of cases) {
  const els = new Map([[c.id, { id: c.id, nodeName: "DIV", parentNode: null, addEventListener() {} }]]);
  let created = null, handlers = {};
  function Dropzone(element, options) {
    element.dropzone = this;
    this.element = element;
    this.on = (ev, fn) => { (handlers[ev] = handlers[ev] || []).push(fn); };
    created = options;
    options.init.call(this);
  }
  Dropzone.options = Object.create(null);
  const window = {
    Dropzone, location: { href: "/page" }, addEventListener() {},
    document: { readyState: "complete", getElementById: (id) => els.get(id) || null, addEventListener() {} },
  };
  window.window = window;
  dzBlocks.length = 0;
  const ctx = vm.createContext(window);
  addBlocks(ctx, window.document);
  vm.runInContext(c.script, ctx);
  for (const fn of handlers.success || []) fn();
  for (const fn of handlers.queuecomplete || []) fn();
  const key = c.id.replace(/[\-_](\w)/g, (m) => m.charAt(1).toUpperCase());
  const o = Object.assign({}, created);
  delete o.init;
  out.push({ options: o, marked: Dropzone.options[key] === false, href: window.location.href });
}
console.log(JSON.stringify(out));
