"""Domain names as xl and libxl take them (docs/xl-cfg.md): any string, a
non-empty one unused. XTF names its variants "test-hvm64-invlpg~hap".

`boot_test` (the module) is injected by boot_test.load_area_cases().
"""


def names(log):
    yield r"d1: 'test-hvm64-invlpg~hap': PVH", "a name with '~' is built"
    yield r"d2: 'web server 42': PVH", "a name with spaces and digits is built"
    yield (r"cxen: again\.cfg: name: a domain called \"test-hvm64-invlpg~hap\" already exists; domain not started",
           "a name already taken is refused, as libxl__domain_rename refuses it")
    yield r"\(d1\) Test result: PASS", "the first domain ran"
    yield r"\(d2\) Test result: PASS", "the second domain ran"
    yield r"Started 2 of 3 domain\(s\)", "two of three started"


CASES = {
    "domain_names_as_libxl": dict(
        args=["--smp", "2"],
        configs={"tilde.cfg": boot_test.domain_cfg("test-hvm64-invlpg~hap"),
                 "spaces.cfg": boot_test.domain_cfg("web server 42"),
                 "again.cfg": boot_test.domain_cfg("test-hvm64-invlpg~hap")},
        rc=1, expect=names),
}
