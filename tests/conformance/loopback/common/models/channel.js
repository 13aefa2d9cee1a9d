'use strict';
// A channel is created by another channel only (Signzy's docs): no public POST /api/channels.
module.exports = function (Channel) {
  Channel.disableRemoteMethodByName('create');
};
