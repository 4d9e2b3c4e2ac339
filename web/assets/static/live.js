// convreport live dashboards. The dashboard page follows the server's
// stream (api/dashboards/{id}/live, Server-Sent Events): each "reports"
// event redraws the charts whose numbers changed, in place; the status
// line says whether the page is live, and an open drill-down dialog says
// when the conversations behind its point changed. Without this script,
// or without EventSource, the page is the snapshot it was when loaded.
"use strict";
(function () {
  function init() {
    const grid = document.getElementById("reports");
    const status = document.getElementById("live-status");
    if (!grid || !status || !window.EventSource) return;
    const text = status.querySelector(".live-text");
    // What the page shows, so the stream's first event redraws only what
    // changed since the page was drawn.
    function source() {
      const u = new URL("api/dashboards/" + encodeURIComponent(grid.dataset.dashboard) + "/live" + location.search, document.baseURI);
      const sigs = Array.from(grid.querySelectorAll(".card[data-report]")).map((c) => c.dataset.report + ":" + (c.dataset.sig || ""));
      u.searchParams.set("sigs", sigs.join(","));
      return u;
    }
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
        done = true;
        es.close();
        show(s.gone ? "gone" : "off", s.gone ? "No longer available" : "Not live", s.reason);
      });
      es.addEventListener("reports", (ev) => {
        const m = JSON.parse(ev.data);
        for (const r of m.reports || []) update(r);
        grid.dataset.updates = String(Number(grid.dataset.updates || 0) + 1);
      });
      es.addEventListener("error", () => {
        if (done) return;
        if (es.readyState === EventSource.CLOSED) {
          // The browser gave up (the server answered an error): try
          // again later, as a new stream.
          show("offline", "Offline, retrying…");
          setTimeout(connect, 5000);
        } else {
          show("reconnecting", "Reconnecting…");
        }
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
        dlg.dispatchEvent(new CustomEvent("drill-live", { detail: { point: pointNow(r, p), unit: r.unit || "" } }));
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
        const link = Array.from(card ? card.querySelectorAll("[data-drill] a[href]") : []).find((a) => {
          const u = new URL(a.getAttribute("href"), document.baseURI);
          return listed(dlg, u.searchParams.get("other") === "true", u.searchParams.get("point"));
        });
        if (!link) return;
        // The link opens the point's own conversations: go back to the
        // list the dialog showed.
        const shown = list;
        link.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 }));
        if (shown !== "point" && dlg.drillList) dlg.drillList(shown);
      });
    }

    window.addEventListener("pagehide", () => { if (es) es.close(); });
    connect();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
