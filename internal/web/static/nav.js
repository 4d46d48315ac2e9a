// A select marked data-autosubmit submits its form when changed, so that
// the top bar's cycle selector opens the chosen cycle at once; its button
// does the same where scripts are off.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () {
      if (sel.value !== "") sel.form.submit();
    });
  });
});
