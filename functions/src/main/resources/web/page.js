// The link page's one script: "Log in" starts a login of this link's account and opens the provider's
// page; the form sends the pasted code#state. The endpoints come from this page's own address, so the
// page itself never holds the link token. No data is kept anywhere: no cookies, no storage.
(function () {
  'use strict';

  var steps = document.getElementById('steps');
  if (!steps) {
    return; // a page about a used, expired, revoked or unknown link: nothing to do
  }
  var base = window.location.pathname.replace(/\/+$/, '');
  var startForm = document.getElementById('start');
  var completeForm = document.getElementById('complete');
  var code = document.getElementById('code');
  var error = document.getElementById('error');
  var status = document.getElementById('status');
  var fallback = document.getElementById('login-fallback');
  var fallbackLink = document.getElementById('login-link');
  var done = document.getElementById('done');

  steps.hidden = false;

  function post(step, body) {
    return fetch(base + '/' + step, {
      method: 'POST',
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) {
          throw new Error(json.error_description || ('The server answered ' + response.status + '. Try again in a minute.'));
        }
        return json;
      });
    }, function () {
      throw new Error('The server could not be reached. Check the connection and try again.');
    });
  }

  function busy(form, on) {
    form.querySelector('button').disabled = on;
    form.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  function showError(text) {
    status.textContent = '';
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
    // opened now, inside the click, so that no pop-up blocker stops it; pointed at the provider once known
    var login = window.open('', '_blank');
    busy(startForm, true);
    status.textContent = 'Starting the login…';
    post('start').then(function (started) {
      if (login) {
        login.opener = null;
        login.location.replace(started.authorizationUrl);
      } else {
        fallbackLink.href = started.authorizationUrl;
        fallback.hidden = false;
      }
      status.textContent = 'The login page opened in a new window. Log in, copy the code it shows, and paste it below.';
      (login ? code : fallbackLink).focus();
    }).catch(function (failure) {
      if (login) {
        login.close();
      }
      showError(failure.message);
    }).then(function () {
      busy(startForm, false);
    });
  });

  completeForm.addEventListener('submit', function (event) {
    event.preventDefault();
    clearError();
    var value = code.value.trim();
    if (value.indexOf('#') < 1) {
      showError('Paste the whole value the provider shows: it looks like code#state.');
      code.focus();
      return;
    }
    busy(completeForm, true);
    status.textContent = 'Re-authenticating…';
    post('complete', { code: value }).then(function (result) {
      code.value = '';
      status.textContent = '';
      document.getElementById('done-message').textContent = result.message;
      document.getElementById('done-detail').textContent = result.detail;
      steps.hidden = true;
      done.hidden = false;
      document.getElementById('done-message').focus();
    }).catch(function (failure) {
      // a code is single-use at the provider: a new login gives the next one, so nothing is kept on screen
      code.value = '';
      showError(failure.message);
      code.focus();
      error.scrollIntoView({ block: 'nearest' });
    }).then(function () {
      busy(completeForm, false);
    });
  });
}());
