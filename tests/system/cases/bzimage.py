"""bzImage kernels unpacked by the hypervisor (issue #12): the in-guest test
kernel (guests/, hello.elf) wrapped by tests/system/make_bzimage.py in a
bzImage of each of the seven compressions Linux offers, booted as seven
small domains in one run."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORMATS = ("gzip", "bzip2", "lzma", "xz", "lzo", "lz4", "zstd")


def prepare(tmp):
    configs = {}
    for c in FORMATS:
        image = os.path.join(tmp, f"hello-{c}.bzImage")
        subprocess.run([sys.executable, os.path.join(HERE, "make_bzimage.py"),
                        os.path.join(boot_test.GUESTS, "hello.elf"), c, image], check=True)
        configs[f"{c}.cfg"] = boot_test.domain_cfg(f"bz-{c}").replace('"{guests}/hello.elf"', f'"{image}"')
    return {"configs": configs}


def seven_domains(log):
    for d, c in enumerate(FORMATS, start=1):
        yield (rf"hello-{c}\.bzImage: bzImage \(boot protocol 2\.15\), {c} payload of \d+ bytes unpacked to \d+ bytes",
               f"the {c} bzImage was unpacked by the hypervisor")
        yield rf"d{d}: 'bz-{c}': PVH, 32 MiB", f"d{d} ({c}) was built"
        yield rf"\(d{d}\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", f"d{d} ({c}) passed its checks"
        yield rf"d{d}: shutdown: poweroff", f"d{d} ({c}) powered off"
    yield r"Free memory: (\d+) pages before the domains, \1 after\n", "every page came back, scratch pages too"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


def prepare_corrupt(tmp):
    """A bzImage whose xz payload has 16 bytes flipped in the middle (the
    header and the stated size intact), then a good gzip one."""
    hello = os.path.join(boot_test.GUESTS, "hello.elf")
    paths = {}
    for c in ("xz", "gzip"):
        paths[c] = os.path.join(tmp, f"hello-{c}.bzImage")
        subprocess.run([sys.executable, os.path.join(HERE, "make_bzimage.py"), hello, c, paths[c]], check=True)
    with open(paths["xz"], "r+b") as f:
        data = bytearray(f.read())
        middle = len(data) // 2 + 0x1000  # well inside the payload, which is most of the file
        for i in range(middle, middle + 16):
            data[i] ^= 0xA5
        f.seek(0)
        f.write(data)
    return {"configs": {
        "bad.cfg": boot_test.domain_cfg("bad").replace('"{guests}/hello.elf"', f'"{paths["xz"]}"'),
        "good.cfg": boot_test.domain_cfg("good").replace('"{guests}/hello.elf"', f'"{paths["gzip"]}"')}}


def corrupt_reported(log):
    yield (r"bad\.cfg: kernel \S+hello-xz\.bzImage: xz payload is corrupt \(liblzma: corrupt data\); domain not started",
           "the damaged bzImage is reported with the decoder's reason")
    yield r"\(d\d\) Test result: PASS", "the good domain still ran"
    yield r"Started 1 of 2 domain\(s\)", "one of two started"
    yield r"Free memory: (\d+) pages before the domains, \1 after\n", "the failed unpack gave its pages back"


CASES = {
    "bzimage_seven_compressions_boot": dict(args=["--smp", "2", "--mem", "512M"], prepare=prepare, rc=0,
                                            expect=seven_domains),
    "bzimage_damaged_is_reported_others_start": dict(args=["--smp", "2"], prepare=prepare_corrupt, rc=1,
                                                     expect=corrupt_reported),
}
