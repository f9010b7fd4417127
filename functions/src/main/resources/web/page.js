// The link page's own part of its one script (served after login.js, which holds the two login steps):
// "Log in" starts a login of this link's account; the form sends the pasted code#state. The endpoints
// come from this page's own address, so the page itself never holds the link token. No data is kept
// anywhere: no cookies, no storage.
(function () {
  'use strict';

  var steps = document.getElementById('steps');
  if (!steps) {
    return; // a page about a used, expired, revoked or unknown link: nothing to do
  }
  var base = window.location.pathname.replace(/\/+$/, '');
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

  reauthLogin({
    start: function () {
      return post('start');
    },
    complete: function (code) {
      return post('complete', { code: code });
    },
    scrollToError: true
  });
}());
