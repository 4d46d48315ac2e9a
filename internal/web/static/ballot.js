// ballot.js shows the phone ballot one step at a time: each subject (and
// the optional questions) is a step with its progress, "next" and "back".
// All steps stay in the one form, so moving between them loses no answer
// and the ballot is cast in one submission. Without scripts every step
// shows on one page. No inline script: the Content-Security-Policy
// forbids it.
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("ballot");
    if (!form) {
      return;
    }
    var steps = form.querySelectorAll(".step");
    if (steps.length < 2) {
      return;
    }
    var current = 0;

    function show(i, focus) {
      current = i;
      for (var k = 0; k < steps.length; k++) {
        steps[k].classList.toggle("current", k === i);
      }
      form.classList.toggle("at-end", i === steps.length - 1);
      // The introduction is read on the first step; later steps keep the
      // screen for the subject.
      document.body.classList.toggle("ballot-later", i > 0);
      window.scrollTo(0, 0);
      if (focus) {
        steps[i].focus({ preventScroll: true });
      }
    }

    // firstInvalid is the first field in scope that lacks an answer.
    function firstInvalid(scope) {
      var fields = scope.querySelectorAll("input, select, textarea");
      for (var k = 0; k < fields.length; k++) {
        if (!fields[k].checkValidity()) {
          return fields[k];
        }
      }
      return null;
    }

    function stepOf(el) {
      for (var k = 0; k < steps.length; k++) {
        if (steps[k].contains(el)) {
          return k;
        }
      }
      return steps.length - 1;
    }

    form.addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (!b) {
        return;
      }
      if (b.classList.contains("step-prev")) {
        show(current - 1, true);
        return;
      }
      // "Next", and Enter in a field before the last step, move on once
      // the step is answered; casting the ballot first shows any step
      // left unanswered.
      var next = b.classList.contains("step-next") || (b.type === "submit" && current < steps.length - 1);
      var bad = firstInvalid(next ? steps[current] : form);
      if (!next && !bad) {
        return; // cast the ballot
      }
      e.preventDefault();
      if (bad) {
        show(stepOf(bad), false);
        bad.reportValidity();
        return;
      }
      show(current + 1, true);
    });

    form.classList.add("stepped");
    // A refused ballot comes back with its answers: open the first step
    // left unanswered, else the last (where the refusal is decided).
    if (form.hasAttribute("data-resumed")) {
      var bad = firstInvalid(form);
      show(bad ? stepOf(bad) : steps.length - 1, false);
    } else {
      show(0, false);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
