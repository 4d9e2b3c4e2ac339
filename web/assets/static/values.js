// The values of an "is any of" filter typed as one line of text:
// separated by commas, a value that holds a comma or a double quote
// written in double quotes, a quote inside doubled, as in CSV:
//   free, "Enterprise, EU", "the ""best"" plan"
// The same rules as the server's (internal/valuelist) and the command
// line's --where. app.js and filters.js read and write values with it.
"use strict";
(function () {
  const space = (c) => c === " " || c === "\t" || c === "\n" || c === "\r";

  // parse returns {values} or {error}: a quoted value not closed, or text
  // after a closing quote, said with where.
  function parse(text) {
    const out = [];
    let i = 0;
    for (;;) {
      while (i < text.length && space(text[i])) i++;
      if (i === text.length) return { values: out };
      if (text[i] === ",") { i++; continue; }
      if (text[i] !== '"') {
        let j = text.indexOf(",", i);
        if (j < 0) j = text.length;
        out.push(text.slice(i, j).trim());
        i = j;
        continue;
      }
      const start = i;
      let v = "";
      i++;
      for (;;) {
        const j = text.indexOf('"', i);
        if (j < 0) return { error: `The value quoted at character ${start + 1} has no closing quote: end it with "` };
        v += text.slice(i, j);
        i = j + 1;
        if (text[i] === '"') { v += '"'; i++; continue; }
        break;
      }
      out.push(v);
      while (i < text.length && space(text[i])) i++;
      if (i < text.length && text[i] !== ",") {
        return { error: `After the quoted value "${v}", put a comma before the next value (character ${i + 1})` };
      }
    }
  }

  // quote is one value as format writes it.
  function quote(v) {
    return v === "" || /[,"]/.test(v) || v.trim() !== v ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  const format = (values) => values.map(quote).join(", ");

  // h builds an element: h("td", {class: "x"}, "text", child…). The page
  // scripts after this one (app.js, filters.js) take it from here.
  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v == null) continue;
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "value") e.value = v;
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const k of kids.flat()) if (k != null) e.append(k instanceof Node ? k : String(k));
    return e;
  }

  // conversations says how many conversations, as the pages count them:
  // "1 conversation", "1,234 conversations".
  const conversations = (n) => Number(n).toLocaleString("en-US") + (Number(n) === 1 ? " conversation" : " conversations");

  // choicesOf is the values a property's filter picks from: an enum's,
  // true and false for a bool; null for a value typed as text.
  function choicesOf(p) {
    if (p.kind === "enum" && p.values && p.values.length) return p.values;
    if (p.kind === "bool") return ["true", "false"];
    return null;
  }

  // A value a condition holds that the choices lack (the schema lost it)
  // is offered too, checked, to be unchecked.
  const lost = (p) => " (not a value of " + (p.label || p.name) + ")";

  // boxes picks the values of c ({property, op, values}) among choices,
  // one checkbox each: no value is typed, so none is split.
  function boxes(c, p, choices, onchange, attrs) {
    const all = choices.concat(c.values.filter((v) => !choices.includes(v)));
    return h("div", Object.assign({ class: "value-choices", role: "group", "aria-label": "Values" }, attrs || {}),
      all.map((v) => h("label", { class: "check value-choice" },
        h("input", { type: "checkbox", value: v, checked: c.values.includes(v),
          onchange: (ev) => {
            const on = new Set(c.values);
            if (ev.target.checked) on.add(v); else on.delete(v);
            c.values = all.filter((x) => on.has(x));
            onchange(ev.target);
          } }),
        h("span", {}, v, choices.includes(v) ? null : h("span", { class: "muted" }, lost(p))))));
  }

  // select picks the one value of c among choices.
  function select(c, p, choices, onchange, attrs) {
    const cur = c.values[0] || "";
    const all = cur && !choices.includes(cur) ? choices.concat([cur]) : choices;
    return h("select", Object.assign({ "aria-label": "Value", onchange: (ev) => { c.values = ev.target.value ? [ev.target.value] : []; onchange(ev.target); } }, attrs || {}),
      h("option", { value: "", selected: !cur }, "Choose a value"),
      all.map((v) => h("option", { value: v, selected: v === cur }, choices.includes(v) ? v : v + lost(p))));
  }

  // list types the values of c as text, read by parse; onchange gets the
  // input and the error of what is typed ("" when it reads), c then
  // holding no value.
  function list(c, onchange, attrs) {
    return h("input", Object.assign({ type: "text", "aria-label": "Values", placeholder: "Values, separated by commas", value: format(c.values),
      oninput: (ev) => {
        const r = parse(ev.target.value);
        c.values = r.error ? [] : r.values;
        onchange(ev.target, r.error || "");
      } }, attrs || {}));
  }
  const hint = 'Separate values with commas; write a value that holds a comma in double quotes, like "Paris, France".';

  window.convreportValues = { parse, format, quote, choicesOf, boxes, select, list, hint, h, conversations };
})();
