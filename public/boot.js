// Starts the app. It is a file, not an inline script, so that the Content-Security-Policy
// can forbid inline scripts. Trunk fills in the hashed names (Trunk.toml, pattern_script).
const boot = document.querySelector('script[data-wasm]');
const { default: init } = await import(boot.dataset.js);
await init({ module_or_path: boot.dataset.wasm });
