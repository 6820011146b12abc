// Stands in for http2-wrapper in the CLI bundle (scripts/build-cli.js). got imports it at load
// time, which loads node:http2 and costs ~25 ms of every start, but uses it only with its
// `http2` option, which Steadfast never sets. Should that change, this fails loudly.
const unavailable = () => {
  throw new Error('HTTP/2 (http2-wrapper) is not bundled into the Steadfast CLI');
};
export default {
  get auto() {
    return unavailable();
  },
  get globalAgent() {
    return unavailable();
  },
};
