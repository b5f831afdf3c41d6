/* The instructor's desk: saves decisions and answers as JSON (the desk's key in a header), and the keys of the
   answer page.  No other script, no request anywhere but the desk. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="desk-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  var status = document.getElementById("status");
  var KEPT = "desk-said";

  function say(text, bad) {
    if (!status) { return; }
    status.textContent = text;
    status.className = "status shown" + (bad ? " bad" : "");
  }
  try {
    var said = window.sessionStorage.getItem(KEPT);
    if (said) { window.sessionStorage.removeItem(KEPT); say(said); }
  } catch (e) { /* storage off: nothing to show */ }

  function post(url, data) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: {"Content-Type": "application/json", "X-Desk-Token": token},
      body: JSON.stringify(data)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok || !body.ok) { throw new Error(body.error || ("the desk answered " + response.status)); }
        return body;
      });
    });
  }

  function go(url, message) {
    if (message) { try { window.sessionStorage.setItem(KEPT, message); } catch (e) { /* ignore */ } }
    if (url) { window.location.assign(url); } else { window.location.reload(); }
  }

  function number(text) {
    if (text === undefined || text === null || String(text).trim() === "") { return null; }
    var n = Number(text);
    return isNaN(n) ? null : n;
  }

  var busy = false;
  function decide(form, how) {
    if (busy) { return; }
    var d = form.dataset;
    var max = number(d.max);
    var comment = form.querySelector('[name="comment"]');
    var data = {student: d.student, exercise: d.exercise, "case": d["case"] || "", seen: number(d.seen),
                comment: comment ? comment.value : ""};
    if (how === "accept" || how === "clear") {
      data.action = how;
    } else {
      data.action = "score";
      if (how === "zero") { data.score = 0; }
      else if (how === "half") { data.score = max / 2; }
      else if (how === "full") { data.score = max; }
      else {
        data.score = number(form.querySelector('[name="score"]').value);
        if (data.score === null) { say("Type a score first.", true); return; }
      }
    }
    busy = true;
    say("Saving…");
    post("/api/decide", data).then(function (body) {
      var dec = body.decision;
      var what = dec.action === "clear" ? "back to the computed score" : dec.action === "accept"
        ? "accepted " + dec.score : "set to " + dec.score;
      var text = "Saved: " + dec.student + ", " + dec.exercise + (dec["case"] ? " / " + dec["case"] : "") + " " +
        what + "." + (dec.conflict ? " Another tab had changed it first (to " + dec.old + "); both are in the history." : "");
      go(d.next || null, text);
    }).catch(function (error) {
      busy = false;
      say("Not saved: " + error.message, true);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.decide"), function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter;
      decide(form, button && button.value ? button.value : "score");
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("form.request"), function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter;
      var data = {id: Number(form.dataset.id), status: button ? button.value : "kept",
                  reply: form.querySelector('[name="reply"]').value,
                  score: number(form.querySelector('[name="score"]').value)};
      say("Saving…");
      post("/api/request", data).then(function (body) {
        go(null, "Answered: " + body.request.student + ", " + body.request.exercise + " (" + body.request.status + ").");
      }).catch(function (error) { say("Not saved: " + error.message, true); });
    });
  });

  var exporter = document.getElementById("export");
  if (exporter) {
    exporter.addEventListener("click", function () {
      say("Writing the exports…");
      post("/api/export", {}).then(function (body) {
        say("Exports written: " + body.files.length + " files" +
            (body.warnings.length ? " (" + body.warnings.length + " warnings in the terminal's export)" : "") + ".");
      }).catch(function (error) { say("Exports not written: " + error.message, true); });
    });
  }

  function useComment(button, form) {
    var field = form.querySelector('[name="comment"]');
    field.value = button.getAttribute("data-comment");
    say("Comment set: “" + field.value + "”. Press a key to save it with a score.");
  }

  var form = document.getElementById("decide");
  if (document.body.getAttribute("data-page") !== "answer" || !form) { return; }
  Array.prototype.forEach.call(form.querySelectorAll("button.reuse"), function (button) {
    button.addEventListener("click", function () { useComment(button, form); });
  });
  var link = function (selector) { var a = document.querySelector(selector); return a ? a.getAttribute("href") : null; };
  var reusing = false;
  var keys = {"a": "accept", "0": "zero", "h": "half", "5": "half", "1": "full"};
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
    if (typing) {
      if (event.key === "Escape") { event.preventDefault(); target.blur(); }
      else if (event.key === "Enter" && target.name === "comment") {
        event.preventDefault(); target.blur();
        say("Comment kept: press a, 0, h or 1 (or s for any score) to save it with the score.");
      } else if (event.key === "Enter" && target.name === "score") { event.preventDefault(); decide(form, "score"); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var key = event.key;
    if (reusing) {
      reusing = false;
      var choice = form.querySelectorAll("button.reuse")[Number(key) - 1];
      if (choice) { event.preventDefault(); useComment(choice, form); } else { say("No earlier comment " + key + "."); }
      return;
    }
    if (keys[key]) { event.preventDefault(); decide(form, keys[key]); return; }
    if (key === "x" && form.querySelector('button[value="clear"]')) { event.preventDefault(); decide(form, "clear"); return; }
    if (key === "s") { event.preventDefault(); form.querySelector('[name="score"]').focus(); return; }
    if (key === "c") { event.preventDefault(); form.querySelector('[name="comment"]').focus(); return; }
    if (key === "r" && form.querySelector("button.reuse")) {
      event.preventDefault(); reusing = true; say("Which earlier comment? Press its number."); return;
    }
    var where = null;
    if (key === "j" || key === "ArrowRight") { where = link('a[rel="next"]'); }
    else if (key === "k" || key === "ArrowLeft") { where = link('a[rel="prev"]'); }
    else if (key === "n") { where = link("#next-review"); }
    else if (key === "?") {
      event.preventDefault();
      var help = document.getElementById("keys"); help.open = !help.open; return;
    } else { return; }
    event.preventDefault();
    if (where) { go(where); } else { say("No answer that way."); }
  });
}());
