// convreport web UI. Plain script, no dependency: the pages work without
// it (charts link to drill-down pages); with it, points open a dialog,
// the create dialog and the report editor talk to the JSON API.
// Every URL is relative to the page's <base>, the handler's root.
"use strict";
(function () {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  // h builds an element: h("td", {class: "x"}, "text", child…).
  const h = window.convreportValues.h;

  const url = (path) => new URL(path, document.baseURI);
  // A filter's values: typed as a list, or picked (values.js).
  const V = window.convreportValues;
  // Asking before what was typed is lost (leave.js).
  const L = window.convreportLeave;

  // api sends a request to the JSON API and returns the decoded body; a
  // non-2xx answer throws its {"error": …} object, with the status.
  async function api(method, path, body) {
    const opts = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(url(path), opts);
    } catch (e) {
      throw { status: 0, code: "network", message: "The server cannot be reached. Check your connection and try again." };
    }
    let data = null;
    try { data = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) {
      const err = (data && data.error) || { code: "http_" + res.status, message: res.status + " " + res.statusText };
      err.status = res.status;
      throw err;
    }
    return data;
  }

  // "a", "a and b", "a, b and c".
  const joinAnd = (ws) => (ws.length < 2 ? ws.join("") : ws.slice(0, -1).join(", ") + " and " + ws[ws.length - 1]);

  function debounce(f, ms) {
    let t;
    return (...args) => { clearTimeout(t); t = setTimeout(() => f(...args), ms); };
  }

  function showError(box, err) {
    if (!box) return;
    if (!err) { box.hidden = true; box.textContent = ""; return; }
    box.hidden = false;
    const msg = err.message || String(err);
    box.textContent = msg.charAt(0).toUpperCase() + msg.slice(1);
  }

  // Dialogs close on their [data-close] buttons and on a click on the backdrop.
  function wireDialog(dlg) {
    $$("[data-close]", dlg).forEach((b) => b.addEventListener("click", () => dlg.close()));
    dlg.addEventListener("click", (ev) => { if (ev.target === dlg) dlg.close(); });
  }

  // edited lists the names of the fields of form f, but those of skip,
  // whose value is not their default: what the page drew, or what the
  // live stream set since (a name that follows a rename made elsewhere
  // until typed in).
  function edited(f, skip) {
    const out = new Set();
    for (const el of f.elements) {
      if (!el.name || skip.includes(el.name)) continue;
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked !== el.defaultChecked) out.add(el.name);
      } else if (el.tagName === "SELECT") {
        const def = Array.from(el.options).find((o) => o.defaultSelected) || el.options[0];
        if (def && el.value !== def.value) out.add(el.name);
      } else if (el.tagName === "INPUT" && el.value !== el.defaultValue) out.add(el.name);
    }
    return [...out];
  }

  // guardDialog has dlg ask before it closes on what was typed in it
  // (leave.js): by its close buttons, a click beside it, Escape, and a
  // reload. opts are L.dialog's; changed() is asked only while dlg is
  // open. It returns save(send, then): send's request on its way,
  // closing waits for it; refused, the error is thrown on, and said if
  // the person asked meanwhile; done, nothing asks more and then(stay)
  // runs (it loads a page); stay closes dlg, for a page that stays (the
  // person chose to), and has it ask again when next opened.
  function guardDialog(dlg, opts) {
    let sent = false;
    const g = L.dialog(dlg, { changed: () => dlg.open && !sent && opts.changed(), text: opts.text });
    return async (send, then) => {
      g.saving();
      try {
        await send();
      } catch (e) {
        g.refused(e);
        throw e;
      }
      sent = true;
      g.saved(() => then(() => { sent = false; dlg.close(); }));
    };
  }
  // A name in a question, as the editor's and the share dialog's say it.
  const strong = (text) => h("strong", {}, text);

  // Values and durations are never formatted here: the API sends them as
  // text (value_text, each row's text) made by the Go formatter every
  // output uses (render.FormatValue), so the dialog reads as the page.
  const count = (n) => Number(n).toLocaleString("en-US");

  // ---- Drill-down dialog -------------------------------------------------

  function initDrill() {
    const dlg = $("#drill-dialog");
    if (!dlg) return;
    wireDialog(dlg);
    const title = $("#drill-title", dlg), sub = $("#drill-sub", dlg), table = $("#drill-table", dlg);
    const counter = $("#drill-count", dlg), prev = $("#drill-prev", dlg), next = $("#drill-next", dlg);
    const errBox = $(".form-error", dlg);
    let st = null; // {path, params, total, seq}
    let seq = 0;
    // The report of the rows last loaded, which the subtitle names.
    let about = null; // {name, unit}

    // The subtitle: the report, then the point's value and count, or, when
    // the live stream no longer has the point, that it is gone.
    function subtitle(name, unit, p) {
      if (!p) return name + " · no longer in the chart";
      return name + " · " + (unit === "conversations" ? V.conversations(p.count) : p.value_text + " over " + V.conversations(p.count));
    }
    // The live stream (live.js) says what the point is now: the subtitle
    // follows it, as the chart does, while the rows stay as loaded until
    // "Show the new rows".
    // A report renamed meanwhile is named as it is now.
    dlg.addEventListener("drill-live", (ev) => {
      if (!about) return;
      if (ev.detail.name) about.name = ev.detail.name;
      sub.textContent = subtitle(about.name, ev.detail.unit || about.unit, ev.detail.point);
    });

    document.addEventListener("click", (ev) => {
      const a = ev.target.closest && ev.target.closest("[data-drill] a[href]");
      if (!a || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      const u = url(a.getAttribute("href"));
      const rel = a.getAttribute("href").split("?")[0];
      st = { path: "api/" + rel, params: u.searchParams, total: 0 };
      // Which point is open, for the live stream (live.js) to say when
      // its rows change.
      dlg.dataset.report = (rel.match(/\/reports\/([^/]+)\/drill$/) || [])[1] || "";
      dlg.dataset.point = u.searchParams.get("point") || "";
      dlg.dataset.other = u.searchParams.get("other") === "true" ? "true" : "";
      const changedBox = $("#drill-changed", dlg);
      if (changedBox) changedBox.hidden = true;
      st.params.set("offset", "0");
      st.params.set("limit", "25");
      title.textContent = "Conversations";
      sub.textContent = "";
      about = null;
      counter.textContent = "";
      table.replaceChildren(h("p", { class: "loading" }, "Loading conversations…"));
      dlg.dataset.state = "loading";
      if (!dlg.open) dlg.showModal();
      load();
    });

    async function load() {
      const mine = ++seq;
      showError(errBox, null);
      dlg.dataset.state = "loading";
      let d;
      try {
        d = await api("GET", st.path + "?" + st.params.toString());
      } catch (e) {
        if (mine !== seq) return;
        table.replaceChildren();
        showError(errBox, e);
        dlg.dataset.state = "error";
        return;
      }
      if (mine !== seq) return;
      st.total = d.total;
      title.textContent = d.point.label;
      about = { name: d.report.name, unit: d.unit };
      sub.textContent = subtitle(about.name, about.unit, d.point);
      const head = h("tr", {}, d.columns.map((c) => {
        const sorted = d.sort === c.name;
        return h("th", { scope: "col", "aria-sort": sorted ? (d.desc ? "descending" : "ascending") : null },
          h("button", { type: "button", title: "Sort by " + c.label, onclick: () => sortBy(c.name, sorted && !d.desc) }, c.label));
      }));
      const body = d.rows.map((r) => h("tr", { "data-id": r.id }, r.text.map((t) => h("td", { title: t }, t))));
      table.replaceChildren(d.rows.length
        ? h("table", { class: "data", id: "drill-rows" }, h("thead", {}, head), h("tbody", {}, body))
        : h("p", { class: "muted" }, "No conversations."));
      const first = d.offset + 1, last = d.offset + d.rows.length;
      // As the page without script says it (drillShown in pages.go); the
      // rows may have gone past the offset since the page was opened.
      counter.textContent = !d.total ? "0 conversations"
        : !d.rows.length ? "none past the last of " + V.conversations(d.total)
        : (first === last ? count(first) : count(first) + "–" + count(last)) + " of " + V.conversations(d.total);
      dlg.dataset.total = String(d.total);
      dlg.dataset.query = st.path + "?" + st.params.toString(); // export.js links its CSV
      prev.disabled = d.offset === 0;
      next.disabled = last >= d.total;
      dlg.dataset.state = "ready";
      // filters.js says what the point leaves out and its compared value.
      dlg.dispatchEvent(new CustomEvent("drill-loaded", { detail: d }));
    }
    // Another list of the same point: "previous", "excluded" or "point".
    dlg.drillList = (list) => {
      if (!st) return;
      st.params.set("list", list);
      st.params.set("offset", "0");
      load();
    };

    function sortBy(name, desc) {
      st.params.set("sort", name);
      st.params.set("desc", desc ? "true" : "false");
      st.params.set("offset", "0");
      load();
    }
    function page(delta) {
      const limit = Number(st.params.get("limit"));
      const off = Math.max(0, Number(st.params.get("offset")) + delta * limit);
      if (off >= st.total && delta > 0) return;
      st.params.set("offset", String(off));
      load();
    }
    prev.addEventListener("click", () => page(-1));
    next.addEventListener("click", () => page(1));
  }

  // ---- Date range --------------------------------------------------------

  function initRange() {
    const form = $("#range-form");
    if (!form) return;
    const sel = form.elements.range, custom = $("#custom-range", form);
    // "To" is the last day shown, included: the server turns it into the
    // address's exclusive to.
    const dates = [form.elements.from, form.elements.through];
    const sync = () => {
      const on = sel.value === "custom";
      custom.hidden = !on;
      dates.forEach((d) => { d.disabled = !on; });
    };
    sel.addEventListener("change", () => {
      sync();
      if (sel.value !== "custom") form.requestSubmit();
    });
    // "custom" is not a preset: send from and to instead.
    form.addEventListener("submit", () => { if (sel.value === "custom") sel.disabled = true; });
    // Back and forward show a page with the controls as they were left
    // (kept by the browser, or the page itself from its cache): the
    // choice that sent the form, not the view of the address. The page
    // drew each control's default from its address, as a load would.
    window.addEventListener("pageshow", () => {
      sel.disabled = false;
      form.reset();
      sync();
    });
    // Reset when the choice that sent it was not followed (leave.js):
    // the controls say the page's period again, once reset.
    form.addEventListener("reset", () => setTimeout(sync));
    sync();
  }

  // ---- Create dashboard --------------------------------------------------

  function initCreate() {
    const dlg = $("#create-dialog"), open = $("#create-open");
    if (!dlg || !open) return;
    const form = $("#create-form", dlg), errBox = $(".form-error", form);
    const name = form.elements.name, vis = form.elements.visibility;
    let nameTouched = false;
    name.addEventListener("input", () => { nameTouched = true; });
    // The dialog opens on the template's defaults: what a Cancel left
    // was discarded on the person's word, or was nothing.
    open.addEventListener("click", () => {
      form.reset();
      nameTouched = false;
      form.resetGrants();
      $(".grants", form).hidden = vis.value !== "specific";
      $$(".template", form).forEach((t) => { t.hidden = false; });
      $("#no-template", form).hidden = true;
      syncTemplate();
      showError(errBox, null);
      dlg.showModal();
    });
    // Chosen, typed or picked, the new dashboard is asked about before
    // the dialog closes. The search only shows templates.
    const named = () => (name.value.trim() ? [" ", strong(name.value.trim())] : []);
    const save = guardDialog(dlg, {
      changed: () => edited(form, ["q", "grant_allow", "add_allow"]).length > 0 || $$(".grant", form).length > 0,
      text: {
        title: "Discard new dashboard", discard: "Discard dashboard",
        ask: () => ["Discard the new dashboard", ...named(), "? It is not created."],
        savingTitle: "Creating the dashboard",
        saving: () => ["The new dashboard", ...named(), " is being created. Once it is, you go on; if it is refused, you stay here to see why."],
        refusedTitle: "Dashboard not created",
        refused: (why) => [why, " Keep editing to see what you can do, or discard the new dashboard", ...named(), "."],
      },
    });

    const chosen = () => $("input[name=template]:checked", form);
    function syncTemplate() {
      const c = chosen();
      $$(".template-reports", form).forEach((f) => { f.hidden = !c || f.dataset.reportsOf !== c.value; });
      if (c && !nameTouched) name.value = c.dataset.name;
    }
    $$("input[name=template]", form).forEach((r) => r.addEventListener("change", syncTemplate));
    vis.addEventListener("change", () => { $(".grants", form).hidden = vis.value !== "specific"; });
    // Each user or team with its own right, as the share dialog lists them.
    const grants = initGrants(form, (n) => `"${n}" is you, who will own this dashboard and can do everything with it: you need no grant.`);

    const search = debounce(async (q) => {
      try {
        const d = await api("GET", "api/templates?q=" + encodeURIComponent(q));
        const ids = new Set(d.templates.map((t) => t.id));
        $$(".template", form).forEach((t) => { t.hidden = !ids.has(t.dataset.template); });
        $("#no-template", form).hidden = ids.size > 0;
        const c = chosen();
        if ((!c || !ids.has(c.value)) && ids.size > 0) {
          const first = $(".template:not([hidden]) input[name=template]", form);
          first.checked = true;
          syncTemplate();
        }
      } catch (e) { showError(errBox, e); }
    }, 200);
    form.elements.q.addEventListener("input", (ev) => search(ev.target.value));
    form.elements.q.addEventListener("keydown", (ev) => { if (ev.key === "Enter") ev.preventDefault(); });

    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const c = chosen();
      if (!c) { showError(errBox, { message: "Choose a template." }); return; }
      const body = {
        template: c.value,
        name: name.value,
        visibility: vis.value,
        deselect: $$(`[data-reports-of="${c.value}"] input[name=report]`, form).filter((x) => !x.checked).map((x) => x.value),
      };
      if (vis.value === "specific") {
        // A name that cannot be added is said at its field.
        try { body.grants = grants(); } catch (e) { return; }
      }
      const submit = $("button[type=submit]", form);
      submit.disabled = true;
      try {
        let d;
        await save(async () => { d = await api("POST", "api/dashboards", body); },
          () => window.location.assign(url("dashboards/" + encodeURIComponent(d.id))));
      } catch (e) {
        showError(errBox, e);
        if (e.field === "name") name.focus();
        else if (e.field === "grants" && !form.markGrants(e)) form.elements.add_grant.focus();
      } finally {
        submit.disabled = false;
      }
    });
  }

  // ---- Report editor -----------------------------------------------------

  function initEditor() {
    const form = $("#editor");
    if (!form) return;
    const S = JSON.parse(form.dataset.state);
    const rep = S.report;
    const props = new Map(S.schema.properties.map((p) => [p.name, p]));
    const ops = S.schema.operators;
    const model = {
      name: rep.name,
      chart: { type: S.chart_type, stacked: !!(rep.chart && rep.chart.stacked), percent: !!(rep.chart && rep.chart.percent) },
      properties: (rep.properties || []).slice(),
      dimensions: (rep.dimensions || []).slice(),
      filter: rep.filter || "",
      conditions: (rep.conditions || []).map((c) => ({ property: c.property, op: c.op, values: (c.values || []).slice() })),
    };
    // The saved filters that no longer check against the schema (a
    // property it lost): marked until removed or changed.
    const staleReason = new WeakMap();
    // The values typed for an "is any of" that do not read as a list (a
    // quote not closed), by condition: {message, text}, said under the
    // row and kept as typed when it is drawn again, never sent.
    const listError = new WeakMap();
    // The filters a save refused, by condition: the reason, said under
    // the row until it is changed or removed (see placeProblems).
    const refusedReason = new WeakMap();
    // The groupings a save refused, by position, until the groupings change.
    const refusedDims = new Set();
    for (const x of S.stale || []) {
      if (model.conditions[x.index]) staleReason.set(model.conditions[x.index], x.reason);
    }
    const m = rep.measure || {};
    Object.assign(model, {
      agg: m.agg || "count",
      metric: m.metric || "first_response_time",
      p: m.p ? String(m.p) : "",
      threshold: m.threshold || "",
      sla: m.sla || "",
      target: m.target || "first_response",
      dimensions: (rep.dimensions || []).slice(),
      date: rep.date_property || "CreatedAt",
      bucket: rep.bucket || "",
      snapshot: !!rep.snapshot,
      sort: rep.sort || "value_desc",
      limit: rep.limit ? String(rep.limit) : "",
    });
    const nameIn = $("#edit-name"), chartSel = $("#edit-chart"), stacked = $("#edit-stacked"), percent = $("#edit-percent");
    const filterIn = $("#edit-filter"), status = $("#filter-status"), snippet = $("#filter-snippet");
    const errBox = $("#editor-error"), preview = $("#preview"), previewCard = preview.closest(".preview"), note = $("#preview-note");
    const aggSel = $("#edit-agg"), metricSel = $("#edit-metric"), pIn = $("#edit-p"), thresholdIn = $("#edit-threshold");
    const dateSel = $("#edit-date"), bucketSel = $("#edit-bucket"), snapshotIn = $("#edit-snapshot");
    const sortSel = $("#edit-sort"), limitIn = $("#edit-limit"), stale = $("#preview-stale");
    nameIn.value = model.name;
    chartSel.value = model.chart.type;
    stacked.checked = model.chart.stacked;
    percent.checked = model.chart.percent;
    filterIn.value = model.filter;
    aggSel.value = model.agg;
    metricSel.value = model.metric;
    pIn.value = model.p;
    thresholdIn.value = model.threshold;
    // The SLA controls exist when the server keeps policies.
    const slaSel = $("#edit-sla"), targetSel = $("#edit-target");
    if (slaSel) {
      if (model.sla && !$$("option", slaSel).some((o) => o.value === model.sla)) {
        // A policy the server no longer keeps: shown, to choose another.
        slaSel.append(h("option", { value: model.sla }, model.sla + " (not among the policies)"));
      }
      if (model.sla) slaSel.value = model.sla;
      targetSel.value = model.target;
    }
    if (!$$("option", dateSel).some((o) => o.value === model.date)) {
      // A date property the schema lost, or that is no longer a date:
      // shown, to choose another.
      const lost = props.get(model.date);
      dateSel.append(h("option", { value: model.date }, lost ? lost.label + " (not a date)" : model.date + " (not in the schema)"));
      dateSel.setAttribute("aria-invalid", "true");
    }
    dateSel.value = model.date;
    bucketSel.value = model.bucket;
    snapshotIn.checked = model.snapshot;
    sortSel.value = model.sort;
    limitIn.value = model.limit;

    // The measure's own inputs show when they apply: a metric for every
    // aggregation but a count, P for a percentile, a time for a share.
    function syncMeasure() {
      const a = aggSel.value;
      const sla = a.startsWith("sla_");
      $("#metric-field").hidden = a === "count" || sla;
      $("#p-field").hidden = a !== "percentile";
      $("#threshold-field").hidden = a !== "share_within";
      if (slaSel) {
        $("#sla-field").hidden = !sla;
        $("#target-field").hidden = !sla;
      }
    }
    function syncSnapshot() {
      // A snapshot has no date range: its date controls say so by being off.
      dateSel.disabled = snapshotIn.checked;
      bucketSel.disabled = snapshotIn.checked;
    }

    // Field errors are shown next to the control the API names.
    const controlOf = { name: nameIn, measure: aggSel, dimensions: $("#dim-search"), date_property: dateSel, bucket: bucketSel,
      snapshot: snapshotIn, sort: sortSel, limit: limitIn, chart: chartSel, properties: $("#prop-add"), calendar: $("#edit-calendar") };
    // fieldError shows e by the control of its field, alone; with also,
    // beside those shown.
    function fieldError(e, also) {
      if (!also) {
        $$(".field-error[data-error-for]").forEach((p) => { p.hidden = true; p.textContent = ""; });
        Object.values(controlOf).forEach((c) => c && c.removeAttribute("aria-invalid"));
      }
      if (!e) return false;
      const slot = e.field && $(`.field-error[data-error-for="${e.field}"]`);
      if (!slot) return false;
      // "report "Name": chart: a pie chart…" → "a pie chart…": the control
      // already says which report and which part.
      let msg = String(e.message || "");
      const at = msg.indexOf(": " + e.field + ": ");
      if (msg.startsWith("report ") && at >= 0) msg = msg.slice(at + e.field.length + 4);
      slot.textContent = msg.charAt(0).toUpperCase() + msg.slice(1);
      slot.hidden = false;
      if (controlOf[e.field]) controlOf[e.field].setAttribute("aria-invalid", "true");
      return true;
    }

    // The properties in the chart: an ordered list, reordered by drag and
    // drop or by Alt+arrow keys, fed from a searchable list.
    const groupable = S.schema.dimensions.map((n) => props.get(n)).filter(Boolean);
    const maxDims = S.schema.max_dimensions;
    const dimsList = $("#dims"), search = $("#dim-search"), options = $("#dim-options");
    function moveDim(from, to) {
      if (to < 0 || to >= model.dimensions.length || from === to) return;
      refusedDims.clear();
      const [d] = model.dimensions.splice(from, 1);
      model.dimensions.splice(to, 0, d);
      renderDims();
      changed();
      const li = dimsList.children[to];
      if (li) li.focus();
    }
    let dragFrom = -1;
    // A property the schema lost (the report was saved before) is shown as
    // it is, marked, for the editor to remove it or choose another; so is
    // one the schema now gives a kind that does not group.
    const gone = " (not in the schema)";
    const labelOf = (n) => (props.get(n) ? props.get(n).label : n + gone);
    const dimLabel = (n) => (!props.get(n) || groupable.some((p) => p.name === n) ? labelOf(n) : labelOf(n) + " (does not group)");
    function renderDims() {
      dimsList.replaceChildren(...(model.dimensions.length ? model.dimensions.map((n, i) => h("li", {
        class: "dim" + (groupable.some((p) => p.name === n) ? "" : " missing") + (refusedDims.has(i) ? " invalid" : ""),
        "aria-invalid": refusedDims.has(i) ? "true" : null, tabindex: "0", draggable: "true", "data-dimension": n,
        "aria-label": (i === 0 ? "Grouped by " : "Broken down by ") + dimLabel(n) + ", position " + (i + 1) + " of " + model.dimensions.length,
        onkeydown: (ev) => {
          if (!ev.altKey || (ev.key !== "ArrowUp" && ev.key !== "ArrowDown")) return;
          ev.preventDefault();
          moveDim(i, ev.key === "ArrowUp" ? i - 1 : i + 1);
        },
        ondragstart: (ev) => { dragFrom = i; ev.dataTransfer.effectAllowed = "move"; ev.dataTransfer.setData("text/plain", n); },
        ondragover: (ev) => { if (dragFrom >= 0) { ev.preventDefault(); ev.dataTransfer.dropEffect = "move"; } },
        ondrop: (ev) => { ev.preventDefault(); const f = dragFrom; dragFrom = -1; moveDim(f, i); },
        ondragend: () => { dragFrom = -1; },
      },
      h("span", { class: "dim-role" }, i === 0 ? "Group by" : "Break down by"),
      h("span", { class: "dim-name" }, dimLabel(n)),
      h("span", { class: "dim-tools" },
        h("button", { type: "button", class: "icon-button", "aria-label": "Move " + n + " up", disabled: i === 0, onclick: () => moveDim(i, i - 1) }, "↑"),
        h("button", { type: "button", class: "icon-button", "aria-label": "Move " + n + " down", disabled: i === model.dimensions.length - 1, onclick: () => moveDim(i, i + 1) }, "↓"),
        h("button", { type: "button", class: "icon-button", "aria-label": "Remove " + n, onclick: () => { model.dimensions.splice(i, 1); refusedDims.clear(); renderDims(); changed(); } }, "×"))))
        : [h("li", { class: "none" }, "None: one number, or a time series with a frequency")]));
      renderOptions();
    }
    function renderOptions() {
      const full = model.dimensions.length >= maxDims;
      $("#dims-full").hidden = !full;
      search.disabled = full;
      const q = search.value.trim().toLowerCase();
      const shown = full ? [] : groupable.filter((p) => !model.dimensions.includes(p.name) &&
        (!q || p.label.toLowerCase().includes(q) || p.name.toLowerCase().includes(q)));
      options.replaceChildren(...shown.map((p) => h("li", { role: "option", "aria-selected": "false" },
        h("button", { type: "button", class: "prop-option", "data-add-dimension": p.name, onclick: () => addDim(p.name) }, p.label,
          p.custom ? h("span", { class: "muted" }, " · custom") : null))));
      if (!full && !shown.length) options.replaceChildren(h("li", { class: "muted" }, "No property matches."));
    }
    function addDim(name) {
      if (model.dimensions.length >= maxDims || model.dimensions.includes(name)) return;
      refusedDims.clear();
      model.dimensions.push(name);
      search.value = "";
      renderDims();
      changed();
    }
    search.addEventListener("input", renderOptions);
    search.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter") return;
      ev.preventDefault();
      const first = $("[data-add-dimension]", options);
      if (first) addDim(first.dataset.addDimension);
    });

    // The chart drawn: the type chosen, or for Automatic the one the
    // report resolves to (Report.ChartType): a line over time, bars by a
    // property, one number otherwise. Stacking is offered where it is bars.
    function drawnChart() {
      if (chartSel.value) return chartSel.value;
      if (!snapshotIn.checked && bucketSel.value) return "line";
      return model.dimensions.length ? "bar" : "summary";
    }
    function syncChartOptions() {
      const t = drawnChart();
      $("#chart-options").hidden = t !== "bar" && t !== "column";
    }

    // Display properties as removable chips.
    function renderProps() {
      const ul = $("#props");
      ul.replaceChildren(...(model.properties.length ? model.properties.map((n, i) => h("li", { class: "chip" + (props.get(n) ? "" : " missing"), "data-property": n },
        labelOf(n),
        h("button", { type: "button", "aria-label": "Remove " + n, onclick: () => { model.properties.splice(i, 1); renderProps(); changed(); } }, "×")))
        : [h("li", { class: "none" }, "Default columns: ID, created, channel, inbox, assignee, status")]));
      $$("#prop-add option").forEach((o) => { o.disabled = o.value !== "" && model.properties.includes(o.value); });
    }
    $("#prop-add-button").addEventListener("click", () => {
      const sel = $("#prop-add");
      if (!sel.value || model.properties.includes(sel.value)) return;
      model.properties.push(sel.value);
      sel.value = "";
      renderProps();
      changed();
    });

    // Structured conditions: property, operator, values.
    function opsFor(kind) { return ops.filter((o) => !o.kinds || o.kinds.includes(kind)); }
    // A condition names its property by name ("Inbox") or by key
    // ("inbox"). One the schema does not have is shown as it is, never as
    // another property, for the check to say what is wrong with it.
    const byKey = new Map(S.schema.properties.map((p) => [p.key, p]));
    function renderConditions(invalidIndex) {
      const box = $("#conditions");
      box.replaceChildren(...model.conditions.map((c, i) => {
        const known = props.get(c.property) || byKey.get(c.property);
        if (known) c.property = known.name;
        const p = known || { name: c.property, label: c.property, kind: "" };
        const available = known ? opsFor(p.kind) : ops;
        if (!available.some((o) => o.op === c.op)) c.op = available[0].op;
        const op = available.find((o) => o.op === c.op);
        const propSel = h("select", { "aria-label": "Property", onchange: (ev) => { c.property = ev.target.value; c.values = []; staleReason.delete(c); listError.delete(c); refusedReason.delete(c); renderConditions(); changed(); } },
          known ? null : h("option", { value: c.property, selected: true }, c.property + " (unknown property)"),
          S.schema.properties.map((x) => h("option", { value: x.name, selected: x.name === c.property }, x.label)));
        const opSel = h("select", { "aria-label": "Operator", onchange: (ev) => { c.op = ev.target.value; staleReason.delete(c); listError.delete(c); refusedReason.delete(c); renderConditions(); changed(); } },
          available.map((o) => h("option", { value: o.op, selected: o.op === c.op }, o.label)));
        const listId = "values-" + i;
        const input = (j, ph) => h("input", { type: "text", "aria-label": "Value", placeholder: ph, value: c.values[j] || "", list: p.values ? listId : null,
          oninput: (ev) => { c.values[j] = ev.target.value; unmark(c, ev.target); changed(); } });
        const stale = staleReason.get(c);
        // An enum's or a bool's values are picked, never typed: a value
        // may hold a comma ("Enterprise, EU"), which a list typed as text
        // would split.
        const choices = V.choicesOf(p);
        const typo = listError.get(c);
        const picked = (el) => { unmark(c, el); changed(); };
        let values = [];
        if (op.values === -1 && choices) {
          values = [V.boxes(c, p, choices, picked)];
        } else if (op.values === -1) {
          values = [V.list(c, (el, err) => { showTypo(c, el, err); picked(el); }, typo ? { value: typo.text } : null)];
        } else if (op.values === 1 && choices) {
          values = [V.select(c, p, choices, picked)];
        } else if (op.values === 1) {
          values = [input(0, placeholderFor(p, op))];
        } else if (op.values === 2) {
          values = [input(0, "From"), input(1, "To (exclusive)")];
        }
        c.values = c.values.slice(0, op.values === -1 ? undefined : op.values);
        const refused = refusedReason.get(c);
        if (refused) {
          propSel.setAttribute("aria-invalid", "true");
          propSel.setAttribute("aria-describedby", "refused-" + i);
        }
        return h("div", { class: "condition" + (i === invalidIndex ? " invalid" : "") + (stale ? " stale" : "") + (refused ? " refused" : ""), "data-index": i },
          propSel, opSel,
          h("button", { type: "button", class: "icon-button remove", "aria-label": "Remove filter", onclick: () => { model.conditions.splice(i, 1); renderConditions(); changed(); } }, "×"),
          h("div", { class: "values" }, values),
          op.values === -1 && !choices ? h("p", { class: "condition-hint" }, V.hint) : null,
          h("p", { class: "condition-typo", role: "alert", hidden: !typo }, typo ? typo.message : ""),
          stale ? h("p", { class: "condition-stale" }, "No longer checks: " + stale + ". Remove or change this filter.") : null,
          refused ? h("p", { class: "condition-refused", id: "refused-" + i }, refused) : null,
          p.values && !choices ? h("datalist", { id: listId }, p.values.map((v) => h("option", { value: v }))) : null);
      }));
    }
    // showTypo says, under its row, why the values typed do not read (a
    // quote not closed), or clears it; the row is not drawn again, which
    // would lose the focus of the value typed.
    function showTypo(c, input, err) {
      if (err) listError.set(c, { message: err, text: input.value }); else listError.delete(c);
      const p = input.closest(".condition").querySelector(".condition-typo");
      p.textContent = err;
      p.hidden = !err;
    }
    // A filter that no longer checked is being changed: the validation
    // says from now on whether it does. Its row is not drawn again, which
    // would lose the focus of the value typed.
    function unmark(c, input) {
      if (refusedReason.delete(c)) {
        const row = input.closest(".condition");
        row.classList.remove("refused");
        $$("[aria-invalid]", row).forEach((el) => el.removeAttribute("aria-invalid"));
        const msg = row.querySelector(".condition-refused");
        if (msg) msg.remove();
      }
      if (!staleReason.delete(c)) return;
      const row = input.closest(".condition");
      row.classList.remove("stale");
      const msg = row.querySelector(".condition-stale");
      if (msg) msg.remove();
    }
    function placeholderFor(p, op) {
      if (op.op === "in_last_days") return "Number of days";
      switch (p.kind) {
        case "duration": return "Like 5m or 1h30m";
        case "time": return "Date, like 2025-03-01";
        case "number": return "Number";
        default: return "Value";
      }
    }
    $("#cond-add").addEventListener("click", () => {
      model.conditions.push({ property: "Inbox", op: "is_any_of", values: [] });
      renderConditions();
    });

    function body() {
      const a = aggSel.value;
      const measure = { agg: a };
      if (a.startsWith("sla_")) {
        measure.sla = slaSel ? slaSel.value : "";
        measure.target = targetSel ? targetSel.value : "";
      } else if (a !== "count") measure.metric = metricSel.value;
      if (a === "percentile") measure.p = pIn.value.trim() === "" ? 0 : Number(pIn.value);
      if (a === "share_within") measure.threshold = thresholdIn.value.trim();
      const limit = limitIn.value.trim();
      return {
        name: nameIn.value,
        measure,
        dimensions: model.dimensions,
        date_property: snapshotIn.checked ? "" : dateSel.value,
        bucket: snapshotIn.checked ? "" : bucketSel.value,
        snapshot: snapshotIn.checked,
        sort: sortSel.value,
        // Not a whole number: sent as it is, for the API to name the field.
        limit: limit === "" ? 0 : (Number.isInteger(Number(limit)) ? Number(limit) : limit),
        chart: { type: chartSel.value, stacked: !percent.checked && stacked.checked && !$("#chart-options").hidden, percent: percent.checked && !$("#chart-options").hidden },
        properties: model.properties,
        dimensions: model.dimensions,
        filter: filterIn.value,
        // A condition still being filled in is not sent.
        conditions: model.conditions.filter((c) => complete(c)),
        calendar: calendarChoice(),
      };
    }
    // The business-hours toggle: a calendar's name, or "" for calendar time.
    const business = $("#edit-business"), calendarSel = $("#edit-calendar");
    function calendarChoice() { return business && business.checked && calendarSel ? calendarSel.value : ""; }
    function syncCalendar() { if (calendarSel) calendarSel.disabled = !business.checked; }
    if (business) {
      syncCalendar();
      business.addEventListener("change", () => { syncCalendar(); changed(); });
      calendarSel.addEventListener("change", changed);
    }
    function complete(c) {
      const op = ops.find((o) => o.op === c.op);
      if (!op) return false;
      if (op.values === -1) return c.values.length > 0;
      for (let j = 0; j < op.values; j++) if (!c.values[j] || !String(c.values[j]).trim()) return false;
      return true;
    }

    // Live validation of the expression and the conditions.
    let vseq = 0;
    const validate = debounce(async () => {
      const mine = ++vseq;
      const b = body();
      try {
        const d = await api("POST", "api/filters/validate", { filter: b.filter, conditions: b.conditions, dashboard: S.dashboard });
        if (!d.valid) throw d.error;
        if (mine !== vseq) return;
        status.className = "filter-status ok";
        status.textContent = b.filter.trim() || b.conditions.length ? "✓ Valid filter" : "";
        snippet.hidden = true;
        $$(".condition.invalid").forEach((e) => e.classList.remove("invalid"));
      } catch (e) {
        if (mine !== vseq) return;
        status.className = "filter-status error";
        status.textContent = e.line ? `Line ${e.line}, column ${e.column}: ${e.message.replace(/ \(line \d+, column \d+\)$/, "")}` : e.message;
        snippet.hidden = !e.snippet;
        snippet.textContent = e.snippet || "";
        $$(".condition").forEach((el) => el.classList.toggle("invalid", e.index != null && Number(el.dataset.index) === rowOf(e.index)));
      }
    }, 250);
    // The server numbers the conditions it was sent; map back to the rows.
    function rowOf(i) {
      let n = -1;
      for (let j = 0; j < model.conditions.length; j++) {
        if (complete(model.conditions[j]) && ++n === i) return j;
      }
      return -1;
    }

    // Live preview: the edited report run for the dashboard's period. A
    // report the API refuses keeps the last preview, marked stale, and the
    // refusal is shown next to the control it names.
    const base = S.new
      ? `api/dashboards/${encodeURIComponent(S.dashboard)}/reports`
      : `api/dashboards/${encodeURIComponent(S.dashboard)}/reports/${encodeURIComponent(rep.id)}`;
    let pseq = 0;
    // What the saved report became elsewhere (see "Edits made elsewhere"
    // below): removed, the builder's preview runs the edits; the dashboard
    // gone for this viewer, there is nothing to run them on.
    let reportRemoved = false, noPreview = false;
    // The report a save refused on several parts, as a preview sends it: a
    // preview of that same report (one on its way as the refusal came)
    // leaves the marks the refusal placed, which say more than its one.
    let refusedBody = "";
    const ofRefused = (b) => refusedBody !== "" && JSON.stringify(b) === refusedBody;
    const refresh = debounce(async () => {
      if (noPreview) return;
      const mine = ++pseq;
      previewCard.classList.add("busy");
      const b = body();
      try {
        const where = S.new || reportRemoved ? `api/dashboards/${encodeURIComponent(S.dashboard)}/preview` : base + "/preview";
        const d = await api("POST", `${where}?${S.period}`, b);
        if (mine !== pseq) return;
        preview.innerHTML = d.svg; // drawn by the server, every text escaped
        $("#preview-title").textContent = d.report.name;
        const n = d.result.points.reduce((s, p) => s + p.count, 0);
        $("#preview-meta").textContent = d.chart.y.title + (d.chart.x.title ? " by " + d.chart.x.title.toLowerCase() : "") + " · " + count(n) + " conversations";
        preview.dataset.count = String(n);
        preview.dataset.points = String(d.result.points.length);
        if (!ofRefused(b)) {
          if (!conflict) showError(errBox, null);
          fieldError(null);
        }
        note.hidden = true;
        stale.hidden = true;
        const staleNote = $("#preview-stale-filter");
        if (staleNote) staleNote.hidden = true;
        previewCard.dataset.state = "ok";
      } catch (e) {
        if (mine !== pseq) return;
        previewCard.dataset.state = "refused";
        if (ofRefused(b)) note.hidden = false; // the save's refusal says it all
        else if (e.field === "filter" || e.field === "conditions") { fieldError(null); note.hidden = false; }
        else if (fieldError(e)) { if (!conflict) showError(errBox, null); stale.hidden = false; }
        else if (!conflict) showError(errBox, e);
      } finally {
        if (mine === pseq) previewCard.classList.remove("busy");
      }
    }, 350);

    // The preview is stale from the first keystroke, not from when the
    // debounced request leaves: it says so at once (and a test waiting for
    // "ok" waits for the preview of the last change).
    function changed() {
      syncChartOptions(); // an Automatic chart follows the groupings
      syncDefinition();
      validate();
      if (noPreview) return;
      previewCard.classList.add("busy");
      previewCard.dataset.state = "pending";
      refresh();
    }
    nameIn.addEventListener("input", changed);
    aggSel.addEventListener("change", () => { syncMeasure(); changed(); });
    [metricSel, dateSel, bucketSel, sortSel].forEach((c) => c.addEventListener("change", changed));
    if (slaSel) [slaSel, targetSel].forEach((c) => c.addEventListener("change", changed));
    [pIn, thresholdIn, limitIn].forEach((c) => c.addEventListener("input", changed));
    snapshotIn.addEventListener("change", () => { syncSnapshot(); changed(); });
    chartSel.addEventListener("change", () => { syncChartOptions(); changed(); });
    stacked.addEventListener("change", changed);
    percent.addEventListener("change", changed);
    filterIn.addEventListener("input", changed);

    // Saving: update, save as new, or add a new report to the dashboard.
    // A refusal names a field: it is shown there, and nothing is saved.
    // unready says why the form cannot be sent yet, or "".
    function unready() {
      const typo = model.conditions.findIndex((c) => listError.has(c));
      if (typo >= 0) {
        const msg = listError.get(model.conditions[typo]).message;
        return `Filter ${typo + 1}: ${msg.charAt(0).toLowerCase() + msg.slice(1)}.`;
      }
      if (model.conditions.some((c) => !complete(c))) return "Fill in or remove the filter that has no value yet.";
      return "";
    }
    let busy = false;
    // An update refused over another's change: the refusal, with its
    // choices, stays until the next save, whatever preview lands after it.
    let conflict = false;
    async function save(how) {
      const why = unready();
      if (why) {
        showError(errBox, { message: why });
        return;
      }
      const b = body();
      b.version = S.version;
      b.created = S.created; // with the version, which dashboard: see initManage
      // The report as the editor opened it: the server refuses to update
      // it over another's change, and saves it as new whatever changed.
      if (!S.new) b.base = rep;
      busy = true;
      syncButtons();
      conflict = false;
      showError(errBox, null);
      refusedBody = "";
      const sent = state();
      guard.saving();
      try {
        const d = how === "new" ? await api("POST", base + "/save-as-new", b)
          : how === "add" ? await api("POST", base, b)
            : await api("PATCH", base, b);
        const back = S.back.replace(/#.*$/, "") + "#report-" + encodeURIComponent(d.report.id);
        settle(sent);
        guard.saved(() => window.location.assign(url(back)));
      } catch (e) {
        if (e.problems && e.problems.length > 1) {
          // Several parts refused: each by its control, all in the summary.
          placeProblems(e.problems);
          showError(errBox, e);
          refusedBody = JSON.stringify(body());
        } else if (!fieldError(e)) {
          showError(errBox, e.status === 409 ? { message: e.message } : e);
          conflict = e.status === 409;
          // The report changed elsewhere: what was typed stays, and the
          // choices are here, by the refusal.
          if (e.status === 409 && e.changed) conflictChoices();
        }
        busy = false;
        syncButtons();
        guard.refused(e);
      }
    }
    // placeProblems says each part a save refused by its control, as the
    // parts of a report that no longer runs are said (refused_all): a
    // grouping or a filter by its row, the filter expression under it,
    // other parts in their field's note; the first gets the focus.
    function placeProblems(problems) {
      fieldError(null);
      refusedDims.clear();
      model.conditions.forEach((c) => refusedReason.delete(c));
      filterIn.removeAttribute("aria-invalid");
      const notes = new Map(); // field → its messages
      const targets = []; // a function per problem, its control once drawn
      for (const p of problems) {
        let msg = String(p.message || "");
        if (msg.startsWith(p.field + ": ")) msg = msg.slice(p.field.length + 2);
        if (p.field === "conditions" && p.index != null && rowOf(p.index) >= 0) {
          const j = rowOf(p.index);
          refusedReason.set(model.conditions[j], msg.charAt(0).toUpperCase() + msg.slice(1));
          targets.push(() => $(`#conditions .condition[data-index="${j}"] select`));
          continue;
        }
        if (p.field === "filter") {
          status.className = "filter-status error";
          status.textContent = p.line ? `Line ${p.line}, column ${p.column}: ${msg.replace(/ \(line \d+, column \d+\)$/, "")}` : msg;
          snippet.hidden = !p.snippet;
          snippet.textContent = p.snippet || "";
          filterIn.setAttribute("aria-invalid", "true");
          targets.push(() => filterIn);
          continue;
        }
        if (p.field === "dimensions" && p.index != null && p.index < model.dimensions.length) {
          refusedDims.add(p.index);
          const i = p.index;
          targets.push(() => dimsList.children[i]);
        } else {
          targets.push(() => controlOf[p.field]);
        }
        if (!notes.has(p.field)) notes.set(p.field, []);
        notes.get(p.field).push(msg);
      }
      for (const [field, msgs] of notes) fieldError({ field, message: msgs.join("; ") }, true);
      renderDims();
      renderConditions();
      const first = targets.map((t) => t()).find((el) => el && el.focus);
      if (first) first.focus();
    }
    filterIn.addEventListener("input", () => filterIn.removeAttribute("aria-invalid"));
    function conflictChoices() {
      const saveNew = $("#save-new");
      if (saveNew && !planOff.has("#save-new")) {
        errBox.append(" ", h("button", { type: "button", class: "button", id: "conflict-save-new", onclick: () => save("new") }, "Save as new report"));
      }
      errBox.append(" ", h("button", { type: "button", class: "button", id: "conflict-load", onclick: loadTheirs }, "Load their version"));
      // The notice says what changed, again, once the stream has it.
      kept = "";
      if (known) follow(known);
    }
    if (S.new) {
      $("#add-report").addEventListener("click", () => save("add"));
    } else {
      $("#update").addEventListener("click", () => save("update"));
      $("#save-new").addEventListener("click", () => save("new"));
    }
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const b = $(S.new ? "#add-report" : "#update");
      if (b && !b.disabled) save(S.new ? "add" : "update");
    });

    // ---- Edits made elsewhere ----------------------------------------------
    // The editor follows its dashboard (api/dashboards/{id}/watch, see
    // editwatch.go) and never reloads itself: what was typed stays until
    // the person chooses. While the report is as it was opened, it takes
    // the dashboard's version, so that a change to the rest of the
    // dashboard does not refuse its save. Changed elsewhere, a notice says
    // what and when, to load their version or keep editing (an update is
    // then refused: save as new). Removed, it can be saved as new. The
    // right to edit lost, or the dashboard gone, it can be saved in
    // another dashboard the person may edit, or copied.
    const notice = $("#editor-notice"), rescueBox = $("#rescue");
    const planOff = new Set(["#update", "#save-new", "#add-report"].filter((x) => $(x) && $(x).disabled));
    let known = null; // the stream's last state
    let kept = ""; // the definition of theirs the person chose to keep editing over
    form.dataset.version = String(S.version);
    // The parts of a report, in the editor's words (conflict.go's).
    const parts = [["name", "its name"], ["description", "its description"], ["measure", "its measure"],
      ["dimensions", "the properties in its chart"], ["date_property", "the date its range applies to"], ["bucket", "its frequency"],
      ["snapshot", "whether it is a snapshot"], ["sort", "its sort"], ["limit", "its top"], ["chart", "its visualization"],
      ["properties", "its display properties"], ["calendar", "its business hours"], ["conditions", "its filters"],
      ["filter", "its filter expression"]];
    function changesOf(a, b) {
      const out = parts.filter(([k]) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).map(([k, w]) => (k === "name" ? `${w} (now “${b.name}”)` : w));
      return out.length ? out : ["its settings"];
    }
    // " at 14:05", or " on Jun 3 at 14:05" another day: the person's clock.
    function when(iso) {
      if (!iso) return "";
      const t = new Date(iso), today = new Date();
      const hm = t.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
      return t.toDateString() === today.toDateString() ? " at " + hm : " on " + t.toLocaleDateString("en-US", { month: "short", day: "numeric" }) + " at " + hm;
    }
    function loadTheirs() {
      // Asked for: the editor loads the report as saved, and what was
      // typed goes (the form keeps no value of its own across a load).
      // The notice said so: the page asks nothing more.
      L.reload();
    }
    function syncButtons() {
      const st = known ? known.state : "same";
      const noEdit = !!known && (!known.can_edit || st === "gone" || st === "recreated");
      const set = (sel, off, why) => {
        const b = $(sel);
        if (!b || planOff.has(sel)) return;
        b.disabled = busy || off;
        if (off) b.title = why; else b.removeAttribute("title");
      };
      const cannot = "You may no longer edit this dashboard";
      set("#update", noEdit || st === "removed", noEdit ? cannot : "The report was removed from the dashboard: save it as a new report");
      set("#save-new", noEdit, cannot);
      set("#add-report", noEdit, cannot);
    }
    function say(state, title, text, serious) {
      notice.hidden = false;
      notice.dataset.state = state;
      notice.classList.toggle("serious", !!serious);
      $("#notice-title").textContent = title;
      $("#notice-text").textContent = text;
    }
    function actions(...buttons) { $("#notice-actions").replaceChildren(...buttons); }
    function follow(ev) {
      known = ev;
      const same = ev.created === S.created;
      // A version the person has seen all of: the report is as opened.
      if (same && (ev.state === "same" || ev.state === "removed")) {
        S.version = ev.version;
        form.dataset.version = String(S.version);
      }
      if (ev.state === "removed" && !reportRemoved) { reportRemoved = true; changed(); }
      if (ev.state === "gone" || ev.state === "recreated") {
        noPreview = true;
        previewCard.classList.remove("busy");
        previewCard.dataset.state = "unavailable";
      }
      syncButtons();
      const keep = " What you typed here is not saved: save it as a new report in a dashboard you may edit, or copy its definition.";
      let rescue = false;
      if (ev.state === "gone") {
        say("gone", "This dashboard is no longer available to you", ev.reason + keep, true);
        actions();
        rescue = true;
      } else if (ev.state === "recreated") {
        say("recreated", "This dashboard was deleted since you opened the editor", ev.reason + keep, true);
        actions();
        rescue = true;
      } else if (!ev.can_edit) {
        say("readonly", `You may no longer edit “${ev.name}”`, "Its access changed since you opened the editor." + keep, true);
        actions();
        rescue = true;
      } else if (ev.state === "removed") {
        say("removed", "This report was removed from the dashboard" + when(ev.changed_at),
          `Someone else, or you in another tab, removed it since you opened it. What you typed here is not saved: Save as new report adds it to “${ev.name}” again.`);
        actions();
      } else if (ev.state === "changed" && ev.def !== kept) {
        say("changed", "This report was changed elsewhere" + when(ev.changed_at),
          `Someone else, or you in another tab, saved it since you opened it: ${joinAnd(changesOf(rep, ev.report))} changed. ` +
          "Load their version to go on from it (what you typed here goes), or keep editing and save yours as a new report: updating would overwrite theirs, and is refused.");
        actions(h("button", { type: "button", class: "button primary", id: "notice-load", onclick: loadTheirs }, "Load their version"),
          h("button", { type: "button", class: "button", id: "notice-keep", onclick: () => { kept = ev.def; notice.hidden = true; notice.dataset.state = "kept"; } }, "Keep editing"));
      } else if (ev.state === "same" || ev.state === "changed") {
        // As opened again, or a change the person chose to keep editing over.
        notice.hidden = true;
        notice.dataset.state = ev.state === "same" ? "same" : "kept";
      }
      showRescue(rescue);
    }

    // The definition, kept: saved in another dashboard, or copied.
    function definition() {
      const b = body();
      delete b.version;
      return b;
    }
    function syncDefinition() {
      if (!rescueBox.hidden) $("#rescue-json").value = JSON.stringify(definition(), null, 2);
    }
    let listed = false;
    async function showRescue(on) {
      const was = !rescueBox.hidden;
      rescueBox.hidden = !on;
      if (!on || was) return;
      syncDefinition();
      if (listed) return;
      listed = true;
      const sel = $("#rescue-dashboard"), err = $("#rescue-error");
      try {
        const d = await api("GET", "api/dashboards");
        const mine = d.dashboards.filter((x) => x.permissions && x.permissions.edit);
        sel.replaceChildren(...mine.map((x) => h("option", { value: x.id, "data-version": String(x.version), "data-created": x.created_at }, x.name)));
        $("#rescue-none").hidden = mine.length > 0;
        sel.closest(".row").hidden = mine.length === 0;
      } catch (e) {
        listed = false;
        showError(err, e);
      }
    }
    $("#rescue-save").addEventListener("click", async () => {
      const sel = $("#rescue-dashboard"), err = $("#rescue-error"), opt = sel.selectedOptions[0];
      if (!opt) return;
      const why = unready();
      if (why) { showError(err, { message: why }); return; }
      const b = definition();
      b.version = Number(opt.dataset.version);
      b.created = opt.dataset.created;
      const btn = $("#rescue-save");
      btn.disabled = true;
      showError(err, null);
      const sent = state();
      guard.saving();
      try {
        const d = await api("POST", `api/dashboards/${encodeURIComponent(opt.value)}/reports`, b);
        settle(sent);
        guard.saved(() => window.location.assign(url(`dashboards/${encodeURIComponent(opt.value)}${S.period ? "?" + S.period : ""}#report-${encodeURIComponent(d.report.id)}`)));
      } catch (e) {
        showError(err, e);
        btn.disabled = false;
        guard.refused(e);
      }
    });
    $("#rescue-copy").addEventListener("click", async () => {
      const ta = $("#rescue-json"), done = $("#rescue-copied");
      syncDefinition();
      try {
        await navigator.clipboard.writeText(ta.value);
        done.textContent = "Copied.";
      } catch (e) {
        // No clipboard for this page (not a secure context): selected, to
        // copy with the keyboard.
        ta.focus();
        ta.select();
        done.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy it.";
      }
    });

    function watch() {
      if (!window.EventSource) return;
      const u = url(`api/dashboards/${encodeURIComponent(S.dashboard)}/watch`);
      if (!S.new) {
        u.searchParams.set("report", rep.id);
        u.searchParams.set("def", S.def || "");
      }
      u.searchParams.set("created", S.created);
      const es = new EventSource(u, { withCredentials: true });
      es.addEventListener("state", (ev) => {
        const st = JSON.parse(ev.data);
        follow(st);
        if (st.state === "gone" || st.state === "recreated") es.close();
      });
      es.addEventListener("error", () => {
        if (es.readyState !== EventSource.CLOSED) return; // the browser reconnects
        // The server answered an error: the dashboard may be gone for this
        // viewer, or the server away. Ask which; else try again later.
        fetch(url(`api/dashboards/${encodeURIComponent(S.dashboard)}`), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then((res) => {
            if (res.status === 404) follow({ state: "gone", can_edit: false, reason: "It was deleted, or its access changed so that you may no longer see it." });
            else setTimeout(watch, 5000);
          }, () => setTimeout(watch, 5000));
      });
    }
    watch();

    // ---- Leaving with changes not saved ------------------------------------
    // Once the form differs from the report as opened, leaving the page
    // asks first (leave.js): the browser's own prompt for a reload, a
    // close, Back or an address typed; this page's dialog, which says what
    // is lost, for its links (Cancel, the breadcrumb, the top bar).
    // Changed back to as opened, it asks nothing; saved, or their version
    // loaded from the notice, neither. A save on its way, leaving waits
    // for it: saved, the page goes where the person asked; refused, the
    // dialog says why, and the changes stay.
    // state is what a person would lose: the report as a save sends it,
    // with the filters still being filled in that hold a value, and the
    // values typed that do not read yet.
    function state() {
      const b = body();
      b.conditions = model.conditions.filter((c) => complete(c) || listError.has(c) || c.values.some((v) => String(v).trim() !== ""))
        .map((c) => ({ property: c.property, op: c.op, values: c.values, typed: listError.has(c) ? listError.get(c).text : undefined }));
      return JSON.stringify(b);
    }
    let baseline = "";
    // settle takes the form as it was sent as saved: what was typed
    // while the save was on its way is not, and still asks.
    function settle(sent) { baseline = sent; }
    const dashboardName = $("#leave-dialog").dataset.dashboardName;
    const named = () => {
      const name = nameIn.value.trim();
      return name ? [" ", h("strong", {}, name)] : [];
    };
    const guard = L.page({
      changed: () => state() !== baseline,
      text: S.new ? {
        title: "Discard new report", discard: "Discard report",
        ask: () => ["Discard the new report", ...named(), "? It is not added to ", h("strong", {}, dashboardName), "."],
        savingTitle: "Adding the report",
        saving: () => ["The new report", ...named(), " is being added to ", h("strong", {}, dashboardName),
          ". Once it is, you go on; if it is refused, you stay here to see why."],
        refusedTitle: "Report not added",
        refused: (why) => [why, " Keep editing to see what you can do, or discard the new report", ...named(), "."],
      } : {
        title: "Discard changes", discard: "Discard changes",
        ask: () => ["Discard your changes to ", h("strong", {}, rep.name), "? You changed ",
          joinAnd(changesOf(JSON.parse(baseline), JSON.parse(state()))), ": none of it is saved."],
        savingTitle: "Saving changes",
        saving: () => ["Your changes to ", h("strong", {}, rep.name), " are being saved. Once they are, you go on; if they are refused, you stay here to see why."],
        refusedTitle: "Changes not saved",
        refused: (why) => [why, " Keep editing to see what you can do, or discard your changes to ", h("strong", {}, rep.name), "."],
      },
    });

    syncChartOptions();
    syncMeasure();
    syncSnapshot();
    renderDims();
    renderProps();
    renderDims();
    renderConditions();
    // Each part the server no longer runs (a property of another kind now,
    // a Top over its limits, a calendar gone) is said by its control until
    // it is changed.
    (S.refused_all || []).forEach((r) => fieldError({ field: r.field, message: r.reason }, true));
    // The server drew the first preview; validate what the report holds.
    if (model.filter || model.conditions.length) validate();
    // The report as opened, drawn: what leaving compares with.
    settle(state());
  }

  // ---- Add a report from the library --------------------------------------

  function initLibrary() {
    const dlg = $("#library-dialog"), open = $("#library-open");
    if (!dlg || !open) return;
    wireDialog(dlg);
    const errBox = $(".form-error", dlg);
    open.addEventListener("click", () => { showError(errBox, null); dlg.showModal(); });
    const search = debounce(async (q) => {
      try {
        const d = await api("GET", "api/templates?q=" + encodeURIComponent(q));
        const ids = new Set(d.templates.map((t) => t.id));
        $$(".library-template", dlg).forEach((t) => { t.hidden = !ids.has(t.dataset.template); });
        $("#library-none", dlg).hidden = ids.size > 0;
      } catch (e) { showError(errBox, e); }
    }, 200);
    $("#library-q", dlg).addEventListener("input", (ev) => search(ev.target.value));
    dlg.addEventListener("click", async (ev) => {
      const b = ev.target.closest && ev.target.closest("[data-add-report]");
      if (!b) return;
      b.disabled = true;
      showError(errBox, null);
      try {
        // The version the page shows now: the live stream (live.js)
        // follows edits made elsewhere.
        const head = $("#dashboard-head");
        const d = await api("POST", `api/dashboards/${encodeURIComponent(dlg.dataset.dashboard)}/reports`, {
          version: Number(head.dataset.version), created: head.dataset.created, template: b.dataset.addTemplate, report: b.dataset.addReport });
        const u = new URL(window.location.href);
        u.hash = "report-" + d.report.id;
        // As the dashboard's own saves (initManage): a filter typed in
        // the row is kept across the load.
        L.goOn(["The report was added: the page loads again to show it."], {
          reload: () => window.location.replace(u.toString()),
          kept: () => { dlg.close(); b.disabled = false; },
        });
      } catch (e) {
        showError(errBox, e);
        b.disabled = false;
      }
    });
  }

  // ---- Manage the dashboard ----------------------------------------------

  // "ben, team:Support" → [{kind, name}].
  function parseGrantNames(text) {
    return text.split(",").map((s) => s.trim()).filter(Boolean).map((s) =>
      s.toLowerCase().startsWith("team:") ? { kind: "team", name: s.slice(5).trim() } : { kind: "user", name: s });
  }

  // The grants of the share and create dialogs: a row per user or team,
  // each with its own right. A row whose right was not changed is sent as
  // it was stored, so saving the share dialog untouched changes nothing.
  // ownerNeedsNone says why a grant to the owner, named, is refused.
  function initGrants(f, ownerNeedsNone) {
    const list = $(".grant-list", f), none = $(".grants-none", f), errBox = $(".form-error", f);
    const owner = f.dataset.owner || "";
    // The rows as stored, for a dialog opened again after a Cancel.
    const stored = $$(".grant", list).map((li) => li.cloneNode(true));
    const addIn = f.elements.add_grant, addAllow = f.elements.add_allow;
    const sync = () => { none.hidden = list.children.length > 0; };
    // A grant the server refused is marked in its row, the reason beside
    // it, until that row is changed or removed.
    function unmarkRow(li) {
      li.classList.remove("refused");
      const sel = $("select", li);
      sel.removeAttribute("aria-invalid");
      sel.removeAttribute("aria-describedby");
      const p = $(".grant-error", li);
      if (p) p.remove();
    }
    // The reason of grant i, without what its row already says:
    // 'Dashboard "x": grants: grant 3 (user "Ben"): differs…' → 'Differs…'.
    function grantReason(msg, i) {
      const head = "grants: grant " + (i + 1);
      const at = msg.indexOf(head);
      if (at < 0) return msg;
      let rest = msg.slice(at + head.length);
      if (rest.startsWith(" (")) {
        const end = rest.indexOf('"): ');
        if (end >= 0) rest = rest.slice(end + 4);
      } else if (rest.startsWith(": ")) rest = rest.slice(2);
      return rest.charAt(0).toUpperCase() + rest.slice(1);
    }
    let marks = 0;
    // markGrants marks each grant a refusal names (its problems, or the
    // refusal itself), counted from 0 as the rows were sent, and moves
    // the focus to the first; it returns whether it marked any.
    f.markGrants = (e) => {
      const rows = $$(".grant", list);
      rows.forEach(unmarkRow);
      const named = (e && e.problems && e.problems.length ? e.problems : [e])
        .filter((p) => p && p.field === "grants" && p.index != null && rows[p.index]);
      for (const p of named) {
        const li = rows[p.index], sel = $("select", li), id = "grant-error-" + (++marks);
        li.classList.add("refused");
        sel.setAttribute("aria-invalid", "true");
        sel.setAttribute("aria-describedby", id);
        li.append(h("p", { class: "grant-error", id }, grantReason(String(p.message || ""), p.index)));
      }
      if (named.length) $("select", rows[named[0].index]).focus();
      return named.length > 0;
    };
    // Captured: a change event need not bubble to be the row's.
    list.addEventListener("change", (ev) => {
      const li = ev.target.closest && ev.target.closest(".grant");
      if (li) unmarkRow(li);
    }, true);
    const rowOf = (kind, name) => $$(".grant", list).find((li) => li.dataset.kind === kind && li.dataset.name === name);
    const labelOf = (g) => (g.kind === "team" ? "Team " + g.name : g.name);
    // Why the names typed cannot be added, or "". Names are matched
    // exactly, case included: "Ben" beside "ben", or beside the owner,
    // would be someone else, most likely nobody. A name already in the
    // list is not refused: adding it sets its row's right.
    function refusal(gs) {
      const rows = $$(".grant", list).map((li, i) => ({ kind: li.dataset.kind, name: li.dataset.name, row: i + 1 }));
      const typed = [];
      for (const g of gs) {
        if (!g.name) return `"team:" needs the team's name after it.`;
        if (g.kind === "user" && g.name === owner) return ownerNeedsNone(g.name);
        if (g.kind === "user" && g.name.toLowerCase() === owner.toLowerCase()) {
          return `"${g.name}" differs only by case from the owner, "${owner}", who needs no grant. Names are matched exactly, case included.`;
        }
        const like = (o) => o.kind === g.kind && o.name !== g.name && o.name.toLowerCase() === g.name.toLowerCase();
        const row = rows.find(like);
        if (row) {
          return `"${labelOf(g)}" differs only by case from "${labelOf(row)}", row ${row.row} of the list. Names are matched exactly, case included: ` +
            `change the right in that row, or remove it first.`;
        }
        const other = typed.find(like);
        if (other) return `"${labelOf(g)}" and "${labelOf(other)}" differ only by case. Names are matched exactly, case included: type one of them.`;
        typed.push(g);
      }
      return "";
    }
    // add moves the names typed into the list, or, when one cannot be
    // added, adds none, says why and keeps what was typed; it returns
    // that error.
    function add() {
      const gs = parseGrantNames(addIn.value);
      const why = refusal(gs);
      if (why) {
        const err = { message: why, field: "add_grant" };
        showError(errBox, err);
        addIn.focus();
        return err;
      }
      if (gs.length) showError(errBox, null);
      for (const g of gs) {
        const row = rowOf(g.kind, g.name);
        if (row) { $("select", row).value = addAllow.value; continue; }
        const label = g.kind === "team" ? "Team " + g.name : g.name;
        list.append(h("li", { class: "grant", "data-kind": g.kind, "data-name": g.name },
          h("span", { class: "grant-name" }, label),
          h("select", { name: "grant_allow", "aria-label": "What " + label + " can do" },
            h("option", { value: "view", selected: addAllow.value === "view" }, "Can view"),
            h("option", { value: "edit", selected: addAllow.value === "edit" }, "Can edit")),
          h("button", { type: "button", class: "icon-button", "data-remove-grant": true, "aria-label": "Remove " + label, title: "Remove" }, "×")));
      }
      addIn.value = "";
      sync();
      return null;
    }
    $(".grant-add > button", f).addEventListener("click", () => add());
    addIn.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); add(); } });
    list.addEventListener("click", (ev) => {
      const b = ev.target.closest && ev.target.closest("[data-remove-grant]");
      if (!b) return;
      // Focus goes on to the next row's remove button, or to the add field.
      const row = b.closest(".grant"), next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      sync();
      (next ? $("[data-remove-grant]", next) : addIn).focus();
    });
    f.resetGrants = () => {
      list.replaceChildren(...stored.map((li) => li.cloneNode(true)));
      addIn.value = "";
      sync();
    };
    // What is typed but not yet added is added when the dialog is saved;
    // a name that cannot be stops the save.
    return () => {
      const err = add();
      if (err) throw err;
      return $$(".grant", list).map((li) => {
        const v = $("select", li).value, stored = li.dataset.allow;
        const allow = stored !== undefined && v === (stored === "edit" ? "edit" : "view") ? stored : v;
        return li.dataset.kind === "team" ? { team: li.dataset.name, allow } : { user: li.dataset.name, allow };
      });
    };
  }

  function initManage() {
    const head = $("#dashboard-head");
    if (!head) return;
    // Every change names the dashboard the page shows: its version, and
    // its creation, which tells it from one deleted and created again
    // under its ID since (at version 1 anew). Both are read when the
    // change is sent: the live stream (live.js) follows edits made
    // elsewhere, and the page with them.
    const id = head.dataset.dashboard;
    const shown = () => ({ version: Number(head.dataset.version), created: head.dataset.created });
    const seen = () => "?version=" + head.dataset.version + "&created=" + encodeURIComponent(head.dataset.created);
    const path = "api/dashboards/" + encodeURIComponent(id);
    const pageError = $("#manage-error");
    const menu = $("#manage-menu");

    // Each menu item opens its dialog; the dialog's form does the change.
    $$("[data-open]").forEach((b) => b.addEventListener("click", () => {
      const dlg = $("#" + b.dataset.open);
      if (menu) menu.open = false;
      showError($(".form-error", dlg), null);
      // A dialog opens on what is stored, not on what a Cancel left (it
      // asked first).
      const f = $("form", dlg);
      if (f) f.reset();
      // Saved before, and the page stayed (goOn): it saves again.
      const submit = f && $("button[type=submit]", f);
      if (submit) submit.disabled = false;
      if (f && f.resetGrants) {
        f.resetGrants();
        $(".grants", f).hidden = f.elements.visibility.value !== "specific";
      }
      dlg.showModal();
    }));
    // form wires a dialog's form to send; guarded, its closing is the
    // guard's (leave.js).
    function form(dialogId, send, guarded) {
      const dlg = $("#" + dialogId);
      if (!dlg) return;
      if (!guarded) wireDialog(dlg);
      const f = $("form", dlg), errBox = $(".form-error", dlg), submit = $("button[type=submit]", f);
      f.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        submit.disabled = true;
        showError(errBox, null);
        try {
          await send(f, dlg);
        } catch (e) {
          showError(errBox, e);
          const el = e.field && f.elements[e.field];
          if (el && el.focus) el.focus();
          submit.disabled = false;
        }
      });
      return dlg;
    }
    const dashName = () => strong($("#dashboard-name").textContent);
    // After a save of the page's own, the page loads again to show it
    // (before run first). A filter typed in the row, not applied, is
    // kept across the load; what cannot be is asked about, why said
    // (leave.js); kept runs when the person stays.
    const loadAgain = (why, before, kept) => L.goOn([why], { reload: before || (() => {}), kept });
    // Renamed or copied, what was typed is asked about before the dialog
    // closes, as the share dialog's.
    let saveName = null, saveCopy = null;
    const renamed = form("rename-dialog", (f) => saveName(() => api("PATCH", path, { ...shown(), name: f.elements.name.value }),
      (stay) => loadAgain("The dashboard was renamed: the page loads again to show it.", null, stay)), true);
    if (renamed) {
      const name = $("form", renamed).elements.name;
      saveName = guardDialog(renamed, {
        changed: () => name.value !== name.defaultValue,
        text: {
          title: "Discard new name", discard: "Discard name",
          ask: () => (name.value.trim() ? ["Discard the name “", name.value.trim(), "” you typed for "] : ["Discard your change to the name of "])
            .concat([dashName(), "? The dashboard is not renamed."]),
          savingTitle: "Renaming the dashboard",
          saving: () => ["The new name of ", dashName(), " is being saved. Once it is, you go on; if it is refused, you stay here to see why."],
          refusedTitle: "Name not saved",
          refused: (why) => [why, " Keep editing to see what you can do, or discard the new name of ", dashName(), "."],
        },
      });
    }
    let copyID = "";
    const copy = form("copy-dialog", (f) => saveCopy(async () => {
      const d = await api("POST", path + "/copy", { name: f.elements.name.value, visibility: f.elements.visibility.value });
      copyID = d.id;
    }, (stay) => L.goOn(["The copy is saved: its page opens."],
      { href: url("dashboards/" + encodeURIComponent(copyID) + window.location.search).href, kept: stay })), true);
    if (copy) {
      const f = $("form", copy);
      const changes = () => {
        const ch = edited(f, []), out = [];
        if (ch.includes("name")) out.push(`its name (now “${f.elements.name.value}”)`);
        if (ch.includes("visibility")) out.push(`who can access it (now “${f.elements.visibility.selectedOptions[0].textContent}”)`);
        return out;
      };
      saveCopy = guardDialog(copy, {
        changed: () => changes().length > 0,
        text: {
          title: "Discard copy", discard: "Discard copy",
          ask: () => ["Discard the copy of ", dashName(), "? You changed ", joinAnd(changes()), ": no copy is saved."],
          savingTitle: "Saving the copy",
          saving: () => ["The copy of ", dashName(), " is being saved. Once it is, you go on; if it is refused, you stay here to see why."],
          refusedTitle: "Copy not saved",
          refused: (why) => [why, " Keep editing to see what you can do, or discard the copy of ", dashName(), "."],
        },
      });
    }
    let grants = null, shareGuard = null, shareState = null, shareStored = "";
    const share = form("share-dialog", async (f) => {
      const vis = f.elements.visibility.value;
      const body = { ...shown(), visibility: vis, grants: vis === "specific" ? grants() : [] };
      // As sent: the names typed are added to the list by now.
      const sent = shareState();
      shareGuard.saving();
      try {
        await api("PATCH", path, body);
      } catch (e) {
        // A grant refused is marked in its row; the rows stay as edited.
        f.markGrants(e);
        shareGuard.refused(e);
        throw e;
      }
      // Saved: the page loads again to show it.
      shareStored = sent;
      shareGuard.saved(() => loadAgain("Who can access the dashboard is saved: the page loads again to show it.", null, () => share.close()));
    }, true);
    if (share) {
      const f = $("form", share);
      grants = initGrants(f, (n) => `"${n}" owns this dashboard and can already do everything: it needs no grant.`);
      f.elements.visibility.addEventListener("change", () => { $(".grants", f).hidden = f.elements.visibility.value !== "specific"; });
      // Edited, the dialog asks before it closes: it opens again on what
      // is stored, what was typed gone. Names typed and not yet added
      // count: a save adds them.
      const rows = () => $$(".grant", f).map((li) => [li.dataset.kind, li.dataset.name, $("select", li).value]);
      shareState = () => JSON.stringify({ visibility: f.elements.visibility.value, grants: rows(), typed: f.elements.add_grant.value.trim() });
      shareStored = shareState();
      const changes = () => {
        const was = JSON.parse(shareStored), now = JSON.parse(shareState()), out = [];
        if (was.visibility !== now.visibility) out.push(`its access (now “${f.elements.visibility.selectedOptions[0].textContent}”)`);
        if (JSON.stringify(was.grants) !== JSON.stringify(now.grants) || now.typed) out.push("its users and teams");
        return out;
      };
      shareGuard = L.dialog(share, {
        changed: () => share.open && shareState() !== shareStored,
        text: {
          title: "Discard changes", discard: "Discard changes",
          ask: () => ["Discard your changes to who can access ", dashName(), "? You changed ", joinAnd(changes()), ": none of it is saved."],
          savingTitle: "Saving changes",
          saving: () => ["Your changes to who can access ", dashName(), " are being saved. Once they are, you go on; if they are refused, you stay here to see why."],
          refusedTitle: "Changes not saved",
          refused: (why) => [why, " Keep editing to see what you can do, or discard your changes to who can access ", dashName(), "."],
        },
      });
    }
    form("delete-dialog", async () => {
      await api("DELETE", path + seen());
      // A filter typed for it goes with it: nothing to ask.
      L.go(url("./").href);
    });

    // Reports: move one place earlier or later, or remove (confirmed).
    const order = () => $$("#reports [data-report]").map((c) => c.dataset.report);
    // moveTo saves the order with report id at position j, then shows it.
    async function moveTo(id, j) {
      const ids = order().filter((x) => x !== id);
      ids.splice(j, 0, id);
      await api("PATCH", path, { ...shown(), order: ids });
      const u = new URL(window.location.href);
      u.hash = "report-" + id;
      loadAgain("The report was moved: the page loads again to show it.", () => window.location.replace(u.toString()));
    }
    // The cards' tools are handled on the grid, whose cards the live
    // stream may add, replace, remove or move.
    const grid = $("#reports");
    // A move button is off at either end of the dashboard.
    const syncMoves = () => {
      const ids = order();
      $$("[data-move-report]").forEach((b) => {
        const j = ids.indexOf(b.dataset.moveReport) + Number(b.dataset.by);
        b.disabled = j < 0 || j >= ids.length;
      });
    };
    syncMoves();
    if (grid) grid.addEventListener("cards-changed", syncMoves);
    let removing = null;
    const remove = form("remove-dialog", async () => {
      await api("DELETE", path + "/reports/" + encodeURIComponent(removing) + seen());
      loadAgain("The report was removed: the page loads again to show it.", null, () => remove.close());
    });
    if (grid) grid.addEventListener("click", async (ev) => {
      const mv = ev.target.closest && ev.target.closest("[data-move-report]");
      if (mv) {
        mv.disabled = true;
        try {
          await moveTo(mv.dataset.moveReport, order().indexOf(mv.dataset.moveReport) + Number(mv.dataset.by));
        } catch (e) {
          showError(pageError, e);
          mv.disabled = false;
        }
        return;
      }
      const rm = ev.target.closest && ev.target.closest("[data-remove-report]");
      if (rm && remove) {
        removing = rm.dataset.removeReport;
        $("#remove-name", remove).textContent = rm.dataset.title;
        showError($(".form-error", remove), null);
        $("button[type=submit]", remove).disabled = false;
        remove.showModal();
      }
    });
    // Drag a card by its handle onto another card: it takes that card's place.
    let dragging = null;
    const target = (ev) => {
      const card = ev.target.closest && ev.target.closest("#reports [data-report]");
      return card && dragging && dragging !== card.dataset.report ? card : null;
    };
    if (grid) {
      grid.addEventListener("dragstart", (ev) => {
        const hd = ev.target.closest && ev.target.closest("[data-drag-report]");
        if (!hd) return;
        dragging = hd.dataset.dragReport;
        ev.dataTransfer.effectAllowed = "move";
        ev.dataTransfer.setData("text/plain", dragging);
      });
      grid.addEventListener("dragover", (ev) => {
        const card = target(ev);
        if (card) { ev.preventDefault(); card.classList.add("drop-target"); }
      });
      grid.addEventListener("dragleave", (ev) => {
        const card = ev.target.closest && ev.target.closest("#reports [data-report]");
        if (card) card.classList.remove("drop-target");
      });
      grid.addEventListener("drop", async (ev) => {
        const card = ev.target.closest && ev.target.closest("#reports [data-report]");
        if (!card) return;
        ev.preventDefault();
        card.classList.remove("drop-target");
        const id = dragging;
        dragging = null;
        if (!id || id === card.dataset.report) return;
        try {
          await moveTo(id, order().indexOf(card.dataset.report));
        } catch (e) { showError(pageError, e); }
      });
    }
    document.addEventListener("dragend", () => { dragging = null; });
  }

  function init() {
    initDrill();
    initLibrary();
    initManage();
    initRange();
    initCreate();
    initEditor();
    document.documentElement.dataset.ready = "true";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
