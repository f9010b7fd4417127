// The operator dashboard's own script (after login.js, the link page's two login steps, which its login
// dialog reuses). It lists the accounts every 5 seconds and runs the four actions (re-authenticate, add
// account, reload, copy a re-auth link) through the local server that served it, which alone calls the
// reauth API, with the operator's AWS credentials. Every value from the API is shown as text, never as
// HTML. Nothing is kept: no cookies, no storage.
(function () {
  'use strict';

  var POLL_MS = 5000;
  var list = document.getElementById('accounts');
  var title = document.getElementById('title');
  var updated = document.getElementById('updated');
  var notice = document.getElementById('notice');
  var listError = document.getElementById('list-error');
  var template = document.getElementById('account-template');
  var cards = new Map();
  var opener = null;

  function call(method, path, body) {
    var init = { method: method, credentials: 'same-origin', cache: 'no-store', referrerPolicy: 'no-referrer',
      headers: { 'Accept': 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) {
          throw new Error(json.error_description || ('The dashboard answered ' + response.status + '.'));
        }
        return json;
      });
    }, function () {
      throw new Error('The dashboard cannot be reached: is reauth dashboard still running?');
    });
  }

  function account(name, step) {
    return 'api/accounts/' + encodeURIComponent(name) + '/' + step;
  }

  function set(element, text) {
    if (element.textContent !== text) {
      element.textContent = text;
    }
  }

  // ---- the list

  function card(name) {
    var item = template.content.firstElementChild.cloneNode(true);
    item.dataset.account = name;
    item.querySelector('.card-name').textContent = name;
    item.querySelector('[data-action="reauth"]').setAttribute('aria-label', 'Re-authenticate ' + name);
    item.querySelector('[data-action="reload"]').setAttribute('aria-label', 'Reload ' + name);
    item.querySelector('[data-action="link"]').setAttribute('aria-label', 'Copy a re-auth link for ' + name);
    return item;
  }

  function show(item, account) {
    item.classList.toggle('healthy', account.healthy);
    item.classList.toggle('attention', !account.healthy);
    set(item.querySelector('.health'), account.health);
    ['identity', 'mode', 'expiresIn', 'refreshTokenExpiresIn', 'lastRefresh', 'failures', 'reauth', 'tokenVersion'].forEach(function (field) {
      set(item.querySelector('[data-field="' + field + '"]'), String(account[field]));
    });
  }

  function render(document_) {
    var names = new Set(document_.accounts.map(function (account) { return account.name; }));
    // removals first: the cards left keep their order, so only new cards are inserted below, and a card
    // that holds the focus is never moved (moving it would drop the focus to the page)
    cards.forEach(function (item, name) {
      if (!names.has(name)) {
        if (item.contains(document.activeElement)) {
          title.focus();
        }
        item.remove();
        cards.delete(name);
      }
    });
    document_.accounts.forEach(function (account, index) {
      var item = cards.get(account.name);
      if (!item) {
        item = card(account.name);
        cards.set(account.name, item);
      }
      if (list.children[index] !== item) {
        list.insertBefore(item, list.children[index] || null);
      }
      show(item, account);
    });
    var when = new Date(document_.generatedAt).toLocaleTimeString();
    set(updated, (cards.size === 0 ? 'No accounts yet: add one. ' : cards.size + (cards.size === 1 ? ' account' : ' accounts') + ', ')
      + 'updated ' + when + '; refreshes every 5 seconds.');
  }

  var timer = null;
  var running = null;
  var again = false;
  // one list request at a time: a refresh asked for while one runs follows it, so an older answer never
  // lands after a newer one (a completed login's new version is not overwritten by an earlier poll)
  function refresh() {
    if (running) {
      again = true;
      return running;
    }
    clearTimeout(timer);
    running = call('GET', 'api/accounts').then(function (document_) {
      listError.hidden = true;
      render(document_);
    }, function (failure) {
      set(listError, 'Could not refresh the list: ' + failure.message);
      listError.hidden = false;
    }).then(function () {
      running = null;
      if (again) {
        again = false;
        return refresh();
      }
      timer = setTimeout(refresh, POLL_MS);
    });
    return running;
  }

  function say(text) {
    set(notice, text);
  }

  list.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-action]');
    if (!button) {
      return;
    }
    var name = button.closest('.card').dataset.account;
    var action = button.dataset.action;
    if (action === 'reauth') {
      openLogin(button, name);
    } else if (action === 'reload') {
      reload(button, name);
    } else if (action === 'link') {
      copyLink(button, name);
    }
  });

  function reload(button, name) {
    button.disabled = true;
    say('Reloading ' + name + '…');
    call('POST', account(name, 'reload'), {}).then(function (result) {
      say(result.message);
    }, function (failure) {
      say('Reload of ' + name + ' failed: ' + failure.message);
    }).then(function () {
      button.disabled = false;
      button.focus();
    });
  }

  // ---- re-authenticate and add account: the link page's two steps, in a dialog

  var loginDialog = document.getElementById('login-dialog');
  var loginTitle = document.getElementById('login-title');
  var addFields = document.getElementById('add-fields');
  var addName = document.getElementById('add-name');
  var addMode = document.getElementById('add-mode');
  var loginFor = null; // the account being logged in; null while an add has no name yet

  function openLogin(from, name) {
    opener = from;
    loginFor = name;
    addFields.hidden = name !== null;
    loginTitle.textContent = name === null ? 'Add account' : 'Re-authenticate ' + name;
    document.getElementById('submit').textContent = name === null ? 'Add account' : 'Re-authenticate';
    login.reset();
    loginDialog.showModal();
    (name === null ? addName : document.getElementById('login')).focus();
  }

  var login = reauthLogin({
    start: function () {
      if (addFields.hidden) {
        return call('POST', account(loginFor, 'reauth'), {});
      }
      var name = addName.value.trim();
      if (!name) {
        login.showError('Give the new account a name.');
        addName.focus();
        return null;
      }
      loginFor = name;
      return call('POST', 'api/accounts', { name: name, mode: addMode.value });
    },
    refusal: function () {
      return loginFor === null ? 'Press Log in first.' : null;
    },
    complete: function (code) {
      return call('POST', account(loginFor, 'complete'), { code: code });
    },
    completed: refresh
  });

  function resetLogin() {
    login.reset();
    addName.value = '';
    addMode.value = 'max';
    loginFor = null;
  }

  // ---- copy a re-auth link

  var linkDialog = document.getElementById('link-dialog');
  var linkUrl = document.getElementById('link-url');
  var linkStatus = document.getElementById('link-status');

  function copyLink(button, name) {
    button.disabled = true;
    say('Making a re-auth link for ' + name + '…');
    call('POST', account(name, 'link'), {}).then(function (link) {
      say('');
      opener = button;
      document.getElementById('link-title').textContent = 'Re-auth link for ' + link.account;
      document.getElementById('link-expires').textContent = new Date(link.expiresAt).toLocaleString();
      linkUrl.value = link.url;
      linkDialog.showModal();
      copy();
    }, function (failure) {
      say('No link for ' + name + ': ' + failure.message);
      button.disabled = false;
      button.focus();
    }).then(function () {
      button.disabled = false;
    });
  }

  function copy() {
    linkUrl.focus();
    linkUrl.select();
    var copied = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(linkUrl.value)
      : Promise.reject(new Error('no clipboard'));
    copied.then(function () {
      set(linkStatus, 'Copied to the clipboard.');
    }, function () {
      set(linkStatus, 'Could not copy it here: the link is selected below; copy it with Ctrl+C (⌘C).');
    });
  }

  document.getElementById('link-copy').addEventListener('click', copy);

  // ---- both dialogs: Close, or Esc (the browser's own), and the focus goes back where it was

  document.getElementById('close-login').addEventListener('click', function () { loginDialog.close(); });
  document.getElementById('close-link').addEventListener('click', function () { linkDialog.close(); });
  loginDialog.addEventListener('close', function () {
    resetLogin();
    restoreFocus();
    refresh();
  });
  linkDialog.addEventListener('close', function () {
    linkUrl.value = '';
    set(linkStatus, '');
    restoreFocus();
  });

  function restoreFocus() {
    if (opener && document.contains(opener)) {
      opener.focus();
    } else {
      title.focus();
    }
    opener = null;
  }

  document.getElementById('add').addEventListener('click', function (event) {
    openLogin(event.currentTarget, null);
  });

  refresh();
}());
