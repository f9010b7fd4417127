// The two login steps the link page and the operator dashboard share: "Log in" opens the provider's page
// in a window opened inside the click (so that no pop-up blocker stops it), then the pasted code#state is
// sent. A code is single-use at the provider, so a failed one is cleared from the screen and the failure
// said. Each page says how a login starts and completes (its own endpoints); this file keeps nothing.
// It is served ahead of the link page's page.js (WebAssets) and loaded before the dashboard's dashboard.js.
var reauthLogin = (function () {
  'use strict';

  function element(id) {
    return document.getElementById(id);
  }

  function setText(node, text) {
    if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  function busy(form, on) {
    form.querySelector('button').disabled = on;
    form.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  // page.start(): a promise of the started login ({authorizationUrl}), or null when the page refused (it said why).
  // page.refusal(): why the code cannot be sent yet, or null. page.complete(code): a promise of {message, detail}.
  // page.completed(): after a success. page.scrollToError: bring a failure into view.
  return function bind(page) {
    var steps = element('steps');
    var startForm = element('start');
    var completeForm = element('complete');
    var code = element('code');
    var error = element('error');
    var status = element('status');
    var fallback = element('login-fallback');
    var fallbackLink = element('login-link');
    var done = element('done');
    var doneMessage = element('done-message');
    var doneDetail = element('done-detail');
    // a reset (the dialog closed) starts a new generation: a late answer of an older one changes nothing on screen
    var generation = 0;

    function showError(text) {
      setText(status, '');
      error.textContent = text;
      error.hidden = false;
    }

    function clearError() {
      error.hidden = true;
      error.textContent = '';
    }

    startForm.addEventListener('submit', function (event) {
      event.preventDefault();
      clearError();
      var started = page.start();
      if (!started) {
        return;
      }
      // opened now, inside the key press or click; pointed at the provider once known
      var login = window.open('', '_blank');
      var mine = generation;
      busy(startForm, true);
      setText(status, 'Starting the login…');
      started.then(function (result) {
        if (mine !== generation) {
          if (login) {
            login.close();
          }
          return;
        }
        if (login) {
          login.opener = null;
          login.location.replace(result.authorizationUrl);
        } else {
          fallbackLink.href = result.authorizationUrl;
          fallback.hidden = false;
        }
        setText(status, 'The login page opened in a new window. Log in, copy the code it shows, and paste it below.');
        (login ? code : fallbackLink).focus();
      }).catch(function (failure) {
        if (login) {
          login.close();
        }
        if (mine === generation) {
          showError(failure.message);
        }
      }).then(function () {
        busy(startForm, false);
      });
    });

    completeForm.addEventListener('submit', function (event) {
      event.preventDefault();
      clearError();
      var value = code.value.trim();
      var refusal = page.refusal ? page.refusal() : null;
      if (refusal) {
        showError(refusal);
        return;
      }
      if (value.indexOf('#') < 1) {
        showError('Paste the whole value the provider shows: it looks like code#state.');
        code.focus();
        return;
      }
      busy(completeForm, true);
      setText(status, 'Re-authenticating…');
      var mine = generation;
      page.complete(value).then(function (result) {
        if (mine !== generation) {
          if (page.completed) {
            page.completed();
          }
          return;
        }
        code.value = '';
        setText(status, '');
        doneMessage.textContent = result.message;
        doneDetail.textContent = result.detail;
        steps.hidden = true;
        done.hidden = false;
        doneMessage.focus();
        if (page.completed) {
          page.completed();
        }
      }).catch(function (failure) {
        if (mine !== generation) {
          return;
        }
        // a code is single-use at the provider: a new login gives the next one, so nothing pasted stays on screen
        code.value = '';
        showError(failure.message);
        code.focus();
        if (page.scrollToError) {
          error.scrollIntoView({ block: 'nearest' });
        }
      }).then(function () {
        busy(completeForm, false);
      });
    });

    return {
      showError: showError,
      // back to the first step, nothing pasted, nothing said
      reset: function () {
        generation += 1;
        steps.hidden = false;
        done.hidden = true;
        fallback.hidden = true;
        fallbackLink.href = '#';
        code.value = '';
        setText(status, '');
        clearError();
      }
    };
  };
}());
