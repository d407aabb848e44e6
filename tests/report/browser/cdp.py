"""A minimal Chrome DevTools Protocol client over --remote-debugging-pipe.

Standard library only.  Chromium reads commands from file descriptor 3 and
writes replies and events to descriptor 4, one JSON message per record,
each record ended by a NUL byte.  No port is opened and no websocket is
needed, so two test runs never collide and nothing listens on the network.

    with Browser.launch("/usr/bin/chromium") as b:
        page = b.new_page()
        page.navigate("file:///tmp/report.html")
        page.eval("document.title")

Every call has a timeout; a browser that dies or hangs raises CDPError
instead of blocking the test.
"""

import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

# Flags that work in a container without a GPU, a sandbox or a network.
LAUNCH_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]


class CDPError(Exception):
    pass


class Browser:
    """One headless Chromium process driven through the debugging pipe."""

    def __init__(self, proc, to_browser, from_browser, profile):
        self.proc = proc
        self._w = to_browser
        self._r = from_browser
        self._profile = profile
        self._buf = b""
        self._next_id = 0
        self._events = []  # (sessionId, method, params) not yet consumed

    @classmethod
    def launch(cls, exe, width=1280, height=900, extra=()):
        if not os.path.exists(exe):
            raise CDPError("chromium not found at %s (apt-get install chromium)" % exe)
        profile = tempfile.mkdtemp(prefix="fl-chromium-")
        cmd_r, cmd_w = os.pipe()  # we write commands, chromium reads fd 3
        out_r, out_w = os.pipe()  # chromium writes fd 4, we read

        def child_fds():
            # Move both ends out of the way first: one of them may already be 3 or 4.
            a = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 64)
            b = fcntl.fcntl(out_w, fcntl.F_DUPFD, 64)
            os.dup2(a, 3)
            os.dup2(b, 4)

        argv = [exe] + LAUNCH_FLAGS + [
            "--user-data-dir=" + profile,
            "--window-size=%d,%d" % (width, height),
        ] + list(extra) + ["about:blank"]
        log = open(os.path.join(profile, "chromium.log"), "wb")
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    preexec_fn=child_fds, pass_fds=(3, 4))
        finally:
            log.close()
            os.close(cmd_r)
            os.close(out_w)
        return cls(proc, cmd_w, out_r, profile)

    def log_tail(self, n=20):
        try:
            with open(os.path.join(self._profile, "chromium.log"), "rb") as fp:
                lines = fp.read().decode("utf-8", "replace").splitlines()
            return "\n".join(lines[-n:])
        except OSError:
            return ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.send("Browser.close", timeout=5)
            except CDPError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for fd in (self._w, self._r):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    # -- transport --

    def _read_message(self, deadline):
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("timed out waiting for chromium")
            ready, _, _ = select.select([self._r], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise CDPError("chromium closed the debugging pipe (exit status %s)\n%s" %
                               (self.proc.poll(), self.log_tail()))
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw.decode("utf-8"))

    def send(self, method, params=None, session=None, timeout=60):
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode("utf-8") + b"\0"
        while data:
            n = os.write(self._w, data)
            data = data[n:]
        deadline = time.monotonic() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self._next_id:
                if "error" in m:
                    raise CDPError("%s: %s" % (method, m["error"].get("message")))
                return m.get("result", {})
            if "method" in m:
                self._events.append((m.get("sessionId"), m["method"], m.get("params", {})))

    def wait_event(self, method, session=None, timeout=60):
        """Returns the params of the first pending or future event `method`."""
        deadline = time.monotonic() + timeout
        while True:
            for i, (sid, name, params) in enumerate(self._events):
                if name == method and (session is None or sid == session):
                    del self._events[i]
                    return params
            m = self._read_message(deadline)
            if "method" in m:
                self._events.append((m.get("sessionId"), m["method"], m.get("params", {})))

    def drain_events(self, method, session=None):
        """Removes and returns the params of every pending event `method`."""
        keep, out = [], []
        for ev in self._events:
            if ev[1] == method and (session is None or ev[0] == session):
                out.append(ev[2])
            else:
                keep.append(ev)
        self._events = keep
        return out

    def new_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        page.send("Page.enable")
        page.send("Runtime.enable")
        return page


class Page:
    """One tab, addressed through its flattened session id."""

    def __init__(self, browser, session):
        self.browser = browser
        self.session = session

    def send(self, method, params=None, timeout=60):
        return self.browser.send(method, params, session=self.session, timeout=timeout)

    def navigate(self, url, timeout=120):
        self.browser.drain_events("Page.loadEventFired", self.session)
        res = self.send("Page.navigate", {"url": url}, timeout=timeout)
        if res.get("errorText"):
            raise CDPError("cannot load %s: %s" % (url, res["errorText"]))
        self.browser.wait_event("Page.loadEventFired", self.session, timeout=timeout)

    def eval(self, expr, timeout=60):
        """Evaluates expr (awaiting a promise) and returns its JSON value."""
        res = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                             "awaitPromise": True}, timeout=timeout)
        if "exceptionDetails" in res:
            d = res["exceptionDetails"]
            text = d.get("exception", {}).get("description") or d.get("text")
            raise CDPError("page script failed: %s\n  in: %s" % (text, expr[:200]))
        return res.get("result", {}).get("value")

    def exceptions(self):
        """Uncaught page exceptions and console errors seen so far."""
        out = []
        for p in self.browser.drain_events("Runtime.exceptionThrown", self.session):
            d = p.get("exceptionDetails", {})
            out.append(d.get("exception", {}).get("description") or d.get("text"))
        for p in self.browser.drain_events("Runtime.consoleAPICalled", self.session):
            if p.get("type") in ("error", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description")))
                                    for a in p.get("args", [])))
        return out

    # -- real input events (they go through hit testing, :hover and focus) --

    def mouse_move(self, x, y):
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})

    def click_at(self, x, y):
        self.mouse_move(x, y)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y,
                                                   "button": "left", "clickCount": 1})

    def center_of(self, selector):
        """Scrolls the element into view and returns its centre in the viewport."""
        # Scroll, then let two frames pass so that the compositor, which hit
        # tests input events, has the new scroll offset too.
        self.eval("new Promise(function(res){var e=document.querySelector(%s);if(e)"
                  "e.scrollIntoView({block:'center'});requestAnimationFrame(function(){"
                  "requestAnimationFrame(function(){res(true);});});})" % json.dumps(selector))
        r = self.eval("(function(){var e=document.querySelector(%s);if(!e)return null;"
                      "var r=e.getClientRects()[0]||"
                      "e.getBoundingClientRect();var x=r.left+Math.min(r.width/2,4),"
                      "y=r.top+r.height/2,h=document.elementFromPoint(x,y);return [x,y,"
                      "r.width,r.height,!!h&&(h===e||e.contains(h)),h?h.outerHTML.slice(0,80)"
                      ":null];})()" % json.dumps(selector))
        if r is None:
            raise CDPError("no element matches %s" % selector)
        if r[2] <= 0 or r[3] <= 0:
            raise CDPError("element %s is not rendered (size %sx%s)" % (selector, r[2], r[3]))
        if not r[4]:
            # What a person would click there is something else (hidden, covered).
            raise CDPError("element %s cannot be reached with the mouse: %s is on top"
                           % (selector, r[5]))
        return r[0], r[1]

    def click(self, selector):
        x, y = self.center_of(selector)
        self.click_at(x, y)

    def hover(self, selector):
        x, y = self.center_of(selector)
        self.mouse_move(x, y)

    def press(self, key):
        """Types one printable key, as a person would (keydown, char, keyup)."""
        code = "Key" + key.upper() if key.isalpha() else ""
        vk = ord(key.upper())
        self.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": key, "code": code,
                                             "text": key, "unmodifiedText": key,
                                             "windowsVirtualKeyCode": vk})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": code,
                                             "windowsVirtualKeyCode": vk})

    def screenshot(self, path, full_page=False):
        import base64
        params = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            m = self.send("Page.getLayoutMetrics")
            size = m.get("cssContentSize") or m["contentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"],
                              "height": min(size["height"], 8000), "scale": 1}
        data = self.send("Page.captureScreenshot", params)["data"]
        with open(path, "wb") as fp:
            fp.write(base64.b64decode(data))
