// Scrutin's one page script, loaded with `defer` under a strict CSP (no inline
// script or style: this file sets element.style only, which CSP allows). Every page
// works without it; it adds the viewer's local times, a show/hide toggle for
// passphrases, and the ballot's drag-and-drop and Up/Down ranking. Whatever way the
// voter ranks, the result lives in the ballot's plain <select>s, which are what the
// form posts: the script never invents a second source of truth.
(function () {
  'use strict';

  // --- Local times: each <time data-local> also in the viewer's own time zone, in
  // the server's one format ("Tue 15 September 2026, 16:00 CEST"), so a page never
  // mixes two ways of writing a date. The zone is the browser's short name for it.
  function two(n) {
    return n.length < 2 ? '0' + n : n;
  }
  function localText(when, seconds) {
    var parts = {};
    new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
      .formatToParts(when)
      .forEach(function (p) {
        parts[p.type] = p.value;
      });
    var time = two(parts.hour) + ':' + two(parts.minute) + (seconds ? ':' + two(parts.second) : '');
    return parts.weekday + ' ' + parts.day + ' ' + parts.month + ' ' + parts.year + ', ' + time + ' ' + parts.timeZoneName;
  }
  document.querySelectorAll('time[data-local]').forEach(function (el) {
    var when = new Date(el.getAttribute('datetime'));
    // Where local time is UTC at that moment, the page already says it.
    if (isNaN(when.getTime()) || when.getTimezoneOffset() === 0) return;
    var text;
    try {
      text = localText(when, /:\d\d:\d\d UTC$/.test(el.textContent));
    } catch (e) {
      return;
    }
    var out = document.createElement('span');
    out.className = 'local-time';
    out.textContent = ' (' + text + ' your time)';
    el.after(out);
  });

  // --- Passphrase fields: a Show/Hide button, so a voter can check what they typed.
  document.querySelectorAll('.password-row input[type="password"]').forEach(function (input) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'button reveal';
    button.setAttribute('aria-controls', input.id);
    var label = function () {
      var hidden = input.type === 'password';
      button.textContent = hidden ? 'Show' : 'Hide';
      button.setAttribute('aria-label', (hidden ? 'Show' : 'Hide') + ' passphrase');
    };
    label();
    button.addEventListener('click', function () {
      input.type = input.type === 'password' ? 'text' : 'password';
      label();
      input.focus();
    });
    input.after(button);
  });

  // --- A form that came back with problems: start at their summary (autofocus does it
  // too, except where the browser refuses autofocus, e.g. after history navigation).
  var errorSummary = document.getElementById('error-summary');
  if (errorSummary && (document.activeElement === null || document.activeElement === document.body)) errorSummary.focus();

  var form = document.getElementById('ballot-form');
  if (form) initBallot(form);

  function initBallot(form) {
    var list = form.querySelector('#ballot-list');
    var summary = form.querySelector('#ballot-summary');
    var abstention = form.querySelector('#abstention');
    var confirmBox = form.querySelector('#confirm_abstention');
    var allowNoOpinion = form.getAttribute('data-allow-no-opinion') === 'true';
    // STV reads a ballot in order: there, dropping onto a candidate places above or below it.
    var allowTies = form.getAttribute('data-ties') !== 'false';
    var rows = Array.prototype.slice.call(list.querySelectorAll('.ballot-row'));
    if (!list || !summary || rows.length === 0) return;

    var help = form.querySelector('#ballot-js-help');
    if (help) help.hidden = false;
    // The server shows the summary only for a ballot that came back; here it follows every change.
    summary.hidden = false;
    list.classList.add('enhanced');

    var divider = document.createElement('li');
    divider.className = 'ballot-divider';
    divider.setAttribute('aria-hidden', 'true');
    divider.textContent = allowNoOpinion ? 'No opinion' : 'Not ranked yet';

    function select(row) {
      return row.querySelector('select');
    }
    function nameOf(row) {
      return row.getAttribute('data-name');
    }
    function baseIndex(row) {
      return Number(row.getAttribute('data-index'));
    }
    function rankOf(row) {
      var v = select(row).value;
      return /^\d+$/.test(v) ? Number(v) : null;
    }
    function domRows() {
      return Array.prototype.slice.call(list.querySelectorAll('.ballot-row'));
    }

    /** Ranked rows grouped by rank, best first; a group holds tied candidates. */
    function tiers() {
      var byRank = new Map();
      domRows().forEach(function (row) {
        var r = rankOf(row);
        if (r === null) return;
        if (!byRank.has(r)) byRank.set(r, []);
        byRank.get(r).push(row);
      });
      return Array.from(byRank.keys())
        .sort(function (a, b) {
          return a - b;
        })
        .map(function (r) {
          return byRank.get(r);
        });
    }
    function unranked() {
      return rows
        .filter(function (row) {
          return rankOf(row) === null;
        })
        .sort(function (a, b) {
          return baseIndex(a) - baseIndex(b);
        });
    }
    function tierOf(groups, row) {
      for (var i = 0; i < groups.length; i++) if (groups[i].indexOf(row) !== -1) return i;
      return -1;
    }
    /** Writes a new order into the selects: group i gets rank i + 1, the rest no opinion. */
    function write(groups) {
      var ranked = new Set();
      groups.forEach(function (group, i) {
        group.forEach(function (row) {
          select(row).value = String(i + 1);
          ranked.add(row);
        });
      });
      rows.forEach(function (row) {
        if (!ranked.has(row)) select(row).value = '';
      });
    }

    function listText(names) {
      if (names.length <= 1) return names.join('');
      return names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1];
    }
    /** Same sentence as the server's ballotSummary (src/http/voting/summary.ts). */
    function summaryText(groups) {
      var parts = groups.map(function (group) {
        return rankOf(group[0]) + '. ' + listText(group.map(nameOf)) + (group.length > 1 ? ' tied' : '');
      });
      var rest = unranked().map(nameOf);
      if (rest.length > 0) parts.push(groups.length === 0 ? 'no opinion on any candidate' : 'no opinion on ' + listText(rest));
      return 'Your ballot: ' + (parts.length === 0 ? 'empty' : parts.join(', ')) + '.';
    }

    /** Puts the rows in ballot order, updates badges and the live summary, keeps focus. */
    function render(action) {
      var active = document.activeElement;
      var groups = tiers();
      var order = [];
      groups.forEach(function (group) {
        group.forEach(function (row) {
          order.push(row);
        });
      });
      var rest = unranked();
      var wanted = order.concat(rest);
      var current = domRows();
      var same =
        current.length === wanted.length &&
        wanted.every(function (row, i) {
          return current[i] === row;
        });
      if (!same)
        wanted.forEach(function (row) {
          list.appendChild(row);
        });
      if (order.length > 0 && rest.length > 0) list.insertBefore(divider, rest[0]);
      else if (divider.parentNode) divider.parentNode.removeChild(divider);

      rows.forEach(function (row) {
        var r = rankOf(row);
        var g = tierOf(groups, row);
        var tied = g !== -1 && groups[g].length > 1;
        row.classList.toggle('is-ranked', r !== null);
        row.classList.toggle('is-tied', tied);
        row.querySelector('.rank-badge').textContent = r === null ? '–' : String(r) + (tied ? '=' : '');
      });

      summary.textContent = '';
      if (action) {
        var span = document.createElement('span');
        span.className = 'summary-action';
        span.textContent = action + ' ';
        summary.appendChild(span);
      }
      summary.appendChild(document.createTextNode(summaryText(groups)));

      if (groups.length >= 2 && abstention) {
        abstention.hidden = true;
        if (confirmBox) confirmBox.checked = false;
      }
      if (active && active !== document.activeElement && list.contains(active)) active.focus();
    }

    function describe(row) {
      var r = rankOf(row);
      if (r === null) return nameOf(row) + (allowNoOpinion ? ': no opinion.' : ': not ranked.');
      return nameOf(row) + ' is now at rank ' + r + '.';
    }

    // --- Up and Down: move a candidate one place, past a whole tie if needed.
    function move(row, up) {
      var groups = tiers();
      var i = tierOf(groups, row);
      if (up) {
        if (i === -1) groups.push([row]);
        else if (groups[i].length > 1) {
          groups[i].splice(groups[i].indexOf(row), 1);
          groups.splice(i, 0, [row]);
        } else if (i === 0) {
          render(nameOf(row) + ' is already your first choice.');
          return;
        } else {
          var above = groups[i - 1];
          groups[i - 1] = groups[i];
          groups[i] = above;
        }
      } else {
        if (i === -1) {
          render(nameOf(row) + ' is not ranked.');
          return;
        }
        if (groups[i].length > 1) {
          groups[i].splice(groups[i].indexOf(row), 1);
          groups.splice(i + 1, 0, [row]);
        } else if (i === groups.length - 1) {
          if (!allowNoOpinion) {
            render(nameOf(row) + ' is already last.');
            return;
          }
          groups.pop();
        } else {
          var below = groups[i + 1];
          groups[i + 1] = groups[i];
          groups[i] = below;
        }
      }
      write(groups);
      render(describe(row));
    }

    // --- Drag and drop (mouse, touch and pen through pointer events) by the handle.
    // Dropping on the upper or lower part of a row places the candidate above or
    // below it; dropping on its middle ties the two.
    var drag = null;
    function clearMarks() {
      rows.forEach(function (row) {
        row.classList.remove('drop-before', 'drop-after', 'drop-tie');
      });
    }
    function findTarget(y) {
      var others = domRows().filter(function (row) {
        return row !== drag.row;
      });
      if (others.length === 0) return null;
      for (var i = 0; i < others.length; i++) {
        var box = others[i].getBoundingClientRect();
        if (y >= box.top && y <= box.bottom) {
          var at = (y - box.top) / box.height;
          if (!allowTies) return { row: others[i], zone: at < 0.5 ? 'before' : 'after' };
          return { row: others[i], zone: at < 0.3 ? 'before' : at > 0.7 ? 'after' : 'tie' };
        }
      }
      var first = others[0].getBoundingClientRect();
      if (y < first.top) return { row: others[0], zone: 'before' };
      return { row: others[others.length - 1], zone: 'after' };
    }
    function drop(row, target) {
      var groups = tiers()
        .map(function (g) {
          return g.filter(function (r) {
            return r !== row;
          });
        })
        .filter(function (g) {
          return g.length > 0;
        });
      var t = tierOf(groups, target.row);
      if (t === -1) {
        var firstUnranked = unranked().filter(function (r) {
          return r !== row;
        })[0];
        var toEnd = (target.zone === 'before' && target.row === firstUnranked) || !allowNoOpinion;
        if (toEnd) groups.push([row]);
      } else if (target.zone === 'tie') groups[t].push(row);
      else groups.splice(target.zone === 'before' ? t : t + 1, 0, [row]);
      write(groups);
      render(describe(row));
    }
    function endDrag(commit) {
      if (!drag) return;
      var d = drag;
      drag = null;
      d.row.classList.remove('dragging');
      d.row.style.transform = '';
      clearMarks();
      if (commit && d.target && d.moved) drop(d.row, d.target);
    }

    rows.forEach(function (row) {
      var name = nameOf(row);
      var handle = document.createElement('span');
      handle.className = 'drag-handle';
      handle.setAttribute('aria-hidden', 'true');
      handle.title = 'Drag to rank';
      row.querySelector('.ballot-cand').prepend(handle);

      var buttons = document.createElement('div');
      buttons.className = 'move-buttons';
      [
        ['up', 'Up', '↑'],
        ['down', 'Down', '↓'],
      ].forEach(function (spec) {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'button move move-' + spec[0];
        b.setAttribute('aria-label', 'Move ' + name + ' ' + spec[0]);
        var icon = document.createElement('span');
        icon.setAttribute('aria-hidden', 'true');
        icon.textContent = spec[2];
        var text = document.createElement('span');
        text.className = 'move-text';
        text.textContent = spec[1];
        b.appendChild(icon);
        b.appendChild(text);
        b.addEventListener('click', function () {
          move(row, spec[0] === 'up');
        });
        buttons.appendChild(b);
      });
      row.querySelector('.ballot-controls').appendChild(buttons);

      select(row).addEventListener('change', function () {
        render(describe(row));
      });

      handle.addEventListener('pointerdown', function (ev) {
        if (ev.button !== 0 || drag) return;
        ev.preventDefault();
        drag = { row: row, startY: ev.clientY, target: null, moved: false, pointerId: ev.pointerId };
        row.classList.add('dragging');
        try {
          handle.setPointerCapture(ev.pointerId);
        } catch (e) {
          /* pointer already gone */
        }
      });
      handle.addEventListener('pointermove', function (ev) {
        if (!drag || drag.row !== row || ev.pointerId !== drag.pointerId) return;
        var dy = ev.clientY - drag.startY;
        if (Math.abs(dy) > 3) drag.moved = true;
        row.style.transform = 'translateY(' + dy + 'px)';
        clearMarks();
        drag.target = findTarget(ev.clientY);
        if (drag.target) drag.target.row.classList.add('drop-' + drag.target.zone);
      });
      handle.addEventListener('pointerup', function (ev) {
        if (drag && ev.pointerId === drag.pointerId) endDrag(true);
      });
      handle.addEventListener('pointercancel', function () {
        endDrag(false);
      });
      handle.addEventListener('lostpointercapture', function () {
        endDrag(true);
      });
    });
    document.addEventListener('keydown', function (ev) {
      if (ev.key === 'Escape' && drag) endDrag(false);
    });

    // --- A ballot with no preference is an abstention: ask before sending it.
    form.addEventListener('submit', function (ev) {
      if (tiers().length >= 2 || !abstention || !confirmBox || confirmBox.checked) return;
      ev.preventDefault();
      abstention.hidden = false;
      render('This ballot prefers no candidate to another. Rank at least two candidates differently, or confirm the abstention.');
      confirmBox.focus();
    });

    render('');
  }
})();

// --- Busy state: a form being sent says so and cannot be sent twice. Casting, viewing
// and revoking take seconds (the passphrase key derivation). The server also refuses to
// cast twice (a second click joins the cast in progress); this only keeps the voter
// informed. Listens on the document, so a form's own checks (above) run first and a
// submission they stopped does not count.
(function () {
  'use strict';
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || ev.defaultPrevented) return;
    if (form.getAttribute('data-sending') === 'true') {
      ev.preventDefault();
      return;
    }
    var button = ev.submitter;
    var busy = button ? button.getAttribute('data-busy') : null;
    if (!busy) return;
    form.setAttribute('data-sending', 'true');
    form.setAttribute('aria-busy', 'true');
    // Not `disabled`: a disabled submitter would drop its own name and formaction.
    button.setAttribute('aria-disabled', 'true');
    button.classList.add('is-busy');
    button.textContent = busy;
    var status = document.createElement('p');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    form.appendChild(status);
    status.textContent = busy;
  });
  // Back to a page kept by the browser's back/forward cache: ready to be sent again.
  window.addEventListener('pageshow', function (ev) {
    if (!ev.persisted) return;
    var forms = document.querySelectorAll('form[data-sending]');
    for (var i = 0; i < forms.length; i++) forms[i].removeAttribute('data-sending');
  });
})();
