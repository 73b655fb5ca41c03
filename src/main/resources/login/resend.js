// Counts the resend cool-down of the hosted MFA page down and enables the button at zero.
// The page works without it: the server states the wait and refuses an early resend.
document.querySelectorAll("button[data-wait]").forEach(function (button) {
  var left = parseInt(button.getAttribute("data-wait"), 10);
  var label = document.getElementById(button.getAttribute("aria-describedby"));
  var template = button.getAttribute("data-template");
  var tick = function () {
    if (left <= 0) {
      button.disabled = false;
      if (label) { label.textContent = ""; }
      return;
    }
    if (label) { label.textContent = template.replace("{0}", left); }
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
});
