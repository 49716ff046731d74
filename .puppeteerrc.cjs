// Puppeteer's own browser download cannot reach its host here: we drive the
// system Chromium (Debian's `chromium` package) instead, see test/browser-runner.
module.exports = { skipDownload: true };
