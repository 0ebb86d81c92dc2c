#!/usr/bin/env python3
"""End to end, for the eyes: the real chasqui-kiosk window under Xvfb, at a
given screen size and text size, driven with xdotool through the probe file
(see kiosk_e2e.py, whose helpers this script uses). On a demo data directory
(`chasqui demo`), staff sign in, open a person's case, start or open their
household, fill the short form of a new member, save it, and open the
form that edits the person. Screenshots of each step go to the artifacts
folder, named after the size: people look at them (the layout at 1920x1080
and at 1280x1024 with 150 % text must show every field and button).

Every wait is for a condition (a screen, an item), with a timeout.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kiosk_e2e import Failure, Kiosk, run, wait_until  # noqa: E402

PIN = "24681357"
QUERIES = ("ma", "ro", "an", "lu", "jo", "ca")


def start_display(root, width, height):
    for n in range(200, 260):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
            display = f":{n}"
            proc = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=open(os.path.join(root, "xvfb.log"), "w"))

            def up():
                if proc.poll() is not None:
                    raise Failure("Xvfb exited; see xvfb.log")
                return subprocess.run(["xdpyinfo"], env={**os.environ, "DISPLAY": display},
                                      capture_output=True).returncode == 0
            wait_until("Xvfb", up)
            return proc, display
    raise Failure("no free X display number")


def reach(k, key, height):
    """Drags the content until `key` is wholly on screen (between the top bar and the keyboard)."""
    k.close_keyboard()
    for attempt in range(16):
        it = k.item(key)
        tab = k.item("case.tab.household")
        top = tab["y"] + tab["h"] + 4 if tab and not key.startswith("case.tab") else 110
        if it and it["y"] >= top and it["y"] + it["h"] <= height:
            return it
        anchors = [a for a in k.probe()["items"]
                   if (a["key"].startswith("family.") or a["key"].startswith("edit.") or a["key"].startswith("case.member."))
                   and a["y"] >= top and a["y"] + a["h"] <= height - 60 and a["h"] < 200]
        if not anchors and it and top <= it["y"] < height - 60:
            anchors = [dict(it, h=40)]  # the item's visible top: a drag is not a tap
        if not anchors and tab:  # the section's empty room under the tabs
            top = tab["y"] + tab["h"] + 40
            anchors = [{"x": tab["x"], "y": top, "w": 80, "h": 40}]
        save = k.item("family.save") or k.item("edit.save")
        if not anchors and save:  # a form: the room just above its buttons
            anchors = [{"x": save["x"], "y": save["y"] - 120, "w": 80, "h": 40}]
        if not anchors:
            raise Failure(f"nothing to drag to reach {key}")
        a = anchors[len(anchors) // 2]
        # Not drawn at all: look above first, then below.
        below = (attempt >= 5) if it is None else it["y"] + it["h"] > height - 10
        k.drag(a["x"] + a["w"] // 2, a["y"] + a["h"] // 2, -250 if below else 250)
    raise Failure(f"could not bring {key} into view: {k.item(key)}")


def fill(k, key, text, height):
    reach(k, key, height)
    k.tap(key)
    k.type_on_screen(text)
    k.close_keyboard()


def family_path(k, size_button, height):
    k.tap("welcome.lang.es")
    k.tap(f"welcome.size.{size_button}")
    k.tap("welcome.staff")
    k.wait_screen("sign_in")
    k.tap("signin.login")
    k.type_on_screen("demo.admin")
    k.tap("signin.pin")
    k.pad("signin.pad", PIN)
    k.tap("signin.pad.ok")
    k.wait_screen("staff_home")
    k.tap("home.search")
    for q in QUERIES:
        k.type_on_screen(q)
        try:
            wait_until("search results", lambda: k.items_with_prefix("home.result."), timeout=10)
            break
        except Failure:
            for _ in q:
                k.tap("kb.back")
    rows = k.items_with_prefix("home.result.")
    if not rows:
        raise Failure("no demo person found")
    k.close_keyboard()
    k.tap(rows[0]["key"])
    k.wait_screen("case_view")
    wait_until("the case", lambda: k.item("case.profile.edit") or k.item("case.tab.household"))
    k.shot("case-view")
    reach(k, "case.profile.edit", height)
    k.tap("case.profile.edit")
    wait_until("the edit form", lambda: k.item("edit.given_names"))
    k.shot("edit-person-form")
    reach(k, "edit.family_name_2", height)
    k.tap("edit.family_name_2")
    k.type_on_screen("x")
    k.close_keyboard()
    k.tap("nav.back")
    wait_until("discard changes?", lambda: k.item("edit.discard.yes"))
    k.shot("edit-discard-question")
    k.tap("edit.discard.keep")
    reach(k, "edit.gender_identity", height)
    k.shot("edit-person-form-bottom")
    k.tap("edit.cancel")
    k.tap("edit.discard.yes")
    wait_until("the profile", lambda: k.item("case.profile.edit") or k.item("case.tab.household"))

    if k.item("case.tab.household"):
        k.tap("case.tab.household")
    wait_until("the household section", lambda: k.items_with_prefix("family."))
    if k.item("family.start"):
        reach(k, "family.start", height)
        k.tap("family.start")
        k.tap("family.save")
        wait_until("the household started", lambda: not k.item("family.save"))
    reach(k, "family.add_new", height)
    k.tap("family.add_new")
    fill(k, "family.given_names", "lucia", height)
    fill(k, "family.family_name_1", "paredes", height)
    reach(k, "family.sex.female", height)
    k.tap("family.sex.female")
    fill(k, "family.birth_date", "2015-07-20", height)
    reach(k, "family.relation.child", height)
    k.tap("family.relation.child")
    k.shot("family-new-member-form")
    reach(k, "family.save", height)
    k.tap("family.save")
    wait_until("the member saved and shown", lambda: not k.item("family.save"))
    reach(k, k.items_with_prefix("case.member.")[0]["key"], height)
    k.shot("household-section")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--assets", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--text-size", type=int, default=0, help="welcome.size.N: 0 = 100 %%, 2 = 150 %%")
    args = parser.parse_args()
    artifacts = os.path.join(args.artifacts, f"family-{args.width}x{args.height}-size{args.text_size}")
    os.makedirs(artifacts, exist_ok=True)
    root = tempfile.mkdtemp(prefix="chasqui-family-e2e-")
    procs = []
    display = None
    try:
        pin_file = os.path.join(root, "admin.pin")
        with open(pin_file, "w") as f:
            f.write(PIN + "\n")
        os.chmod(pin_file, 0o600)
        data = os.path.join(root, "kiosk")
        run([f"{args.bin}/chasqui", "demo", "--data", data, "--pin-file", pin_file, "--persons", "40"])
        xvfb, display = start_display(root, args.width, args.height)
        procs.append(xvfb)
        probe = os.path.join(root, "probe.json")
        env = {**os.environ, "DISPLAY": display, "CHASQUI_UI_PROBE_FILE": probe}
        log = open(os.path.join(root, "kiosk.log"), "w")
        kiosk = subprocess.Popen([f"{args.bin}/chasqui-kiosk", "--data", data, "--fullscreen"], env=env, stdout=log,
                                 stderr=subprocess.STDOUT)
        procs.insert(0, kiosk)
        k = Kiosk(probe, display, artifacts)
        wait_until("the kiosk's first frame", lambda: k.screen())
        family_path(k, args.text_size, args.height)
        print(f"family e2e: passed; {k.step} screenshots in {artifacts}")
        return 0
    except Failure as e:
        print(f"family e2e: FAILED: {e}", file=sys.stderr)
        path = os.path.join(root, "kiosk.log")
        if os.path.exists(path):
            print("".join(open(path).readlines()[-20:]), file=sys.stderr)
        if display:
            try:
                Kiosk(os.path.join(root, "probe.json"), display, artifacts).shot("failure")
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
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
