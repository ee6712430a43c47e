// cxen-dom0-probe: run inside dom0, it sends control calls through
// Linux's privcmd driver (IOCTL_PRIVCMD_HYPERCALL, as libxencall does) with
// good and bad arguments, and checks each answer against Xen 4.17's:
// interface version mismatches, absent domains, bad and half-mapped user
// pointers, unknown hypercalls. Each check prints "PROBE ok <what>" or
// "PROBE FAIL <what>: ..."; the last line is "PROBE summary: <passed>/<n>".
// Exit status 0 only if every check passed. Built static, so that it runs
// in any initramfs (tests/system/cases/dom0.py).
#define __XEN_TOOLS__ 1
#include <cstddef>
#include <cstdint>
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/version.h>
#include <xen/memory.h>
#include <xen/platform.h>
#include <xen/xsm/flask_op.h>
#include <xen/sys/privcmd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace {

int privcmd = -1;
int checks = 0, passed = 0;

// The hypercall's result: >= 0, or -errno as Linux's privcmd returns it.
long hypercall(unsigned long op, unsigned long a0 = 0, unsigned long a1 = 0, unsigned long a2 = 0) {
    privcmd_hypercall_t call{};
    call.op = op;
    call.arg[0] = a0;
    call.arg[1] = a1;
    call.arg[2] = a2;
    const long r = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &call);
    return r < 0 ? -errno : r;
}

void check(const char* what, bool ok, const std::string& detail = "") {
    ++checks;
    if (ok) ++passed;
    std::printf("PROBE %s %s%s%s\n", ok ? "ok" : "FAIL", what, ok || detail.empty() ? "" : ": ", ok ? "" : detail.c_str());
    std::fflush(stdout);
}

void expect_rc(const char* what, long got, long want) {
    check(what, got == want, "got " + std::to_string(got) + ", want " + std::to_string(want));
}

// Hypercall arguments live in locked pages, as libxencall's buffers.
template <typename T> T* buffer() {
    void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    std::memset(p, 0, 4096);
    return static_cast<T*>(p);
}

long domctl(xen_domctl* op) { return hypercall(__HYPERVISOR_domctl, reinterpret_cast<unsigned long>(op)); }
long sysctl(xen_sysctl* op) { return hypercall(__HYPERVISOR_sysctl, reinterpret_cast<unsigned long>(op)); }

} // namespace

int main() {
    privcmd = open("/dev/xen/privcmd", O_RDWR);
    if (privcmd < 0) privcmd = open("/proc/xen/privcmd", O_RDWR);
    if (privcmd < 0) {
        std::perror("PROBE FAIL open privcmd");
        return 2;
    }

    // xen_version through privcmd: 4.17.
    expect_rc("xen_version(XENVER_version) is 4.17", hypercall(__HYPERVISOR_xen_version, XENVER_version, 0),
              (4 << 16) | 17);

    auto* d = buffer<xen_domctl>();
    auto* s = buffer<xen_sysctl>();
    if (!d || !s) return 2;

    // getdomaininfo of dom0 itself.
    d->cmd = XEN_DOMCTL_getdomaininfo;
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    d->domain = 0;
    long r = domctl(d);
    expect_rc("domctl getdomaininfo(0)", r, 0);
    check("getdomaininfo(0) names domain 0, an HVM guest with pages", d->domain == 0 &&
          (d->u.getdomaininfo.flags & XEN_DOMINF_hvm_guest) && d->u.getdomaininfo.tot_pages > 0,
          "flags " + std::to_string(d->u.getdomaininfo.flags) + " pages " +
              std::to_string(d->u.getdomaininfo.tot_pages));

    // Wrong interface version: -EACCES before anything else.
    std::memset(d, 0, sizeof(*d));
    d->cmd = XEN_DOMCTL_getdomaininfo;
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
    expect_rc("domctl with interface version 0x14 is -EACCES", domctl(d), -EACCES);

    // An absent domain with none above it: -ESRCH; a reserved ID: -EINVAL.
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    d->domain = 0x7000;
    expect_rc("getdomaininfo of an absent domain with none above is -ESRCH", domctl(d), -ESRCH);
    d->domain = DOMID_FIRST_RESERVED;
    expect_rc("getdomaininfo of DOMID_FIRST_RESERVED is -EINVAL", domctl(d), -EINVAL);
    std::memset(d, 0, sizeof(*d));
    d->cmd = XEN_DOMCTL_pausedomain;
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    d->domain = 0x7000;
    expect_rc("pausedomain of an absent domain is -ESRCH", domctl(d), -ESRCH);

    // Bad pointers: unmapped, kernel, and a struct whose second half is unmapped.
    expect_rc("domctl at an unmapped address is -EFAULT", hypercall(__HYPERVISOR_domctl, 0x1000), -EFAULT);
    expect_rc("sysctl at a non-canonical address is -EFAULT",
              hypercall(__HYPERVISOR_sysctl, 0x8000000000000000ul), -EFAULT);
    {
        auto* two = static_cast<char*>(mmap(nullptr, 8192, PROT_READ | PROT_WRITE,
                                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0));
        std::memset(two, 0, 8192);
        munmap(two + 4096, 4096);
        auto* half = reinterpret_cast<xen_domctl*>(two + 4096 - 16);
        half->cmd = XEN_DOMCTL_getdomaininfo;
        half->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        expect_rc("a domctl straddling into an unmapped page is -EFAULT", domctl(half), -EFAULT);
    }

    // sysctl: the domain list, the console, a version mismatch.
    s->cmd = XEN_SYSCTL_getdomaininfolist;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    auto* infos = buffer<xen_domctl_getdomaininfo_t>();
    s->u.getdomaininfolist.first_domain = 0;
    s->u.getdomaininfolist.max_domains = 4096 / sizeof(xen_domctl_getdomaininfo_t);
    set_xen_guest_handle(s->u.getdomaininfolist.buffer, infos);
    r = sysctl(s);
    expect_rc("sysctl getdomaininfolist", r, 0);
    check("the list starts with domain 0", s->u.getdomaininfolist.num_domains >= 1 && infos[0].domain == 0,
          "num_domains " + std::to_string(s->u.getdomaininfolist.num_domains));
    set_xen_guest_handle(s->u.getdomaininfolist.buffer, reinterpret_cast<xen_domctl_getdomaininfo_t*>(0x1000));
    expect_rc("getdomaininfolist into an unmapped buffer is -EFAULT", sysctl(s), -EFAULT);

    std::memset(s, 0, sizeof(*s));
    s->cmd = XEN_SYSCTL_readconsole;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    auto* text = buffer<char>();
    set_xen_guest_handle(s->u.readconsole.buffer, text);
    s->u.readconsole.count = 4095;
    r = sysctl(s);
    expect_rc("sysctl readconsole", r, 0);
    check("the console history holds the hypervisor's banner",
          s->u.readconsole.count > 0 && std::strstr(text, "cxen") != nullptr,
          "count " + std::to_string(s->u.readconsole.count));
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION + 1;
    expect_rc("sysctl with interface version 0x16 is -EACCES", sysctl(s), -EACCES);

    // physinfo: the host as xl info shows it.
    std::memset(s, 0, sizeof(*s));
    s->cmd = XEN_SYSCTL_physinfo;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    expect_rc("sysctl physinfo", sysctl(s), 0);
    const auto& pi = s->u.physinfo;
    check("physinfo: CPUs, memory, hvm and hap",
          pi.nr_cpus >= 1 && pi.max_cpu_id + 1 >= pi.nr_cpus && pi.total_pages > pi.free_pages &&
              (pi.capabilities & XEN_SYSCTL_PHYSCAP_hvm) && (pi.capabilities & XEN_SYSCTL_PHYSCAP_hap) &&
              !(pi.capabilities & XEN_SYSCTL_PHYSCAP_pv),
          "nr_cpus " + std::to_string(pi.nr_cpus) + " caps " + std::to_string(pi.capabilities));

    // cpupool INFO: pool 0, then -ENOENT past the last pool.
    std::memset(s, 0, sizeof(*s));
    s->cmd = XEN_SYSCTL_cpupool_op;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    s->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
    s->u.cpupool_op.cpupool_id = 0;
    auto* map = buffer<uint8_t>();
    set_xen_guest_handle(s->u.cpupool_op.cpumap.bitmap, map);
    s->u.cpupool_op.cpumap.nr_bits = 64;
    expect_rc("cpupool INFO of pool 0", sysctl(s), 0);
    check("pool 0 holds dom0 and every CPU", s->u.cpupool_op.cpupool_id == 0 && s->u.cpupool_op.n_dom >= 1 &&
          (map[0] & 1), "n_dom " + std::to_string(s->u.cpupool_op.n_dom));
    s->u.cpupool_op.cpupool_id = 1;
    expect_rc("cpupool INFO past the last pool is -ENOENT", sysctl(s), -ENOENT);

    // Dom0 may not pause itself (Xen: -EINVAL).
    std::memset(d, 0, sizeof(*d));
    d->cmd = XEN_DOMCTL_pausedomain;
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    d->domain = 0;
    expect_rc("pausedomain of the caller itself is -EINVAL", domctl(d), -EINVAL);

    // platform_op with the wrong interface version; xsm_op of the dummy policy.
    auto* pf = buffer<xen_platform_op>();
    pf->cmd = XENPF_get_cpuinfo;
    pf->interface_version = XENPF_INTERFACE_VERSION + 1;
    expect_rc("platform_op with a wrong interface version is -EACCES",
              hypercall(__HYPERVISOR_platform_op, reinterpret_cast<unsigned long>(pf)), -EACCES);
    pf->interface_version = XENPF_INTERFACE_VERSION;
    pf->u.pcpu_info.xen_cpuid = 0;
    expect_rc("platform_op get_cpuinfo(0)", hypercall(__HYPERVISOR_platform_op, reinterpret_cast<unsigned long>(pf)), 0);
    expect_rc("xsm_op is -ENOSYS (dummy XSM)", hypercall(__HYPERVISOR_xsm_op, 0), -ENOSYS);

    // memory_op with a bad pointer; an unknown hypercall.
    expect_rc("memory_op(XENMEM_memory_map) at an unmapped address is -EFAULT",
              hypercall(__HYPERVISOR_memory_op, XENMEM_memory_map, 0x1000), -EFAULT);
    expect_rc("hypercall 60 is -ENOSYS", hypercall(60), -ENOSYS);

    // And the hypervisor still answers.
    expect_rc("xen_version still answers", hypercall(__HYPERVISOR_xen_version, XENVER_version, 0), (4 << 16) | 17);
    std::printf("PROBE summary: %d/%d\n", passed, checks);
    return passed == checks ? 0 : 1;
}
