// The status page's login: posts the token as JSON (a content type no other site can send without a CORS
// preflight, which A never grants), then loads the page with the session cookie A set.
'use strict';
(function () {
  const form = document.getElementById('login-form');
  const error = document.getElementById('login-error');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    error.hidden = true;
    fetch('/login', {
      method: 'POST',
      cache: 'no-store',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({token: document.getElementById('token').value})
    }).then(function (response) {
      if (response.status === 204) {
        window.location.replace('/');
      } else {
        error.textContent = response.status === 401 ? 'That token is not accepted.'
          : 'Login failed (HTTP ' + response.status + ').';
        error.hidden = false;
      }
    }).catch(function (err) {
      error.textContent = 'Login failed: ' + err;
      error.hidden = false;
    });
  });
})();
