// The row of dashboard filters, the comparison menu, and the notes of the
// drill-down dialog (what a point leaves out, its compared value). Plain
// script like app.js; conditions are the report editor's model
// ({property, op, values}) checked by the same operator table, which the
// page sends with the properties.
"use strict";
(function () {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const h = window.convreportValues.h;
  // A filter's values: typed as a list, or picked (values.js).
  const V = window.convreportValues;
  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

  function showError(box, err) {
    if (!err) { box.hidden = true; box.textContent = ""; return; }
    box.hidden = false;
    const msg = err.message || String(err);
    box.textContent = msg.charAt(0).toUpperCase() + msg.slice(1);
  }

  async function put(path, body) {
    const res = await fetch(new URL(path, document.baseURI), {
      method: "PUT", credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) throw (data && data.error) || { message: res.status + " " + res.statusText };
    return data;
  }

  // go loads the page with this view's filters (none: the parameter goes).
  function go(view) {
    const u = new URL(window.location.href);
    if (view.length) u.searchParams.set("filters", JSON.stringify(view));
    else u.searchParams.delete("filters");
    window.location.assign(u.toString());
  }

  function initFilters() {
    const bar = $("#dash-filters");
    if (!bar) return;
    const S = JSON.parse(bar.dataset.state);
    const props = new Map(S.properties.map((p) => [p.name, p]));
    const errBox = $("#filter-error");
    const editor = $("#filter-editor"), row = $("#filter-row");
    const saveBtn = $("#filter-save"), saveView = $("#filter-save-view");
    let cond = null;
    // What is typed in the list of values that does not read (a quote
    // not closed): {message, text}; nothing is applied or saved then.
    let typo = null;
    // refused says, and returns true, when the filter cannot be applied.
    function refused() {
      if (!typo) return false;
      showError(errBox, { message: typo.message });
      $("#filter-values-input").focus();
      return true;
    }

    // save stores the dashboard's filters; it returns the refusal, said
    // under the row, or null.
    async function save(saved) {
      showError(errBox, null);
      try {
        // The version the page shows now: the live stream (live.js)
        // follows edits made elsewhere.
        const head = $("#dashboard-head");
        const version = head ? Number(head.dataset.version) : S.version, created = head ? head.dataset.created : S.created;
        await put(`api/dashboards/${encodeURIComponent(S.dashboard)}/filters`, { version, created, filters: saved });
      } catch (e) {
        showError(errBox, e);
        bar.dataset.state = "error";
        return e;
      }
      return null;
    }

    const opsFor = (kind) => S.operators.filter((o) => !o.kinds || o.kinds.includes(kind));
    function renderRow() {
      const p = props.get(cond.property) || S.properties[0];
      const available = opsFor(p.kind);
      if (!available.some((o) => o.op === cond.op)) cond.op = available[0].op;
      const op = available.find((o) => o.op === cond.op);
      cond.values = cond.values.slice(0, op.values === -1 ? undefined : op.values);
      const listId = "filter-values";
      const input = (j, ph) => h("input", { type: "text", "aria-label": "Value", placeholder: ph, value: cond.values[j] || "", list: p.values ? listId : null,
        oninput: (ev) => { cond.values[j] = ev.target.value.trim(); } });
      // As in the report editor: an enum's or a bool's values are picked,
      // others typed as a list in which quotes keep a comma in a value.
      const choices = V.choicesOf(p);
      const hint = h("p", { class: "condition-hint", id: "filter-values-hint" }, V.hint);
      const typoBox = h("p", { class: "condition-typo", id: "filter-values-typo", role: "alert", hidden: !typo }, typo ? typo.message : "");
      let values = [];
      if (op.values === -1 && choices) {
        values = [V.boxes(cond, p, choices, () => {}, { id: "filter-values-choices" })];
      } else if (op.values === -1) {
        values = [V.list(cond, (el, err) => {
          typo = err ? { message: err, text: el.value } : null;
          typoBox.textContent = err;
          typoBox.hidden = !err;
        }, typo ? { id: "filter-values-input", value: typo.text } : { id: "filter-values-input" }), hint, typoBox];
      } else if (op.values === 1 && choices) {
        values = [V.select(cond, p, choices, () => {}, { id: "filter-value-select" })];
      } else if (op.values === 1) {
        values = [input(0, p.kind === "time" ? "Date, like 2025-03-01" : p.kind === "duration" ? "Like 5m" : "Value")];
      } else if (op.values === 2) {
        values = [input(0, "From"), input(1, "To (exclusive)")];
      }
      row.replaceChildren(
        h("select", { "aria-label": "Property", id: "filter-property", onchange: (ev) => { cond.property = ev.target.value; cond.values = []; typo = null; renderRow(); } },
          S.properties.map((x) => h("option", { value: x.name, selected: x.name === cond.property }, x.label))),
        h("select", { "aria-label": "Operator", id: "filter-op", onchange: (ev) => { cond.op = ev.target.value; typo = null; renderRow(); } },
          available.map((o) => h("option", { value: o.op, selected: o.op === cond.op }, o.label))),
        ...values,
        ...(p.values && !choices ? [h("datalist", { id: listId }, p.values.map((v) => h("option", { value: v })))] : []));
    }

    // A filter with a value typed or picked, not yet applied nor saved,
    // is asked about before it is lost (leave.js): by a link, the dates,
    // a reload, and by the row's own Cancel, Add filter, and the chips'
    // changes, which load the page again. settled: applied or saved, the
    // page going to show it.
    let settled = false;
    const typed = () => !editor.hidden && !!cond && !settled && (!!typo || cond.values.some((v) => String(v).trim() !== ""));
    const on = () => [h("strong", {}, (props.get(cond.property) || {}).label || cond.property)];
    // The row as typed, kept across a load of the page that a save of
    // its own starts (a rename, a report moved): the person saved that on
    // purpose, and this was not applied yet.
    const keptRow = "convreport-filter-row";
    const here = () => location.pathname + location.search;
    const guard = window.convreportLeave.page({
      changed: typed,
      keep() {
        try {
          sessionStorage.setItem(keptRow, JSON.stringify({ page: here(), cond, typo }));
        } catch (e) { /* no storage: the row is lost with the load */ }
      },
      text: {
        title: "Discard filter", discard: "Discard filter",
        ask: () => ["Discard your filter on ", ...on(), "? It is not applied to this view."],
        savingTitle: "Saving the filter",
        saving: () => ["Your filter on ", ...on(), " is being saved to the dashboard. Once it is, you go on; if it is refused, you stay here to see why."],
        refusedTitle: "Filter not saved",
        refused: (why) => [why, " Keep editing to see what you can do, or discard your filter on ", ...on(), "."],
      },
    });
    // Back to this page from the browser's cache, the row is as it was left.
    window.addEventListener("pageshow", (ev) => { if (ev.persisted) settled = false; });
    const close = () => { editor.hidden = true; showError(errBox, null); };
    // Then, the row's filter discarded on the person's word.
    const discarding = (then) => (ev) => guard.ask({ run: () => { close(); then(); } }, ev.currentTarget);

    $("#filter-add").addEventListener("click", discarding(() => {
      cond = { property: "Inbox", op: "is_any_of", values: [] };
      typo = null;
      renderRow();
      editor.hidden = false;
      saveBtn.hidden = !S.can_edit;
      $("#filter-property").focus();
    }));
    $("#filter-cancel").addEventListener("click", discarding(() => {}));
    $("#filter-apply").addEventListener("click", () => {
      if (refused()) return;
      settled = true;
      go(S.view.concat([cond]));
    });
    saveBtn.addEventListener("click", async () => {
      if (refused()) return;
      guard.saving();
      // Saved with the dashboard: this view's filters go with it.
      const err = await save(S.saved.concat(S.view, [cond]));
      if (err) { guard.refused(err); return; }
      settled = true;
      guard.saved(() => go([]));
    });
    if (S.can_edit && S.view.length) {
      saveView.hidden = false;
      saveView.addEventListener("click", discarding(async () => { if (!await save(S.saved.concat(S.view))) go([]); }));
    }
    $$(".chip-remove", bar).forEach((b) => b.addEventListener("click", discarding(async () => {
      const chip = b.closest(".chip");
      const i = Number(chip.dataset.index);
      if (chip.dataset.kind === "view") {
        go(S.view.filter((_, j) => j !== i));
      } else if (!await save(S.saved.filter((_, j) => j !== i))) {
        window.location.reload();
      }
    })));

    // The row kept by the load before, on this page: open as typed.
    let was = null;
    try {
      was = JSON.parse(sessionStorage.getItem(keptRow) || "null");
      sessionStorage.removeItem(keptRow);
    } catch (e) { /* no storage */ }
    if (was && was.page === here() && was.cond && props.has(was.cond.property)) {
      cond = was.cond;
      typo = was.typo || null;
      renderRow();
      editor.hidden = false;
      saveBtn.hidden = !S.can_edit;
    }

    const cmp = $("#compare-select");
    if (cmp) cmp.addEventListener("change", () => cmp.form.requestSubmit());
    bar.dataset.state = "ready";
  }

  // The drill-down dialog: what the point leaves out and why, its value
  // in the compared period, and the lists of both.
  function initDrillNotes() {
    const dlg = $("#drill-dialog");
    if (!dlg) return;
    const notes = h("div", { class: "drill-notes", id: "drill-notes", hidden: true });
    $("#drill-table", dlg).before(notes);
    // The rows last loaded (the API's answer), and their point as the
    // live stream (live.js) last said it: null when the chart no longer
    // has it. The notes of the point's own rows say the point as it is
    // now, as the chart does; the note of another list says that list, as
    // loaded, whose change the stream says apart with the reload.
    let shown = null, now = null;
    function draw() {
      const d = shown, p = now;
      const kids = [];
      // No list of a point the chart no longer has: the API has none.
      const list = (name, label) => p && h("button", { type: "button", class: "button small", "data-list": name, onclick: () => dlg.drillList(name) }, label);
      if (d.list === "excluded") {
        const why = d.point.excluded_reason || (p && p.excluded_reason) || "the measure does not apply";
        kids.push(h("span", { class: "note", id: "drill-list-note" }, `Left out of the value: ${V.conversations(d.total)} (${why})`));
        kids.push(list("point", "Back to the counted conversations"));
      } else if (d.list === "previous") {
        const q = d.point.previous;
        kids.push(h("span", { class: "note", id: "drill-list-note" }, `${cap(q.label)}: ${q.value_text} over ${V.conversations(q.count)}`));
        kids.push(list("point", "Back to this period"));
      } else if (p) {
        if (p.excluded > 0) {
          kids.push(h("span", { class: "note", id: "drill-excluded" },
            `${V.conversations(p.excluded)} left out: ${p.excluded_reason}`));
          if (!p.other) kids.push(list("excluded", "List them"));
        }
        if (p.previous) {
          const change = p.previous.change ? ` (${p.previous.change})` : "";
          kids.push(h("span", { class: "note", id: "drill-previous" },
            `${cap(p.previous.label)}: ${p.previous.value_text}, ${V.conversations(p.previous.count)}${change}`));
          kids.push(list("previous", "Show them"));
        }
      }
      const shownKids = kids.filter(Boolean);
      notes.replaceChildren(...shownKids);
      notes.hidden = shownKids.length === 0;
      dlg.dataset.list = d.list;
    }
    dlg.addEventListener("drill-loaded", (ev) => {
      shown = ev.detail;
      now = Object.assign({}, shown.point);
      draw();
    });
    // What the point is now: its notes follow, and "List them" and "Show
    // them" list as many.
    dlg.addEventListener("drill-live", (ev) => {
      if (!shown) return;
      const x = ev.detail.point;
      now = x && Object.assign({}, x, {
        // The reason of a measure that left none out before, or as loaded.
        excluded_reason: x.excluded_reason || (now && now.excluded_reason) || shown.point.excluded_reason,
        // The compared period's name, as loaded when the stream has none.
        previous: x.previous && Object.assign({}, x.previous, { label: x.previous.label || (shown.point.previous || {}).label || "" }),
      });
      draw();
    });
  }

  function init() {
    initFilters();
    initDrillNotes();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
