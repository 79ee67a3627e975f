// A small W3C WebDriver client for driving the real Vigil window through WebKitWebDriver.
// Only what the end-to-end suite needs: sessions, scripts, elements, clicks and screenshots.

import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

const ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";

/** A free TCP port on the loopback interface. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts WebKitWebDriver; the app it launches runs with WebView automation enabled and with
 * `env` added to this process's environment.
 */
export async function startDriver(env = {}) {
  const port = await freePort();
  // Its own process group, so that stopping it also stops the app it launched: an app left
  // running would hold this process's output open and keep the test run from ending.
  const driver = spawn("WebKitWebDriver", [`--port=${port}`, "--host=127.0.0.1"], {
    env: { ...process.env, ...env, TAURI_WEBVIEW_AUTOMATION: "true" },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  const exited = new Promise((resolve) => driver.once("exit", resolve));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${driver.exitCode}`);
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) {
        const stop = async () => {
          try {
            process.kill(-driver.pid, "SIGTERM");
          } catch {
            // the group is already gone
          }
          await exited;
        };
        return { url, stop };
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  try {
    process.kill(-driver.pid, "SIGTERM");
  } catch {
    // the group is already gone
  }
  throw new Error("WebKitWebDriver did not start within 10 s");
}

async function call(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || json.value?.error) {
    const v = json.value ?? {};
    throw new Error(`WebDriver ${method} ${url}: ${v.error ?? res.status}: ${v.message ?? ""}`);
  }
  return json.value;
}

export class Session {
  constructor(driverUrl, id) {
    this.base = `${driverUrl}/session/${id}`;
  }

  /** Launches `binary args…` under the driver and returns a session on its window. */
  static async start(driverUrl, binary, args) {
    const value = await call("POST", `${driverUrl}/session`, {
      capabilities: {
        alwaysMatch: { "webkitgtk:browserOptions": { binary, args } },
      },
    });
    return new Session(driverUrl, value.sessionId);
  }

  async end() {
    await call("DELETE", this.base);
  }

  /** Runs a synchronous script in the page and returns its result. */
  async execute(script, args = []) {
    return call("POST", `${this.base}/execute/sync`, { script, args });
  }

  /** Runs a script whose last argument is a callback, for awaiting promises in the page. */
  async executeAsync(script, args = []) {
    return call("POST", `${this.base}/execute/async`, { script, args });
  }

  /** Polls `script` until it returns a truthy value; fails after `timeoutMs`. */
  async waitFor(script, what, timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      last = await this.execute(script);
      if (last) return last;
      await sleep(100);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
  }

  async find(css) {
    const value = await call("POST", `${this.base}/element`, { using: "css selector", value: css });
    return value[ELEMENT_KEY];
  }

  async click(css) {
    const element = await this.find(css);
    await call("POST", `${this.base}/element/${element}/click`, {});
  }

  /** Types into an input as a user would (key events, so the page's bindings see it). */
  async type(css, text) {
    const element = await this.find(css);
    await call("POST", `${this.base}/element/${element}/value`, { text });
  }

  async text(css) {
    const element = await this.find(css);
    return call("GET", `${this.base}/element/${element}/text`);
  }

  /** A PNG of the window's viewport. */
  async screenshot() {
    return Buffer.from(await call("GET", `${this.base}/screenshot`), "base64");
  }
}
