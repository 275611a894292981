// Compiles the app's WASM on a worker thread and hands the compiled module to the page:
// the page's main thread then only instantiates it, and stays free to answer the user
// while the bytes arrive and are decoded (on a phone, hundreds of milliseconds). The
// loader in Trunk.toml falls back to compiling on the page when this fails.
'use strict';
self.onmessage = async (event) => {
  try {
    const response = fetch(event.data);
    const module = await WebAssembly.compileStreaming(response);
    self.postMessage({ module });
  } catch (e) {
    self.postMessage({ error: String(e && e.message ? e.message : e) });
  }
};
