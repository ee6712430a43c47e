#!/usr/bin/env python3
"""scripts/cxen-run's dom0 options, against a fake QEMU (no boot): the boot
modules and hypervisor options it passes, the script archive it appends to
dom0's initrd, and the exit status it derives from dom0's console lines."""
import gzip
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNNER = os.path.join(ROOT, "scripts", "cxen-run")

# Stands in for qemu-system-x86_64: records its arguments and a copy of each
# boot module, prints $FAKE_QEMU_OUTPUT and exits with $FAKE_QEMU_STATUS.
FAKE_QEMU = textwrap.dedent("""\
    #!/usr/bin/env python3
    import json, os, shutil, sys
    rec = os.environ["FAKE_QEMU_RECORD"]
    args = sys.argv[1:]
    mods = args[args.index("-initrd") + 1].split(",") if "-initrd" in args else []
    for i, m in enumerate(mods):
        shutil.copyfile(m.split(" ", 1)[0], os.path.join(rec, f"module{i}"))
    json.dump(args, open(os.path.join(rec, "args.json"), "w"))
    sys.stdout.write(os.environ.get("FAKE_QEMU_OUTPUT", ""))
    sys.exit(int(os.environ.get("FAKE_QEMU_STATUS", "0")))
    """)

PASS, FAIL, PANIC = (0x10 << 1) | 1, (0x11 << 1) | 1, (0x12 << 1) | 1


def gzip_members(data):
    """The decompressed members of a concatenation of gzip streams."""
    out = []
    while data:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out.append(d.decompress(data))
        data = d.unused_data
    return out


class CxenRunDom0(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        self.rec = os.path.join(d, "rec")
        os.mkdir(self.rec)
        self.qemu = os.path.join(d, "qemu")
        with open(self.qemu, "w") as f:
            f.write(FAKE_QEMU)
        os.chmod(self.qemu, 0o755)
        self.image = self.file("cxen", b"image")
        self.kernel = self.file("vmlinux", b"\x7fELF" + bytes(60))  # an ELF: no unpacking
        self.initrd = self.file("initrd.gz", gzip.compress(b"base archive"))
        self.script = self.file("script.sh", b"xl list\nexit 7\n")
        self.cfg = self.file("d1.cfg", b'name = "d1"\nkernel = "vmlinux"\n')

    def tearDown(self):
        self.dir.cleanup()

    def file(self, name, data):
        path = os.path.join(self.dir.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def run_cxen(self, *args, output="", status=0):
        env = dict(os.environ, FAKE_QEMU_RECORD=self.rec, FAKE_QEMU_OUTPUT=output, FAKE_QEMU_STATUS=str(status))
        cmd = [sys.executable, RUNNER, "--qemu", self.qemu, "--image", self.image, "--quiet", *args]
        return subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=60)

    def dom0(self, *extra):
        return ["--dom0", self.kernel, "--dom0-initrd", self.initrd, *extra]

    def qemu_args(self):
        import json
        with open(os.path.join(self.rec, "args.json")) as f:
            return json.load(f)

    def test_dom0_kernel_is_the_first_module_with_its_cmdline_then_its_initrd(self):
        r = self.run_cxen(*self.dom0("--dom0-mem", "512M,max:512M", "--dom0-vcpus", "2"), self.cfg, status=PASS)
        self.assertEqual(r.returncode, 0, r.stderr)
        args = self.qemu_args()
        mods = args[args.index("-initrd") + 1].split(",")
        self.assertEqual(mods[0], f"{self.kernel} console=hvc0 earlyprintk=xen")
        self.assertEqual(mods[1], self.initrd)
        self.assertEqual(mods[2], f"{self.cfg} cfg")  # CFG domains still follow
        self.assertEqual(mods[3], f"{self.kernel} kernel")
        cmdline = args[args.index("-append") + 1].split()
        for opt in ("dom0=pvh", "dom0_mem=512M,max:512M", "dom0_max_vcpus=2"):
            self.assertIn(opt, cmdline)

    def test_dom0_cmdline_and_no_dom0_options_without_dom0(self):
        self.run_cxen(*self.dom0("--dom0-cmdline", "console=hvc0 loglevel=8"), status=PASS)
        args = self.qemu_args()
        self.assertEqual(args[args.index("-initrd") + 1].split(",")[0], f"{self.kernel} console=hvc0 loglevel=8")
        self.assertNotIn("dom0_mem", args[args.index("-append") + 1])
        self.run_cxen(self.cfg, status=PASS)
        args = self.qemu_args()
        self.assertNotIn("dom0=pvh", args[args.index("-append") + 1])
        self.assertTrue(args[args.index("-initrd") + 1].startswith(f"{self.cfg} cfg"))

    def test_dom0_options_need_dom0(self):
        r = self.run_cxen("--dom0-script", self.script)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--dom0-script needs --dom0", r.stderr)

    def test_cmdline_starting_with_a_module_tag_is_refused(self):
        r = self.run_cxen(*self.dom0("--dom0-cmdline", "cfg console=hvc0"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("module tag", r.stderr)

    def test_script_goes_into_a_second_cpio_archive_after_the_initrd(self):
        self.run_cxen(*self.dom0("--dom0-script", self.script), output="cxen-dom0: script exit 0\n", status=0)
        with open(os.path.join(self.rec, "module1"), "rb") as f:
            members = gzip_members(f.read())
        self.assertEqual(members[0], b"base archive")
        cpio = members[1]
        self.assertTrue(cpio.startswith(b"070701"))  # newc
        self.assertIn(b"etc/cxen/dom0-script\0", cpio)
        self.assertIn(b"xl list\nexit 7\n", cpio)
        self.assertIn(b"TRAILER!!!", cpio)

    def test_exit_status_is_the_scripts(self):
        # Xen powers off with dom0: QEMU exits 0 without a verdict.
        r = self.run_cxen(*self.dom0("--dom0-script", self.script), output="cxen-dom0: script exit 7\n", status=0)
        self.assertEqual(r.returncode, 7, r.stderr)
        self.assertIn("dom0 script exit 7", r.stderr)
        # cxen prefixes dom0's console lines; the line is found anywhere.
        r = self.run_cxen(*self.dom0("--dom0-script", self.script), output="(d0) cxen-dom0: script exit 0\n",
                          status=PASS)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_failing_script_wins_over_a_pass_verdict(self):
        r = self.run_cxen(*self.dom0("--dom0-script", self.script), output="cxen-dom0: script exit 4\n",
                          status=PASS)
        self.assertEqual(r.returncode, 4)

    def test_passing_script_gives_way_to_a_panic(self):
        r = self.run_cxen(*self.dom0("--dom0-script", self.script), output="cxen-dom0: script exit 0\n",
                          status=PANIC)
        self.assertEqual(r.returncode, 2)

    def test_no_script_exit_line_is_a_failure_naming_dom0s_error(self):
        out = "cxen-dom0: init (uptime 1.00)\ncxen-dom0: error: xenstored: exit 1\ncxen-dom0: script not run\n"
        r = self.run_cxen(*self.dom0("--dom0-script", self.script), output=out, status=0)
        self.assertEqual(r.returncode, 1)
        self.assertIn("dom0 error: xenstored: exit 1", r.stderr)
        r = self.run_cxen(*self.dom0("--dom0-script", self.script), output="", status=PASS)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no script exit status", r.stderr)

    def test_without_a_script_the_verdict_decides(self):
        r = self.run_cxen(*self.dom0(), output="cxen-dom0: script exit 9\n", status=FAIL)
        self.assertEqual(r.returncode, 1)


if __name__ == "__main__":
    unittest.main()
