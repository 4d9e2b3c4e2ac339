// Export links of the dashboard page: an Export menu (every report's CSV
// in a zip, the print layout that a browser saves as PDF), CSV, SVG and
// PNG links on each card, and the drill-down dialog's "Download CSV" of
// all the point's rows. Each link carries the page's period.
"use strict";
(function () {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const grid = $("#reports[data-dashboard]");
  if (!grid) return;

  // A bad parameter of the view was dropped (the form says why): put the
  // view shown in the address, with what was kept of the one asked for
  // (filters, comparison, a good period), so that reloading, the live
  // stream and the links below show what the page shows.
  const rangeError = $("#range-error");
  if (rangeError) history.replaceState(null, "", location.pathname + (rangeError.dataset.kept || ""));

  const dash = encodeURIComponent(grid.dataset.dashboard);
  // The period and the view (dashboard filters, comparison) of the page.
  const period = () => {
    const p = new URLSearchParams(location.search);
    for (const k of Array.from(p.keys())) {
      if (!["range", "from", "to", "tz", "now", "week_start", "filters", "compare"].includes(k)) p.delete(k);
    }
    return p;
  };
  const withPeriod = (path, extra) => {
    const p = period();
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    const q = p.toString();
    return path + (q ? "?" + q : "");
  };
  const link = (text, href, attrs) => {
    const a = document.createElement("a");
    a.textContent = text;
    a.href = href;
    for (const [k, v] of Object.entries(attrs || {})) a.setAttribute(k, v);
    return a;
  };

  // The zip of every report. A report that does not run (a filter of its
  // own no longer checks, it names a property the schema lost) has no
  // CSV: the zip is refused until it is fixed, and the menu says so
  // rather than offer a download that fails.
  function zipItem() {
    const stale = Array.from(document.querySelectorAll("#reports .card[data-stale]"))
      .map((c) => "“" + (($(".card-title", c) || {}).textContent || c.dataset.report) + "”");
    if (!stale.length) {
      return link("Download all reports as CSV (zip)", withPeriod("api/dashboards/" + dash + "/export", { format: "zip" }),
        { role: "menuitem", id: "export-zip", download: "" });
    }
    const zip = document.createElement("button");
    zip.type = "button";
    zip.id = "export-zip";
    zip.setAttribute("role", "menuitem");
    zip.disabled = true;
    zip.textContent = "Download all reports as CSV (zip): not while " + stale.join(", ") + (stale.length > 1 ? " do" : " does") + " not run";
    return zip;
  }

  // The Export menu, beside Manage.
  const actions = $(".head-actions");
  if (actions) {
    const menu = document.createElement("details");
    menu.className = "menu";
    menu.id = "export-menu";
    const sum = document.createElement("summary");
    sum.className = "button";
    sum.textContent = "Export";
    const items = document.createElement("div");
    items.className = "menu-items";
    items.setAttribute("role", "menu");
    items.append(zipItem(),
      link("Print or save as PDF", withPeriod("dashboards/" + dash + "/print"), { role: "menuitem", id: "export-print" }));
    menu.append(sum, items);
    actions.append(menu);
    // It closes on a click anywhere else, and once a choice is made.
    document.addEventListener("click", (ev) => {
      if (!menu.contains(ev.target) || ev.target.closest("a")) menu.open = false;
    });
  }

  // CSV, SVG and PNG of each report.
  const addCardLinks = (card) => {
    const head = $(".card-head", card);
    if (card.dataset.stale) return; // no numbers to download
    if (!head || $(".card-export", head)) return;
    const rep = encodeURIComponent(card.dataset.report);
    const box = document.createElement("span");
    box.className = "card-export";
    const title = ($(".card-title", card) || {}).textContent || "report";
    for (const f of ["csv", "svg", "png"]) {
      box.append(link(f.toUpperCase(), withPeriod("api/dashboards/" + dash + "/reports/" + rep + "/export", { format: f }),
        { download: "", "data-export": f, "aria-label": "Download " + title + " as " + f.toUpperCase() }));
    }
    head.append(box);
  };
  document.querySelectorAll("#reports .card[data-report]").forEach(addCardLinks);

  // The live stream (live.js) redrew a card: a report that runs again
  // gets its links back, one that no longer runs loses them, and the zip
  // follows, without a reload.
  grid.addEventListener("card-redrawn", (ev) => {
    const card = ev.target;
    if (card.dataset.stale) {
      const box = $(".card-export", card);
      if (box) box.remove();
    } else {
      addCardLinks(card);
    }
    const zip = $("#export-zip");
    if (zip) zip.replaceWith(zipItem());
  });
  // Cards added or removed (a stale one among them): the zip follows.
  grid.addEventListener("cards-changed", () => {
    const zip = $("#export-zip");
    if (zip) zip.replaceWith(zipItem());
  });

  // The drill-down dialog's CSV: the query of the page it shows (app.js
  // sets data-query after each load), without the paging, at .../export.
  const dlg = $("#drill-dialog"), csv = $("#drill-csv");
  if (dlg && csv) {
    const sync = () => {
      const q = dlg.dataset.query;
      if (!q) { csv.hidden = true; return; }
      const [path, query] = q.split("?");
      const p = new URLSearchParams(query);
      p.delete("offset");
      p.delete("limit");
      p.set("format", "csv");
      csv.href = path + "/export?" + p.toString();
      csv.hidden = false;
    };
    new MutationObserver(sync).observe(dlg, { attributes: true, attributeFilter: ["data-query"] });
    sync();
  }
})();
