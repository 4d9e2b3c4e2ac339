// Asking before what a person typed is lost. A part of a page that holds
// input of its own (the report editor, a dashboard's filter row, its
// share, rename and copy dialogs, the list's create dialog) makes a
// guard: while the input differs from what is saved, leaving the page
// asks first: the browser's own prompt for a reload, a close, Back or
// an address typed; the page's dialog (#leave-dialog), which says what
// is lost, for the page's links, its forms that load another page, and
// what the part itself would drop (a dialog closed). A save on its way
// keeps the input unsaved until the server answers: leaving meanwhile
// waits for the answer, goes on once saved, and, refused, says why and
// asks again. app.js and filters.js make their guards with it; live.js
// waits for the saves before it loads the page again, and asks
// (loadAgain) when that would lose input.
"use strict";
(function () {
  const $ = (sel, root) => (root || document).querySelector(sel);

  const guards = [];
  // Set once the person chose to leave, what they typed dropped: the
  // browser then asks nothing.
  let leaving = false;
  // Set once a save's answer sends the page away: nothing else does then.
  let going = false;
  const dirty = () => !leaving && guards.some((g) => g.dirty());

  window.addEventListener("beforeunload", (ev) => {
    if (!dirty()) return;
    ev.preventDefault();
    ev.returnValue = ""; // what browsers before the standard's preventDefault read
  });
  // Back to this page from the browser's cache, it is as it was left: it
  // asks again.
  window.addEventListener("pageshow", (ev) => { if (ev.persisted) leaving = going = false; });

  // A way to go on: {href} loads another page, {form, submitter} sends a
  // form that does, {reload} loads this one again (reload() run first),
  // {run} drops the input in the page (a dialog closed). Discarding, the
  // browser asks nothing more.
  function follow(to, discarding) {
    if (to.run) { to.run(); return; }
    if (discarding) leaving = true;
    if (to.reload) {
      to.reload();
      window.location.reload();
      return;
    }
    if (to.form) {
      passing = true;
      try { to.form.requestSubmit(to.submitter || null); } finally { passing = false; }
    } else window.location.assign(to.href);
  }
  // A form sent on the person's word passes the check below.
  let passing = false;

  // ---- The dialog ----------------------------------------------------------
  // asked: the question open, {guard, to, from, mode}; mode is "ask"
  // (discard?), "saving" (waiting for the save) or "refused".
  let dlg = null, asked = null, keyIn = false;
  function dialog() {
    if (dlg) return dlg;
    dlg = $("#leave-dialog");
    $("#leave-stay").addEventListener("click", keep);
    $("[data-close]", dlg).addEventListener("click", keep);
    dlg.addEventListener("click", (ev) => { if (ev.target === dlg) keep(); });
    // Escape: the browser closes the dialog once this returns.
    dlg.addEventListener("cancel", keep);
    $("#leave-go").addEventListener("click", () => {
      const a = asked;
      asked = null;
      dlg.close();
      if (a) follow(a.to, true);
    });
    // A link followed with Enter opens the dialog as the key goes down
    // (a button's Enter acts on the keypress): the keypress that follows
    // falls on the dialog's focused button, and is no choice made in it.
    dlg.addEventListener("keydown", () => { keyIn = true; }, true);
    dlg.addEventListener("keypress", (ev) => { if (!keyIn) ev.preventDefault(); }, true);
    // Closed some other way: kept editing too. The close event comes
    // late (after keys typed meanwhile), when another question may be
    // open: that one is not this event's.
    dlg.addEventListener("close", () => { if (asked && !dlg.open) keep(); });
    return dlg;
  }
  // keep closes the question, the person kept editing: the focus goes
  // back to where it was, as it was; a form a choice of its own sent (a
  // select) shows what the page does; a page that would have gone on
  // its own says it stays (kept). At once, with the dialog: a question
  // asked next is not this one.
  function keep() {
    const a = asked;
    asked = null;
    if (dlg.open) dlg.close();
    if (!a) return;
    if (a.to.form && !a.to.submitter) a.to.form.reset();
    if (a.from && a.from.isConnected) a.from.focus();
    if (a.to.kept) a.to.kept();
  }
  // show draws the question of asked's mode, and opens the dialog.
  function show(reason) {
    const d = dialog(), g = asked.guard, t = g.text;
    const go = $("#leave-go"), stay = $("#leave-stay");
    let title, text;
    if (asked.mode === "saving") {
      [title, text] = [t.savingTitle, t.saving()];
    } else if (asked.mode === "refused") {
      [title, text] = [t.refusedTitle, t.refused(reason)];
    } else {
      // Why the page would go, when it is not the person's doing.
      [title, text] = [t.title, asked.to.why ? [...asked.to.why, " ", ...t.ask()] : t.ask()];
    }
    $("#leave-title").textContent = title;
    $("#leave-text").replaceChildren(...text);
    // Waiting for the save, there is nothing to discard: what was sent
    // may be saved yet.
    go.hidden = asked.mode === "saving";
    go.textContent = t.discard;
    stay.textContent = asked.mode === "saving" ? "Cancel" : "Keep editing";
    d.dataset.mode = asked.mode;
    if (!d.open) {
      keyIn = false;
      d.showModal();
    }
    stay.focus();
  }

  // A reason as a sentence of its own: a capital, a full stop.
  function sentence(msg) {
    const s = String(msg || "").trim();
    if (!s) return "";
    return s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? "" : ".");
  }

  // guard registers a part's input. opts: changed() says whether the
  // input differs from what is saved; text the words of its questions:
  //   title, discard      the dialog's title and its button that discards
  //   ask()               the question: what is lost (nodes)
  //   savingTitle, saving()       while a save is on its way
  //   refusedTitle, refused(why)  the save refused, why a sentence
  // keep(), if given, keeps the input for the page's next load (goOn).
  // It returns the guard: ask(to, from) goes on to "to" (see follow), or
  // asks first; saving() says a save left (busy() until answered, the
  // input unsaved meanwhile); saved(then) that it was
  // saved, the input as saved (changed() false), and goes on where the
  // person asked meanwhile, or runs then; refused(err) that it was
  // refused, and says so if the person asked meanwhile.
  function guard(opts) {
    let busy = false;
    const g = {
      text: opts.text,
      keep: opts.keep,
      dirty: () => busy || opts.changed(),
      busy: () => busy,
      ask(to, from) {
        if (!g.dirty() || leaving) { follow(to, false); return; }
        // A question the dialog closed on, not yet heard of, is done.
        if (asked && !dlg.open) keep();
        asked = { guard: g, to, from: from || document.activeElement, mode: busy ? "saving" : "ask" };
        show();
      },
      saving() { busy = true; },
      saved(then) {
        busy = false;
        // The page is left, or loaded again: it shows what else changed.
        going = true;
        waiting.clear();
        const a = asked && asked.guard === g && asked.mode === "saving" ? asked : null;
        if (a) { asked = null; dlg.close(); }
        // Where the person asked to go; a dialog closed is moot: then
        // shows what was saved.
        if (a && !a.to.run) follow(a.to, false);
        else if (then) then();
      },
      refused(err) {
        busy = false;
        if (asked && asked.guard === g && asked.mode === "saving") {
          asked.mode = "refused";
          show(sentence(err && err.message ? err.message : err));
        }
        if (!saving()) {
          const fs = [...waiting];
          waiting.clear();
          fs.forEach((f) => f());
        }
      },
    };
    guards.push(g);
    return g;
  }
  // What waits for the saves on their way: run once they are refused
  // (saved, the page is left or loaded again).
  const waiting = new Set();
  const saving = () => going || guards.some((g) => g.busy());

  // The guard with input to lose, of those a page part may leave by.
  const firstDirty = (gs) => gs.find((g) => g.dirty());

  // The page's links: the guards of the whole page (a dialog open is
  // modal, its page's links out of reach).
  const pageGuards = [];
  // The guards of dialogs, whose input closing them would lose.
  const dialogGuards = [];
  // Heard on the window, after the page's own handlers (the drill-down
  // dialog's points are links it opens in the page).
  window.addEventListener("click", (ev) => {
    if (leaving || !pageGuards.length) return;
    const a = ev.target.closest && ev.target.closest("a[href]");
    // A link opened in another tab or window leaves nothing behind.
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const target = a.getAttribute("target");
    if ((target && target !== "_self") || a.hasAttribute("download")) return;
    const to = new URL(a.getAttribute("href"), document.baseURI), here = new URL(window.location.href);
    if (to.origin === here.origin && to.pathname === here.pathname && to.search === here.search) return; // within the page
    const g = firstDirty(pageGuards);
    if (!g) return;
    ev.preventDefault();
    g.ask({ href: to.href }, a);
  });
  // The page's forms that load another page (a dashboard's dates): heard
  // first, so that the form's own handler runs only on the person's word.
  document.addEventListener("submit", (ev) => {
    if (leaving || passing || !pageGuards.length) return;
    const f = ev.target;
    if (!(f instanceof HTMLFormElement) || (f.getAttribute("method") || "get").toLowerCase() !== "get") return;
    // A dialog's form saves through the API, and its answer says where
    // the page goes (goOn): sending it leaves nothing.
    if (f.closest("dialog")) return;
    const target = f.getAttribute("target");
    if (target && target !== "_self") return;
    const g = firstDirty(pageGuards);
    if (!g) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    g.ask({ form: f, submitter: ev.submitter }, ev.submitter || document.activeElement);
  }, true);

  window.convreportLeave = {
    // page makes a guard whose input the page's links and forms would lose.
    page(opts) {
      const g = guard(opts);
      pageGuards.push(g);
      return g;
    },
    // dialog makes a guard whose input closing dlg would lose: its close
    // buttons (data-close), a click beside it and Escape ask first.
    dialog(dlg, opts) {
      const g = guard(opts);
      dialogGuards.push(g);
      const close = (from) => g.ask({ run: () => dlg.close() }, from);
      dlg.querySelectorAll("[data-close]").forEach((b) => b.addEventListener("click", () => close(b)));
      dlg.addEventListener("click", (ev) => { if (ev.target === dlg) close(null); });
      dlg.addEventListener("cancel", (ev) => {
        if (!g.dirty()) return;
        ev.preventDefault();
        close(null);
      });
      return g;
    },
    // saving says whether a save is on its way, or its answer sends the
    // page away; afterSave(f) runs f once all are refused, and drops it
    // once one is saved. The live stream loads the page again after
    // them: sooner, it would ask before losing what a save sent, or keep
    // the page from going where the save sends it.
    saving,
    afterSave(f) { waiting.add(f); },
    // reload loads the page again, what the person typed dropped on
    // their word.
    reload() { leaving = true; window.location.reload(); },
    // loadAgain loads the page again of its own accord (to show what
    // changed elsewhere): at once when nothing typed would be lost, else
    // on the person's word, in the page's dialog, why (nodes) said before
    // the question; the browser asks nothing then. before runs just
    // before the page loads; kept, when the person keeps editing.
    // goOn goes where a save of the page's own sends it, to: {reload}
    // (this page again, reload() run first) or {href}. Input typed
    // elsewhere on the page would be lost: loaded again, the parts that
    // can keep it across the load (their keep()) do so, and nothing is
    // asked; else the page's dialog asks, why (nodes) said first, and
    // to.kept runs when the person stays. The browser asks nothing.
    goOn(why, to) {
      const ds = guards.filter((g) => g.dirty());
      if (!ds.length) { follow(to, false); return; }
      if (to.reload && ds.every((g) => g.keep)) {
        ds.forEach((g) => g.keep());
        follow(to, true);
        return;
      }
      ds[0].ask(Object.assign({}, to, {
        why,
        // Staying, the page is no longer on its way: the live stream
        // follows again, and a save asks again.
        kept: () => { going = false; if (to.kept) to.kept(); },
      }), null);
    },
    // go goes to href, what was typed dropped: what it was typed for is
    // gone (a dashboard deleted).
    go(href) { follow({ href }, true); },
    loadAgain(why, before, kept) {
      // The guard of a dialog first: it is in front of the page.
      const g = firstDirty(dialogGuards) || firstDirty(guards);
      const to = { reload: before || (() => {}), why, kept };
      if (g) g.ask(to, null);
      else follow(to, false);
    },
  };
})();
