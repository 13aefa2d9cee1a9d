'use strict';
// ACLs are enforced only once authentication is enabled (the `lb app` template does the same).
module.exports = function enableAuthentication(app) {
  app.enableAuth();
};
