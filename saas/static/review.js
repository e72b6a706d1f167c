/* Review pages (templates/reviews/): judging without page reloads, and the matrix's
   scroll cue.  Progressive enhancement: without this script the forms post and come back
   to the finding's anchor, and the cue shows on narrow screens from CSS alone.
   Loaded from 'self' with defer (the CSP allows no inline script). */
(function () {
  "use strict";

  var each = function (list, fn) {
    Array.prototype.forEach.call(list, fn);
  };

  /* --- judging ------------------------------------------------------------------------ */

  function announce(text) {
    var status = document.getElementById("judging-status");
    if (!status) {
      return;
    }
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text || "";
    }, 50);
  }

  function fromHtml(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = String(html || "").trim();
    return tpl.content.firstElementChild;
  }

  function replaceById(id, html) {
    var old = document.getElementById(id);
    var fresh = fromHtml(html);
    if (!old || !fresh) {
      return null;
    }
    old.replaceWith(fresh);
    return fresh;
  }

  function clearErrors(form) {
    each(form.querySelectorAll(".error"), function (el) {
      el.remove();
    });
    each(form.querySelectorAll(".has-error"), function (el) {
      el.classList.remove("has-error");
    });
    each(form.querySelectorAll("[aria-invalid]"), function (el) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
  }

  /* The server's {"error": {"message", "fields"}}: each field's message next to its
     control (focused), or the message at the end of the form. */
  function showError(form, error) {
    var fields = (error && error.fields) || {};
    var first = null;
    Object.keys(fields).forEach(function (name) {
      var control = form.querySelector('[name="' + name + '"]');
      if (!control || control.type === "hidden") {
        return;
      }
      var id = (control.id || name) + "-error";
      var p = document.createElement("p");
      p.className = "error";
      p.id = id;
      p.textContent = fields[name];
      var field = control.closest(".field") || control.parentNode;
      field.classList.add("has-error");
      field.appendChild(p);
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", id);
      first = first || control;
    });
    if (first) {
      first.focus();
      return;
    }
    var alert = document.createElement("p");
    alert.className = "error";
    alert.setAttribute("role", "alert");
    alert.textContent = (error && error.message) || "";
    form.appendChild(alert);
  }

  function apply(data, card) {
    var anchor = card && document.getElementById(card.id);
    var summary = document.getElementById("review-summary");
    var keep = anchor || summary;
    var before = keep ? keep.getBoundingClientRect().top : null;
    var focusTarget = null;
    var cards = data.cards || {};
    Object.keys(cards).forEach(function (id) {
      var fresh = replaceById(id, cards[id]);
      if (fresh && card && id === card.id) {
        focusTarget = fresh;
      }
    });
    if (data.summary) {
      summary = replaceById("review-summary", data.summary) || summary;
    }
    var scores = data.scores || {};
    Object.keys(scores).forEach(function (id) {
      var el = document.getElementById(id);
      if (el) {
        el.textContent = scores[id];
      }
    });
    var hint = document.getElementById("verdict-open-hint");
    if (hint) {
      hint.textContent = data.open_hint || "";
      hint.hidden = !data.open_hint;
    }
    focusTarget = focusTarget || summary;
    // Keep what the consultant was looking at where it was on the screen, even when
    // something above it changed height.
    if (focusTarget && before !== null) {
      var shift = focusTarget.getBoundingClientRect().top - before;
      if (Math.abs(shift) > 1) {
        window.scrollBy(0, shift);
      }
    }
    if (focusTarget) {
      focusTarget.focus({ preventScroll: true });
    }
    announce(data.message);
  }

  /* One judgement at a time, in the order clicked, so a card is never overwritten by an
     older answer. */
  var queue = Promise.resolve();

  function post(form, card, button) {
    var done = function () {
      form.removeAttribute("aria-busy");
      if (button) {
        button.disabled = false;
      }
    };
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    })
      .then(function (resp) {
        var type = resp.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          throw new Error("not a JSON answer");
        }
        return resp.json().then(function (data) {
          return { ok: resp.ok, data: data };
        });
      })
      .then(
        function (result) {
          done();
          clearErrors(form);
          if (result.ok) {
            apply(result.data, card);
          } else {
            showError(form, result.data && result.data.error);
          }
        },
        function () {
          // Signed out, an expired form, the network: let the server answer the plain post.
          done();
          form.submit();
        }
      );
  }

  function send(form, event) {
    if (!window.fetch || !window.FormData || !window.Promise) {
      return; // the plain post
    }
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") {
      return;
    }
    var card = form.closest(".finding");
    var button = form.querySelector("button[type=submit]");
    form.setAttribute("aria-busy", "true");
    if (button) {
      button.disabled = true;
    }
    queue = queue.then(function () {
      return post(form, card, button);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-judge")) {
      send(form, event);
    }
  });

  /* --- the matrix's scroll cue ------------------------------------------------------------ */

  function scrollCue(box) {
    var wrap = box.querySelector(".matrix-wrap");
    if (!wrap) {
      return;
    }
    var hint = document.getElementById(wrap.getAttribute("aria-describedby") || "");
    box.classList.add("cue-ready");
    if (hint) {
      hint.classList.add("cue-ready");
    }
    var update = function () {
      var max = wrap.scrollWidth - wrap.clientWidth;
      var at = Math.abs(wrap.scrollLeft); // right to left: 0 down to -max
      var overflowing = max > 1;
      box.classList.toggle("can-scroll-end", overflowing && at < max - 1);
      box.classList.toggle("scrolled", overflowing && at > 1);
      if (hint) {
        hint.classList.toggle("overflowing", overflowing);
      }
    };
    wrap.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  }

  function init() {
    each(document.querySelectorAll("[data-scroll-cue]"), scrollCue);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
