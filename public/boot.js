// Starts the app. It is a file, not an inline script, so that the Content-Security-Policy
// can forbid inline scripts. Trunk gives it a hashed name (a reload need not ask for it)
// and writes the names of the JS and the wasm into a <meta> (Trunk.toml, pattern_script).
//
// Most visits start on a tenant's list. Its first API call starts here, while the wasm
// is still downloading, and the app takes the answer when it asks the very same thing
// with the same token (api.rs, `take_first_call`); for anything else (another page, a
// filter, a token to ask about, an API on another origin) the app asks itself.
startFirstCall();

const boot = document.querySelector('meta[name="webhooks-app"]');
const { default: init } = await import(boot.dataset.js);
await init({ module_or_path: boot.dataset.wasm });

function startFirstCall() {
  const list = /^\/tenants\/([0-9a-fA-F-]{36})\/webhooks$/.exec(location.pathname);
  if (!list || location.search) return;
  const stored = (storage) => ({ token: storage.getItem('webhooks.token'), base: storage.getItem('webhooks.baseUrl') ?? '' });
  const session = [sessionStorage, localStorage].map(stored).find((s) => s.token);
  const linked = /(?:^#|&)token=([^&]+)/.exec(location.hash)?.[1];
  // A link's token that is not the session's: the app asks about it first.
  if (linked && linked !== session?.token) return;
  const token = session?.token;
  if (!token || (session && session.base !== '')) return;
  // The list's default view: offset 0, one row more than the 25 of a page (src/webhooks/query.rs).
  const url = `/event/${list[1]}/webhooks/list?offset=0&count=26`;
  const controller = new AbortController(); // the app's timeout aborts it
  // The body is read here too: read by the app, it would come a task later than the
  // mount, and the rows a frame later than they can.
  const answer = fetch(url, { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal }).then(
    async (response) => ({ status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() }),
  );
  answer.catch(() => {}); // a failure is the app's to tell, when it takes the answer
  window.__webhooksFirstCall = { url, token, answer, controller };
}
