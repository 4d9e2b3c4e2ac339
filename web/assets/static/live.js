// convreport live dashboards. The dashboard page follows the server's
// stream (api/dashboards/{id}/live, Server-Sent Events): each "reports"
// event redraws the charts whose numbers changed, in place; each
// "dashboard" event follows an edit of the dashboard made anywhere (its
// name, reports renamed, drawn another way, added, removed or moved), in
// place too, or, when the rest of what the page shows changed (its
// filters, its access, what the viewer may do), by loading the page again
// with its address and its open drill-down. The status line says whether
// the page is live, and an open drill-down dialog says when the
// conversations behind its point changed. A dashboard deleted, or no
// longer shared with the viewer, leaves a page that says so, with no
// numbers. Without this script, or without EventSource, the page is the
// snapshot it was when loaded.
"use strict";
(function () {
  function init() {
    const grid = document.getElementById("reports");
    const status = document.getElementById("live-status");
    if (!grid || !status || !window.EventSource) return;
    const text = status.querySelector(".live-text");
    const head = document.getElementById("dashboard-head");
    const dashPath = "api/dashboards/" + encodeURIComponent(grid.dataset.dashboard);
    // What the page shows (the dashboard's version, each card's points and
    // definition), so the stream's first events redraw only what changed
    // since the page was drawn.
    function source() {
      const u = new URL(dashPath + "/live", document.baseURI);
      // The page's period and view only: the API refuses a parameter it
      // does not read, and an address may carry others (utm_source=…).
      for (const [k, v] of new URLSearchParams(location.search)) {
        if (["range", "from", "to", "tz", "now", "week_start", "filters", "compare"].includes(k)) u.searchParams.append(k, v);
      }
      const sigs = cards().map((c) => c.dataset.report + ":" + (c.dataset.sig || "") + ":" + (c.dataset.def || ""));
      u.searchParams.set("sigs", sigs.join(","));
      if (head) {
        u.searchParams.set("version", head.dataset.version);
        u.searchParams.set("created", head.dataset.created);
      }
      return u;
    }
    const cards = () => Array.from(grid.querySelectorAll(".card[data-report]"));
    let es = null;
    let done = false; // the stream said it will not be live: stop retrying

    function show(state, label, title) {
      status.hidden = false;
      status.dataset.state = state;
      text.textContent = label;
      status.title = title || "";
    }

    function connect() {
      es = new EventSource(source(), { withCredentials: true });
      show("connecting", "Connecting…");
      es.addEventListener("status", (ev) => {
        const s = JSON.parse(ev.data);
        if (s.live) {
          show("live", "Live", "Charts update as conversations change.");
          return;
        }
        if (s.gone) {
          gone(s.reason);
          return;
        }
        done = true;
        es.close();
        show("off", "Not live", s.reason);
      });
      es.addEventListener("dashboard", (ev) => {
        follow(JSON.parse(ev.data));
        grid.dataset.updates = String(Number(grid.dataset.updates || 0) + 1);
      });
      es.addEventListener("reports", (ev) => {
        const m = JSON.parse(ev.data);
        for (const r of m.reports || []) update(r);
        grid.dataset.updates = String(Number(grid.dataset.updates || 0) + 1);
      });
      es.addEventListener("error", () => {
        if (done) return;
        if (es.readyState === EventSource.CLOSED) {
          // The browser gave up (the server answered an error): the
          // dashboard may be gone for this viewer, or the server away. Ask
          // which, and try again later, as a new stream, unless gone.
          show("offline", "Offline, retrying…");
          fetch(new URL(dashPath, document.baseURI), { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then((res) => {
              if (res.status === 404) gone("It was deleted, or its access changed so that you may no longer see it.");
              else setTimeout(connect, 5000);
            }, () => setTimeout(connect, 5000));
        } else {
          show("reconnecting", "Reconnecting…");
        }
      });
    }

    // The dashboard is gone for this viewer (deleted, or no longer
    // shared with them): the page says so and keeps no numbers, nor any
    // control that would act on it.
    function gone(reason) {
      done = true;
      if (es) es.close();
      show("gone", "No longer available", reason);
      for (const d of document.querySelectorAll("dialog[open]")) d.close();
      grid.replaceChildren();
      grid.hidden = true;
      for (const sel of ["#dash-filters", "#range-form", ".head-actions", "#dashboard-head .sub", "#reports-empty", "#manage-error", "#live-note"]) {
        const el = document.querySelector(sel);
        if (el) el.remove();
      }
      const box = document.createElement("section");
      box.className = "empty-state gone-state";
      box.id = "dashboard-gone";
      box.setAttribute("role", "alert");
      const h2 = document.createElement("h2");
      h2.textContent = "This dashboard is no longer available to you";
      const p = document.createElement("p");
      p.className = "lead";
      p.textContent = reason || "";
      const back = document.createElement("a");
      back.className = "button";
      back.href = "./";
      back.textContent = "Back to the dashboards";
      box.append(h2, p, back);
      grid.before(box);
    }

    // A note above the reports of what the stream changed that the
    // viewer was looking at.
    function note(msg) {
      const n = document.getElementById("live-note");
      if (!n) return;
      n.textContent = msg;
      n.hidden = false;
    }

    // The dashboard as edited: drawn again whole when more than its name
    // and reports changed, else followed in place.
    function follow(m) {
      if (head && m.page !== head.dataset.page) {
        redraw();
        return;
      }
      if (head) {
        head.dataset.version = String(m.version);
        head.dataset.created = m.created;
        if (head.dataset.name !== m.name) rename(m.name);
      }
      const version = document.getElementById("dashboard-version");
      if (version) version.textContent = String(m.version);
      const count = document.getElementById("reports-count");
      if (count) count.textContent = m.count_text;
      const lib = document.getElementById("library-note");
      if (lib && lib.textContent) lib.textContent = m.count_text;
      for (const el of document.querySelectorAll("[data-live-count]")) {
        el.textContent = m.count + " report" + (m.count === 1 ? "" : "s");
      }
      const dlg = document.getElementById("drill-dialog");
      const open = dlg && dlg.open ? dlg.dataset.report : "";
      // Cards new, or whose report was edited, drawn whole.
      const drawn = [];
      for (const r of m.cards || []) {
        const tpl = document.createElement("template");
        tpl.innerHTML = r.card.trim();
        const fresh = tpl.content.firstElementChild;
        if (!fresh) continue;
        const old = document.getElementById("report-" + r.id);
        if (old) old.replaceWith(fresh);
        else grid.append(fresh);
        drawn.push([fresh, r]);
      }
      // Cards of reports removed go; an open drill-down of one closes.
      const keep = new Set(m.order);
      for (const c of cards()) {
        if (keep.has(c.dataset.report)) continue;
        if (open === c.dataset.report) {
          dlg.close();
          const title = (c.querySelector(".card-title") || {}).textContent || c.dataset.report;
          note("“" + title + "” was removed from the dashboard: its conversations were closed.");
        }
        latest.delete(c.dataset.report);
        about.delete(c.dataset.report);
        c.remove();
      }
      // In the dashboard's order.
      if (cards().map((c) => c.dataset.report).join("\n") !== m.order.join("\n")) {
        for (const id of m.order) {
          const c = document.getElementById("report-" + id);
          if (c) grid.append(c);
        }
      }
      const empty = document.getElementById("reports-empty");
      if (empty) empty.hidden = m.order.length > 0;
      for (const [card, r] of drawn) {
        card.classList.add("updated");
        latest.set(r.id, r.points || []);
        about.set(r.id, r);
        // export.js gives it its links; app.js its tools.
        card.dispatchEvent(new CustomEvent("card-redrawn", { bubbles: true }));
        drillChanged(r.id, true);
      }
      grid.dispatchEvent(new CustomEvent("cards-changed"));
    }

    // The dashboard's name, wherever the page says it.
    function rename(name) {
      head.dataset.name = name;
      const h1 = document.getElementById("dashboard-name");
      if (h1) h1.textContent = name;
      document.title = name + " · Reports";
      for (const el of document.querySelectorAll("[data-live-name]")) {
        const text = el.dataset.liveName + name;
        // A field keeps what the viewer typed: only its default follows.
        if (el.tagName === "INPUT") el.defaultValue = text;
        else el.textContent = text;
      }
    }

    // The page drawn again, by loading it: its address keeps the
    // viewer's period and filters, and an open drill-down dialog opens
    // again (restoreDrill) if its report is still there.
    const kept = "convreport-live-drill";
    function redraw() {
      // A save of the page's on its way (leave.js): its answer loads the
      // page again, or, refused, this does.
      const L = window.convreportLeave;
      if (L && L.saving()) { L.afterSave(redraw); return; }
      done = true;
      if (es) es.close();
      const keepDrill = () => {
        const dlg = document.getElementById("drill-dialog");
        if (!dlg || !dlg.open || !dlg.dataset.report) return;
        const card = document.getElementById("report-" + dlg.dataset.report);
        const title = card ? (card.querySelector(".card-title") || {}).textContent || "" : "";
        try {
          sessionStorage.setItem(kept, JSON.stringify({ page: location.pathname + location.search, report: dlg.dataset.report,
            point: dlg.dataset.point || "", other: dlg.dataset.other === "true", list, title }));
        } catch (e) { /* no storage: the dialog stays closed */ }
      };
      if (!L) { keepDrill(); location.reload(); return; }
      // Something typed, not saved (a filter, a dialog's fields): the
      // page's own question, saying why, rather than the browser's.
      // Kept, the page stays as it is, no longer live, and says so.
      L.loadAgain(["This dashboard changed elsewhere: the page loads again to show it."], keepDrill, () => {
        show("off", "Not live", "The dashboard changed elsewhere: load the page again to see it.");
        note("This dashboard changed elsewhere: it shows the change once the page loads again.");
      });
    }
    function restoreDrill() {
      let s = null;
      try {
        s = JSON.parse(sessionStorage.getItem(kept) || "null");
        sessionStorage.removeItem(kept);
      } catch (e) { return; }
      if (!s || s.page !== location.pathname + location.search) return;
      const card = document.getElementById("report-" + s.report);
      if (!card) {
        note("“" + s.title + "” was removed from the dashboard: its conversations were closed.");
        return;
      }
      const link = pointLink(card, s.other, s.point);
      if (!link) {
        note("The point of “" + s.title + "” whose conversations were open is no longer in its chart.");
        return;
      }
      link.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 }));
      const dlg = document.getElementById("drill-dialog");
      if (s.list !== "point" && dlg && dlg.drillList) dlg.drillList(s.list);
    }

    // The drill-down link of a card's point, as listed() tells it.
    function pointLink(card, other, point) {
      return Array.from(card.querySelectorAll("[data-drill] a[href]")).find((a) => {
        const u = new URL(a.getAttribute("href"), document.baseURI);
        return (u.searchParams.get("other") === "true") === other && (u.searchParams.get("point") || "") === (point || "");
      });
    }

    function update(r) {
      const card = document.getElementById("report-" + r.id);
      if (!card) return;
      if (r.html) {
        const tpl = document.createElement("template");
        tpl.innerHTML = r.html.trim();
        const fresh = tpl.content.firstElementChild;
        const old = card.querySelector(".chart");
        if (old && fresh) {
          old.replaceWith(fresh);
          // A report that could not run (a filter that no longer checked,
          // a property the schema lost) runs again, or the other way
          // round: export.js gives it its links back, or takes them.
          const stale = fresh.classList.contains("chart-stale");
          card.classList.toggle("card-stale", stale);
          if (stale) card.dataset.stale = "true";
          else delete card.dataset.stale;
          card.dispatchEvent(new CustomEvent("card-redrawn", { bubbles: true }));
        }
      }
      if (r.sig) card.dataset.sig = r.sig;
      const meta = card.querySelector(".card-meta");
      if (meta && r.meta) meta.textContent = r.meta;
      card.classList.remove("updated");
      void card.offsetWidth; // restart the highlight
      card.classList.add("updated");
      // A stale report has no points: none is in its chart.
      latest.set(r.id, r.points || []);
      about.set(r.id, r);
      drillChanged(r.id, true);
    }

    // Whether a point (of an event, or of a chart's drill-down link) is the
    // one the dialog lists: the same kind, a group or the Other point, and
    // the same "point" parameter, which for the Other point of a time
    // series names its bucket (there is one Other point in each).
    function listed(dlg, other, point) {
      return (dlg.dataset.other === "true") === other && (dlg.dataset.point || "") === (point || "");
    }

    // The points each report had in the stream's last drawing of it, and
    // that report (its unit, why its measure leaves conversations out,
    // the compared period's name).
    const latest = new Map();
    const about = new Map();
    // Which of its point's lists the dialog shows ("point", "excluded" or
    // "previous"), and whether the stream redrew its report while it
    // loaded.
    let list = "point";
    let missed = false;

    // A point of report r as the drill-down API says it (its "point"),
    // for the dialog's subtitle and notes; null for none.
    function pointNow(r, p) {
      if (!p) return null;
      return {
        other: !!p.other, count: p.count, value_text: p.value_text,
        excluded: p.excluded || 0, excluded_reason: r.excluded_reason || "",
        previous: p.previous == null ? null
          : { label: r.compare_label || "", value_text: p.previous_text || "", count: p.previous, change: p.change || "" },
      };
    }

    // What a point's list totals: the conversations behind it, those its
    // measure leaves out, or its conversations in the compared period.
    function total(p) {
      if (list === "excluded") return p.excluded || 0;
      if (list === "previous") return p.previous || 0;
      return p.count;
    }

    // An open drill-down of a redrawn report (redrawn: an event just
    // came) or of rows just loaded: compare what its list totals.
    function drillChanged(id, redrawn) {
      const dlg = document.getElementById("drill-dialog");
      const box = document.getElementById("drill-changed");
      if (!dlg || !box || !dlg.open || dlg.dataset.report !== id) return;
      // While rows load, the dialog's total is the last list's.
      if (dlg.dataset.state !== "ready") {
        if (redrawn) missed = true;
        return;
      }
      const points = latest.get(id);
      if (!points) return;
      const p = points.find((q) => listed(dlg, !!q.other, q.point));
      // What the dialog says of its point, its subtitle (app.js) and
      // notes (filters.js), follows the chart at once: the point as it
      // is now, or null when the chart no longer has it. Rows that loaded
      // while the chart was redrawn may be older than it: their point
      // is the chart's, as the notice below says.
      if (redrawn || missed) {
        const r = about.get(id) || {};
        dlg.dispatchEvent(new CustomEvent("drill-live", { detail: { point: pointNow(r, p), unit: r.unit || "", name: r.title || "" } }));
      }
      const had = Number(dlg.dataset.total || -1);
      if (p && total(p) === had) {
        box.hidden = true;
        return;
      }
      // Rows just loaded may be newer than the stream's last drawing:
      // its next event says whether they changed.
      if (!redrawn && !missed) return;
      box.hidden = false;
      box.querySelector("span").textContent = p
        ? "The conversations behind this point changed: " + total(p).toLocaleString("en-US") + " now, " + had.toLocaleString("en-US") + " listed."
        : "This point is no longer in the chart.";
      document.getElementById("drill-reload").hidden = !p;
    }

    const dialog = document.getElementById("drill-dialog");
    if (dialog) {
      dialog.addEventListener("drill-loaded", (ev) => {
        list = (ev.detail && ev.detail.list) || "point";
        // Once every script has taken the rows (filters.js, loaded after
        // this one, draws their notes), so that what the chart says of
        // their point comes after.
        queueMicrotask(() => {
          drillChanged(dialog.dataset.report, false);
          missed = false;
        });
      });
    }

    const reload = document.getElementById("drill-reload");
    if (reload) {
      reload.addEventListener("click", () => {
        // Open the same point from the redrawn chart, whose links name
        // the current period.
        const dlg = document.getElementById("drill-dialog");
        const card = document.getElementById("report-" + dlg.dataset.report);
        const link = card && pointLink(card, dlg.dataset.other === "true", dlg.dataset.point);
        if (!link) return;
        // The link opens the point's own conversations: go back to the
        // list the dialog showed.
        const shown = list;
        link.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 }));
        if (shown !== "point" && dlg.drillList) dlg.drillList(shown);
      });
    }

    window.addEventListener("pagehide", () => { if (es) es.close(); });
    restoreDrill();
    connect();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
