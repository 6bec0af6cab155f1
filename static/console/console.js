/* The console's few behaviours that HTML and htmx cannot give: modal dialogs (focus in, trapped by
 * showModal(), Esc and backdrop close, focus given back), server-worded toasts, the phone menu, the
 * top-bar menus closing, Copy buttons, and focus on the first error after the server re-renders a
 * form. Every text shown comes from the server (data attributes or HX-Trigger events), so it can be
 * translated there. No inline scripts or handlers anywhere: the CSP can stay strict. */
(function () {
  "use strict";

  var openers = new WeakMap(); // dialog -> the id (or element) that opened it, for giving focus back

  function focusables(root) {
    return root.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])');
  }

  function rememberOpener(dialog) {
    var active = document.activeElement;
    if (dialog.dataset.returnFocus) {
      openers.set(dialog, dialog.dataset.returnFocus);
    } else if (active && active !== document.body && !dialog.contains(active)) {
      openers.set(dialog, active.id || active);
    }
  }

  function giveFocusBack(dialog) {
    var target = openers.get(dialog);
    openers.delete(dialog);
    if (document.querySelector("dialog[open]")) return; // another dialog took over
    var element = typeof target === "string" ? document.getElementById(target) : target;
    if (!element || !document.contains(element)) {
      element = document.getElementById("main");
    }
    if (element) element.focus();
  }

  function initialFocus(dialog) {
    var wanted = dialog.querySelector('[aria-invalid="true"]') || dialog.querySelector(".error-summary, [autofocus]");
    if (!wanted && dialog.dataset.initialFocus) wanted = dialog.querySelector(dialog.dataset.initialFocus);
    if (!wanted) {
      var body = dialog.querySelector(".dialog-body") || dialog;
      wanted = focusables(body)[0] || dialog.querySelector(".dialog-title");
    }
    if (wanted) {
      wanted.focus();
      if (wanted.scrollIntoView) wanted.scrollIntoView({block: "center"});
    }
  }

  function openDialog(dialog) {
    if (dialog.open) return;
    rememberOpener(dialog);
    dialog.showModal();
    initialFocus(dialog);
  }

  function closeDialog(dialog) {
    if (dialog && dialog.open) dialog.close();
  }

  function wireDialog(dialog) {
    if (dialog.dataset.wired) return;
    dialog.dataset.wired = "1";
    // A click that lands on the <dialog> itself, not on its content, is a click on the backdrop.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) closeDialog(dialog);
    });
    dialog.addEventListener("close", function () {
      if (dialog.hasAttribute("data-remove-on-close") && dialog.parentNode) {
        dialog.parentNode.removeChild(dialog);
      }
      giveFocusBack(dialog);
    });
  }

  function initDialogs(root) {
    var dialogs = root.querySelectorAll ? root.querySelectorAll("dialog.modal") : [];
    if (root.matches && root.matches("dialog.modal")) dialogs = [root].concat(Array.prototype.slice.call(dialogs));
    Array.prototype.forEach.call(dialogs, function (dialog) {
      wireDialog(dialog);
      if (dialog.hasAttribute("data-open")) openDialog(dialog);
    });
  }

  // A dialog removed by a swap (the server closed it) gives focus back too.
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      Array.prototype.forEach.call(record.removedNodes, function (node) {
        if (node.nodeType !== 1) return;
        var removed = node.matches("dialog.modal") ? [node] : node.querySelectorAll("dialog.modal");
        Array.prototype.forEach.call(removed, function (dialog) {
          if (openers.has(dialog)) {
            // The replacement may be a new dialog (a drawer re-rendered): it inherits the opener.
            var replacement = document.querySelector("dialog.modal[open]");
            if (replacement && !openers.has(replacement)) openers.set(replacement, openers.get(dialog));
            else giveFocusBack(dialog);
          }
        });
      });
    });
  }).observe(document.documentElement, {childList: true, subtree: true});

  document.addEventListener("click", function (event) {
    var closer = event.target.closest("[data-dialog-close]");
    if (closer) {
      var dialog = closer.closest("dialog");
      if (dialog) {
        event.preventDefault();
        closeDialog(dialog);
        return;
      }
    }
    var opener = event.target.closest("[data-dialog-open]");
    if (opener) {
      var target = document.getElementById(opener.getAttribute("data-dialog-open"));
      if (target) {
        event.preventDefault();
        wireDialog(target);
        openDialog(target);
      }
    }
    var copy = event.target.closest("[data-copy-target]");
    if (copy) copyValue(copy);
    closeMenus(event.target);
  });

  // --- After the server re-renders a form: focus (and scroll to) the first error. --------------
  function focusFirstError(root) {
    if (!root || !root.querySelector) return;
    var summary = root.querySelector(".error-summary");
    if (!summary) return;
    var first = root.querySelector('[aria-invalid="true"]') || summary;
    first.focus();
    if (first.scrollIntoView) first.scrollIntoView({block: "center"});
  }

  // --- Toasts ------------------------------------------------------------------------------
  function region() { return document.getElementById("toasts"); }

  function scheduleDismiss(toast) {
    if (toast.dataset.scheduled) return;
    toast.dataset.scheduled = "1";
    if (toast.classList.contains("toast-error")) return; // errors stay until closed
    var timer = setTimeout(function () { dismiss(toast); }, 6000);
    toast.addEventListener("mouseenter", function () { clearTimeout(timer); });
    toast.addEventListener("focusin", function () { clearTimeout(timer); });
  }

  function dismiss(toast) {
    toast.classList.add("leaving");
    setTimeout(function () { if (toast.parentNode) toast.parentNode.removeChild(toast); }, 300);
  }

  function showToast(message, level) {
    var host = region();
    if (!host || !message) return;
    var toast = document.createElement("div");
    toast.className = "toast toast-" + (level || "success");
    toast.setAttribute("data-testid", "toast");
    toast.setAttribute("role", level === "error" ? "alert" : "status");
    var text = document.createElement("div");
    text.className = "toast-text";
    text.textContent = message;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", host.dataset.closeLabel || "Close");
    close.textContent = "\u00d7";
    toast.appendChild(text);
    toast.appendChild(close);
    host.appendChild(toast);
    scheduleDismiss(toast);
  }

  document.addEventListener("click", function (event) {
    var close = event.target.closest(".toast-close");
    if (close) dismiss(close.closest(".toast"));
  });

  document.body.addEventListener("console:toast", function (event) {
    var detail = event.detail || {};
    showToast(detail.message, detail.level);
  });
  document.body.addEventListener("console:close-dialog", function () {
    closeDialog(document.querySelector("dialog.modal[open]"));
  });

  // Requests that never reached the server, or failed there without a worded answer.
  document.body.addEventListener("htmx:sendError", function () {
    showToast(document.body.dataset.msgNetwork, "error");
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && !xhr.getResponseHeader("HX-Trigger") && xhr.status !== 403) {
      showToast(document.body.dataset.msgServer, "error");
    }
  });

  // --- Top-bar menus (<details>): close on an outside click and on Esc. -----------------------
  function closeMenus(except) {
    document.querySelectorAll(".topbar details[open]").forEach(function (menu) {
      if (!except || !menu.contains(except)) menu.removeAttribute("open");
    });
  }

  // --- The phone menu: below 900 px the navigation sits behind a button. ---------------------
  function setNav(open) {
    var toggle = document.querySelector(".nav-toggle");
    document.body.classList.toggle("nav-open", open);
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = document.querySelector("#sidenav a");
      if (first) first.focus();
    }
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest(".nav-toggle")) {
      setNav(!document.body.classList.contains("nav-open"));
    } else if (event.target.closest(".nav-backdrop")) {
      setNav(false);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = document.querySelector(".topbar details[open]");
    if (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
    }
    if (document.body.classList.contains("nav-open")) {
      setNav(false);
      var toggle = document.querySelector(".nav-toggle");
      if (toggle) toggle.focus();
    }
  });

  // --- Copy buttons for values shown once. -------------------------------------------------
  function copyValue(button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) return;
    var done = function () {
      var label = button.querySelector(".copy-label") || button;
      var before = label.textContent;
      label.textContent = button.dataset.copiedLabel || before;
      setTimeout(function () { label.textContent = before; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      field.select();
      try { document.execCommand("copy"); done(); } catch (e) { /* selected for the user to copy */ }
    }
  }

  // --- Wiring to htmx and to the first load. ---------------------------------------------------
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (target && target.closest && !target.closest("dialog.modal") && target.querySelector("dialog.modal")) return;
    focusFirstError(target);
  });

  function onLoad(root) {
    initDialogs(root);
    if (root === document.body && !document.querySelector("dialog.modal[open]")) {
      focusFirstError(document.getElementById("main")); // a page the server answered with errors
    }
    (root.querySelectorAll ? root.querySelectorAll(".toast") : []).forEach(scheduleDismiss);
  }

  if (window.htmx) {
    window.htmx.onLoad(onLoad);
  } else {
    document.addEventListener("DOMContentLoaded", function () { onLoad(document.body); });
  }
})();
