'use strict';
// A real LoopBack 3 application modelling Signzy's channels as kit infers them (see ../../README.md).
// Started by tests/realservers.py: PORT (0 = any free one), SEED_USERNAME, SEED_PASSWORD,
// SEED_EMAIL. Prints one line "ready http://127.0.0.1:<port>/" when it listens.
const loopback = require('loopback');
const boot = require('loopback-boot');

const app = (module.exports = loopback());

boot(app, __dirname, function (err) {
  if (err) throw err;
  const server = app.listen(Number(process.env.PORT || 0), '127.0.0.1', function () {
    process.stdout.write('ready http://127.0.0.1:' + server.address().port + '/\n');
  });
});
