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
        if (old && fresh) old.replaceWith(fresh);
      }
      if (r.sig) card.dataset.sig = r.sig;
      const meta = card.querySelector(".card-meta");
      if (meta && r.meta) meta.textContent = r.meta;
      card.classList.remove("updated");
      void card.offsetWidth; // restart the highlight
      card.classList.add("updated");
      drillChanged(r);
    }

    // Whether a point (of an event, or of a chart's drill-down link) is the
    // one the dialog lists: the same kind, a group or the Other point, and
    // the same "point" parameter, which for the Other point of a time
    // series names its bucket (there is one Other point in each).
    function listed(dlg, other, point) {
      return (dlg.dataset.other === "true") === other && (dlg.dataset.point || "") === (point || "");
    }

    // An open drill-down of a redrawn report: compare its point's count.
    function drillChanged(r) {
      const dlg = document.getElementById("drill-dialog");
      const box = document.getElementById("drill-changed");
      if (!dlg || !box || !dlg.open || dlg.dataset.report !== r.id) return;
      const p = (r.points || []).find((q) => listed(dlg, !!q.other, q.point));
      const had = Number(dlg.dataset.total || -1);
      if (p && p.count === had) return;
      box.hidden = false;
      box.querySelector("span").textContent = p
        ? "The conversations behind this point changed: " + p.count.toLocaleString("en-US") + " now, " + had.toLocaleString("en-US") + " listed."
        : "This point is no longer in the chart.";
      document.getElementById("drill-reload").hidden = !p;
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
        if (link) link.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 }));
      });
    }

    window.addEventListener("pagehide", () => { if (es) es.close(); });
    connect();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
