// Scrutin's one page script, loaded with `defer` under a strict CSP. Pages work
// without it; it only adds conveniences (local times, ballot ranking helpers).
(function () {
  'use strict';
  // Show each <time data-local> also in the viewer's own time zone.
  document.querySelectorAll('time[data-local]').forEach(function (el) {
    var when = new Date(el.getAttribute('datetime'));
    if (isNaN(when.getTime())) return;
    var out = document.createElement('span');
    out.className = 'local-time';
    out.textContent = ' (' + when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZoneName: 'short' }) + ' your time)';
    el.after(out);
  });
})();
