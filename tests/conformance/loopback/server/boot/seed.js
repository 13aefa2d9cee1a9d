'use strict';
// One seeded channel, as the sandbox has: id ch-1 and the credentials the test passes in.
module.exports = function seed(app, done) {
  app.models.channel.create(
    {
      id: 'ch-1',
      username: process.env.SEED_USERNAME,
      password: process.env.SEED_PASSWORD,
      email: process.env.SEED_EMAIL || 'ch-1@example.invalid',
    },
    done
  );
};
