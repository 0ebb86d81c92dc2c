#!/usr/bin/env python3
"""End to end: the real chasqui-kiosk window under Xvfb, driven with xdotool
like a finger would, against a real chasqui-server on 127.0.0.1.

The kiosk is started with CHASQUI_UI_PROBE_FILE, so it writes the current
screen and the rectangle of every interactive item (keys only, never text);
this script taps items by key with real X pointer events and types only
through the on-screen keyboard. A screenshot of each step goes to the
artifacts folder. Every wait is for a condition (a screen, an item, a file),
with a timeout; nothing sleeps to synchronise.

Paths: a migrant (language, category, service, QR) and a supervisor at the
desk (sign in, register a person, refer, sync now, inactivity lock). Then a
second kiosk of the same office syncs from the server with the CLI and must
find the person and the referral the first one registered.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

TIMEOUT = float(os.environ.get("CHASQUI_E2E_TIMEOUT", "60"))
PIN_ADMIN = "24681357"
PERSON_GIVEN = "zoraida"
PERSON_FAMILY = "quispe"


class Failure(Exception):
    pass


def wait_until(what, predicate, timeout=TIMEOUT, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)  # polling a condition, not a fixed delay
    raise Failure(f"timed out after {timeout:.0f} s waiting for {what}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        raise Failure(f"{' '.join(map(str, cmd))} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


class Kiosk:
    def __init__(self, probe_path, display, artifacts):
        self.probe_path = probe_path
        self.display = display
        self.artifacts = artifacts
        self.step = 0

    def probe(self):
        try:
            with open(self.probe_path) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def screen(self):
        p = self.probe()
        return p["screen"] if p else None

    def item(self, key):
        p = self.probe()
        if not p:
            return None
        for it in p["items"]:
            if it["key"] == key:
                return it
        return None

    def items_with_prefix(self, prefix):
        p = self.probe()
        return [it for it in (p["items"] if p else []) if it["key"].startswith(prefix)]

    def wait_screen(self, name):
        wait_until(f"screen {name} (now {self.screen()})", lambda: self.screen() == name)

    def wait_item(self, key):
        return wait_until(f"item {key} on screen {self.screen()}", lambda: self.item(key))

    def xdotool(self, *args):
        run(["xdotool", *map(str, args)], env={**os.environ, "DISPLAY": self.display})

    def tap(self, key):
        it = self.wait_item(key)
        x = it["x"] + it["w"] // 2
        y = it["y"] + it["h"] // 2
        before = self.taps()
        self.xdotool("mousemove", x, y, "mousedown", 1)
        self.xdotool("mouseup", 1)
        # The kiosk counts the releases it handled: wait for this one, so two
        # quick taps never land in one frame.
        wait_until(f"the kiosk to handle the tap on {key}", lambda: self.taps() > before)
        return it

    def taps(self):
        p = self.probe()
        return p.get("taps", 0) if p else 0

    def tap_then(self, key, condition, what):
        self.tap(key)
        wait_until(what, condition)

    def type_on_screen(self, text):
        """Types with the on-screen keyboard or number pad, whichever the
        focused field opened. Lower case only: the keyboard capitalises the
        first letter of an empty field by itself."""
        pad = self.item("kb.pad.ok") is not None
        for ch in text:
            if pad:
                key = "kb.pad.extra" if ch in "+-" else f"kb.pad.{ch}"
            elif ch == " ":
                key = "kb.space"
            elif ch.isascii() and ch.isalnum():
                key = "kb." + ch
                if ch.isdigit() and not self.item(key):
                    self.tap("kb.page")  # digits live on the symbols page
                elif ch.isalpha() and not self.item(key):
                    self.tap("kb.page")  # back to the letters
            else:
                key = "kb.u%x" % ord(ch)
            self.tap(key)

    def close_keyboard(self):
        for key in ("kb.done", "kb.pad.ok"):
            if self.item(key):
                self.tap(key)
                wait_until("the keyboard to close", lambda: not self.probe()["keyboard"])
                return

    def settled(self):
        """The probe file stopped changing (a drag's glide is over)."""
        last = json.dumps(self.probe())
        def same():
            nonlocal last
            now = json.dumps(self.probe())
            if now == last:
                return True
            last = now
            return False
        wait_until("the screen to settle", lambda: same(), interval=0.3)

    def drag(self, x, y, dy):
        self.xdotool("mousemove", x, y, "mousedown", 1)
        steps = 8
        for i in range(1, steps + 1):
            self.xdotool("mousemove", x, int(y + dy * i / steps))
        before = self.taps()
        self.xdotool("mouseup", 1)
        wait_until("the kiosk to handle the drag", lambda: self.taps() > before)
        self.settled()

    def ensure_visible(self, key, top=200, footer_keys=()):
        """Drags the form until `key` is wholly between the top bar and the footer."""
        self.close_keyboard()
        screen_bottom = int(subprocess.run(["xdotool", "getdisplaygeometry"], capture_output=True, text=True,
                                           env={**os.environ, "DISPLAY": self.display}, check=True).stdout.split()[1])
        direction = -250  # up when the item is not drawn yet; turned round at the end of the form
        for _ in range(30):
            bottom = screen_bottom
            for f in footer_keys:
                it = self.item(f)
                if it:
                    bottom = min(bottom, it["y"])
            it = self.item(key)
            if it and it["y"] >= top and it["y"] + it["h"] <= bottom:
                return it
            # A finger on any item of the form fully in view: a drag is not a tap.
            prefix = key.split(".")[0] + "."
            anchors = [a for a in self.items_with_prefix(prefix)
                       if a["key"] not in footer_keys and a["y"] >= top and a["y"] + a["h"] <= bottom and a["h"] < 200]
            if not anchors:
                raise Failure(f"nothing to drag to reach {key}")
            a = anchors[len(anchors) // 2]
            if it is not None:
                direction = -250 if it["y"] + it["h"] > bottom else 250
            self.drag(a["x"] + a["w"] // 2, a["y"] + a["h"] // 2, direction)
            # Until the glide after the drag has stopped: a tap while the form
            # still moves only stops it.
            last = [None]

            def still():
                now = self.item(a["key"])
                y = now["y"] if now else None
                same = y == last[0]
                last[0] = y
                return same
            wait_until("the form to stop moving", still, interval=0.15)
            moved = self.item(a["key"])
            if it is None and moved is not None and moved["y"] == a["y"]:
                direction = -direction  # the end of the form, and not found: the other way
        raise Failure(f"could not bring {key} into view")

    def pad(self, prefix, digits):
        for d in digits:
            self.tap(f"{prefix}.{d}")

    def shot(self, name):
        self.step += 1
        path = os.path.join(self.artifacts, f"{self.step:02d}-{name}.png")
        run(["import", "-window", "root", path], env={**os.environ, "DISPLAY": self.display})
        print(f"  screenshot {path}")
        return path


def start_server(bindir, root, assets):
    port = free_port()
    data = os.path.join(root, "server")
    run([f"{bindir}/chasqui-server", "catalog", "import", os.path.join(assets, "catalog/demo_catalog.json"), "--data", data])
    log = open(os.path.join(root, "server.log"), "w")
    proc = subprocess.Popen([f"{bindir}/chasqui-server", "--data", data, "--listen", f"127.0.0.1:{port}"],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def healthy():
        try:
            with urllib.request.urlopen(url + "/v1/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return proc.poll() is not None and (_ for _ in ()).throw(Failure("chasqui-server exited"))
    wait_until("chasqui-server health", healthy)
    return proc, url, data


def make_kiosk_dir(bindir, root, name, url, server_data, pin_file):
    data = os.path.join(root, name)
    run([f"{bindir}/chasqui", "init", "--data", data, "--office", "TUM", "--admin-name", "Ana Admin",
         "--admin-login", "ana.admin", "--pin-file", pin_file])
    code = run([f"{bindir}/chasqui-server", "enroll-code", "--data", server_data, "--office", "TUM"]).strip().split()[-1]
    run([f"{bindir}/chasqui", "enroll", "--data", data, "--pin-file", pin_file, "--server", url, "--code", code])
    return data


def start_display(root):
    for n in range(120, 200):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
            display = f":{n}"
            proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=open(os.path.join(root, "xvfb.log"), "w"))

            def up():
                if proc.poll() is not None:
                    raise Failure("Xvfb exited; see xvfb.log")
                return subprocess.run(["xdpyinfo"], env={**os.environ, "DISPLAY": display},
                                      capture_output=True).returncode == 0
            wait_until("Xvfb", up)
            return proc, display
    raise Failure("no free X display number")


def migrant_path(k):
    print("migrant: language, category, service, QR")
    k.wait_screen("welcome")
    k.shot("welcome-es")
    k.tap("welcome.lang.en")
    k.shot("welcome-en")
    # Reading aloud runs on its own thread: the window keeps answering taps
    # while it speaks (or, with no audio device, quietly does not).
    k.tap("welcome.speak")
    k.tap("welcome.services")
    k.wait_screen("categories")
    k.shot("categories")
    k.tap("categories.health")
    k.wait_screen("service_list")
    rows = wait_until("service rows", lambda: k.items_with_prefix("services.row."))
    k.shot("health-services")
    k.tap(rows[0]["key"])
    k.wait_screen("service_detail")
    k.wait_item("service.qr")
    k.shot("service-with-qr")
    k.tap("service.speak")
    k.tap("nav.home")
    k.wait_screen("welcome")


REGISTER_FOOTER = ("register.next", "register.back", "register.save", "register.dup.different")
# Below the top bar and the wizard's step header; both grow with the text size.
FORM_TOP = {0: 200, 1: 250, 2: 300}
form_top = FORM_TOP[0]


def reg_tap(k, key):
    if key not in REGISTER_FOOTER:
        k.ensure_visible(key, top=form_top, footer_keys=REGISTER_FOOTER)
    else:
        k.close_keyboard()
    k.tap(key)


def reg_fill(k, key, text):
    reg_tap(k, key)
    k.type_on_screen(text)
    k.close_keyboard()


def register_person(k):
    k.tap("home.register")
    k.wait_screen("register")
    # Consent first, then the person and their papers on one screen.
    reg_tap(k, "register.consent.given")
    reg_fill(k, "register.given_names", PERSON_GIVEN)
    reg_fill(k, "register.family_name_1", PERSON_FAMILY)
    reg_fill(k, "register.family_name_2", "mamani")
    reg_tap(k, "register.sex.female")
    reg_fill(k, "register.birth_date", "03081995")
    reg_tap(k, "register.nationality.VEN")
    reg_tap(k, "register.doc_type.passport")
    reg_fill(k, "register.doc_number", "e2e4471")
    reg_fill(k, "register.phone", "+51987654321")
    reg_tap(k, "register.population_type.in_destination")
    reg_tap(k, "register.migration_status.in_regularization")
    k.shot("register-person")
    reg_tap(k, "register.next")
    # Household and case, saved from there; the district found by its name.
    k.wait_item("register.household.new")
    reg_tap(k, "register.household.new")
    reg_fill(k, "register.district", "tum")
    reg_tap(k, "register.district.pick.240101")
    reg_tap(k, "register.needs.health")
    reg_tap(k, "register.vulnerabilities.pregnant_lactating")
    reg_tap(k, "register.priority.high")
    k.shot("register-household-case")
    reg_tap(k, "register.save")
    # A new person: no likely duplicate; if the demo data had one, it is not the same person.
    wait_until("the case view or the duplicate warning",
               lambda: k.screen() == "case_view" or k.item("register.dup.different"))
    if k.screen() != "case_view":
        k.shot("duplicate-warning")
        k.tap("register.dup.different")


def refer(k):
    k.tap("case.refer")
    k.wait_screen("referral")
    k.tap("referral.category.health")
    service = wait_until("health services", lambda: k.items_with_prefix("referral.service."))
    k.tap(service[0]["key"])
    k.tap("referral.reason")
    k.type_on_screen("control prenatal")
    k.close_keyboard()
    k.tap("referral.urgency.high")
    k.tap("referral.consent")
    k.shot("referral-form")
    k.tap("referral.save")
    k.wait_screen("case_view")


def sync_now(k):
    for _ in range(5):
        if k.screen() == "staff_home":
            break
        k.tap("nav.back")
        wait_until("the previous screen", lambda: k.item("nav.back") or k.screen() == "staff_home")
    k.wait_screen("staff_home")
    k.tap("home.supervisor")
    k.wait_screen("supervisor_home")
    k.tap("super.sync")
    k.wait_screen("sync_panel")
    k.tap("sync.now")


def staff_path(k, login, pin, check_server):
    print("staff: sign in, register, refer, sync now, inactivity lock")
    k.tap("welcome.lang.es")
    k.tap("welcome.staff")
    k.wait_screen("sign_in")
    k.tap("signin.login")
    k.type_on_screen(login)
    k.tap("signin.pin")
    k.pad("signin.pad", pin)
    k.shot("sign-in")
    k.tap("signin.pad.ok")
    k.wait_screen("staff_home")
    k.shot("staff-home")
    register_person(k)
    k.wait_screen("case_view")
    k.shot("case-view")
    refer(k)
    k.shot("referral-sent")
    sync_now(k)
    k.shot("sync-now")
    check_server()
    k.shot("sync-panel-after-sync")
    print("  waiting for the inactivity lock (no touches)")
    wait_until("the countdown", lambda: k.item("idle.stay"), timeout=120)
    k.shot("inactivity-countdown")
    k.wait_screen("welcome")
    wait_until("the welcome screen without the countdown", lambda: not k.item("idle.stay"))
    k.shot("locked-back-to-welcome")


def registration_shots(k, login, pin, text_size):
    """Only the registration, for its screenshots at a screen size and text size (--register-only)."""
    global form_top
    print(f"registration at text size {text_size}")
    form_top = FORM_TOP[text_size]
    if text_size:
        k.tap(f"welcome.size.{text_size}")
    k.tap("welcome.lang.es")
    k.tap("welcome.staff")
    k.wait_screen("sign_in")
    k.tap("signin.login")
    k.type_on_screen(login)
    k.tap("signin.pin")
    k.pad("signin.pad", pin)
    k.tap("signin.pad.ok")
    k.wait_screen("staff_home")
    k.close_keyboard()  # with large text the search's keyboard takes the row of buttons
    k.shot("staff-home")
    register_person(k)
    k.wait_screen("case_view")
    k.shot("case-view")


def server_has_person(bindir, root, url, server_data, pin_file):
    """A second kiosk of the office syncs from the server and finds what the first registered."""
    other = make_kiosk_dir(bindir, root, "kiosk2", url, server_data, pin_file)

    def arrived():
        run([f"{bindir}/chasqui", "sync", "--data", other, "--pin-file", pin_file])
        found = run([f"{bindir}/chasqui", "search", "--data", other, "--pin-file", pin_file, PERSON_GIVEN])
        return PERSON_FAMILY.capitalize() in found and found
    found = wait_until("the registered person to reach the server and the office's other kiosk", arrived,
                       timeout=TIMEOUT, interval=1.0)
    status = run([f"{bindir}/chasqui", "status", "--data", other, "--pin-file", pin_file])
    print("  second kiosk after sync:\n    " + found.strip().replace("\n", "\n    "))
    referrals = [line.split()[-1] for line in status.splitlines() if line.strip().startswith("Referrals")]
    if not referrals or int(referrals[0]) < 1:
        raise Failure("the referral did not reach the second kiosk:\n" + status)
    print("    " + status.strip().replace("\n", "\n    "))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="folder with chasqui, chasqui-server and chasqui-kiosk")
    parser.add_argument("--assets", required=True)
    parser.add_argument("--artifacts", required=True, help="where the screenshots go")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--display", help="an X display already running (its size is the screen's), instead of a new Xvfb")
    parser.add_argument("--register-only", action="store_true", help="only sign in and register, for screenshots")
    parser.add_argument("--text-size", type=int, default=0, help="with --register-only: welcome.size.N first")
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    for old in os.listdir(args.artifacts):
        if old.endswith(".png"):
            os.remove(os.path.join(args.artifacts, old))
    root = tempfile.mkdtemp(prefix="chasqui-e2e-")
    procs = []
    try:
        pin_file = os.path.join(root, "admin.pin")
        with open(pin_file, "w") as f:
            f.write(PIN_ADMIN + "\n")
        os.chmod(pin_file, 0o600)
        server, url, server_data = start_server(args.bin, root, args.assets)
        procs.append(server)
        kiosk_dir = make_kiosk_dir(args.bin, root, "kiosk", url, server_data, pin_file)
        if args.display:
            display = args.display
        else:
            xvfb, display = start_display(root)
            procs.append(xvfb)
        probe = os.path.join(root, "probe.json")
        env = {**os.environ, "DISPLAY": display, "CHASQUI_UI_PROBE_FILE": probe}
        kiosk_log = open(os.path.join(root, "kiosk.log"), "w")
        kiosk = subprocess.Popen([f"{args.bin}/chasqui-kiosk", "--data", kiosk_dir, "--fullscreen",
                                  "--idle-seconds", "600" if args.register_only else "45", "--warning-seconds", "20"],
                                 env=env, stdout=kiosk_log, stderr=subprocess.STDOUT)
        procs.insert(0, kiosk)
        k = Kiosk(probe, display, args.artifacts)
        wait_until("the kiosk's first frame", lambda: k.screen() or (kiosk.poll() is not None and
                   (_ for _ in ()).throw(Failure("chasqui-kiosk exited; see kiosk.log"))))
        if args.register_only:
            registration_shots(k, "ana.admin", PIN_ADMIN, args.text_size)
        else:
            migrant_path(k)
            staff_path(k, "ana.admin", PIN_ADMIN,
                       lambda: server_has_person(args.bin, root, url, server_data, pin_file))
        if kiosk.poll() is not None:
            raise Failure("chasqui-kiosk exited during the test")
        print(f"kiosk e2e: passed; {k.step} screenshots in {args.artifacts}")
        return 0
    except Failure as e:
        print(f"kiosk e2e: FAILED: {e}", file=sys.stderr)
        for log in ("kiosk.log", "server.log"):
            path = os.path.join(root, log)
            if os.path.exists(path):
                print(f"--- {log} (last lines)", file=sys.stderr)
                print("".join(open(path).readlines()[-20:]), file=sys.stderr)
        try:
            Kiosk(os.path.join(root, "probe.json"), display, args.artifacts).shot("failure")
        except Exception:
            pass
        return 1
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"kept {root}")


if __name__ == "__main__":
    sys.exit(main())
