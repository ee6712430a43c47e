// cxen-dom0-create-probe: run inside dom0, it creates and destroys domains
// through Linux's privcmd as libxl does (dom0-toolstack-abi.md §4.2 steps
// 3, 5a, 5b, 5f and §4.5): XEN_DOMCTL_createdomain with a chosen and an
// automatic ID and with each kind of bad config, getdomaininfo of the new
// domain, max_vcpus, the small setup domctls, pause/unpause, a shutdown
// (SCHEDOP_remote_shutdown) that leaves the domain listed with
// VIRQ_DOM_EXC raised, destroydomain, a destroyed domain whose grant
// table dom0 still maps staying a zombie whose ID is not reused, and 20
// create/destroy cycles after which physinfo's free_pages is back where it
// was. Each check prints "PROBE ok <what>" or "PROBE FAIL <what>: ...";
// the last line is "PROBE summary: <passed>/<n>"; exit 0 only if all passed.
//
// `cxen-dom0-create-probe keep` only creates a domain (automatic ID, 1
// vCPU), crashes it with SCHEDOP_remote_shutdown if `crash` follows, and
// prints "PROBE kept <domid>", for `xl list` to show.
#define __XEN_TOOLS__ 1
#include <cstddef>
#include <cstdint>
#include <xen/domctl.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/privcmd.h>
#include <xen/sysctl.h>
#include <xen/xen.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace {

int privcmd = -1;
int checks = 0, passed = 0;

void check(const std::string& what, bool ok, const std::string& detail = "") {
    ++checks;
    if (ok) ++passed;
    std::printf("PROBE %s %s%s%s\n", ok ? "ok" : "FAIL", what.c_str(),
                ok || detail.empty() ? "" : ": ", ok ? "" : detail.c_str());
    std::fflush(stdout);
}

long hypercall(unsigned nr, void* arg0, uint64_t arg1 = 0) {
    privcmd_hypercall_t call{};
    call.op = nr;
    call.arg[0] = reinterpret_cast<uint64_t>(arg0);
    call.arg[1] = arg1;
    const long r = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &call);
    return r < 0 ? -errno : r;
}

xen_domctl make(uint32_t cmd, domid_t dom) {
    xen_domctl op{};
    op.cmd = cmd;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = dom;
    return op;
}
long domctl(xen_domctl& op) {
    return hypercall(__HYPERVISOR_domctl, &op);
}
long simple(uint32_t cmd, domid_t dom) {
    xen_domctl op = make(cmd, dom);
    return domctl(op);
}

/// libxl's createdomain for a PVH domU (§4.2 step 3).
xen_domctl_createdomain pvh(unsigned vcpus) {
    xen_domctl_createdomain c{};
    c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    c.max_vcpus = vcpus;
    c.max_evtchn_port = 1023;
    c.max_grant_frames = -1;
    c.max_maptrack_frames = -1;
    c.grant_opts = XEN_DOMCTL_GRANT_version(2);
    c.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    for (unsigned i = 0; i < 16; ++i)
        c.handle[i] = static_cast<uint8_t>(0xc0 + i);
    return c;
}
/// createdomain: the new ID, or -errno.
long create(domid_t want, const xen_domctl_createdomain& c) {
    xen_domctl op = make(XEN_DOMCTL_createdomain, want);
    op.u.createdomain = c;
    const long rc = domctl(op);
    return rc < 0 ? rc : op.domain;
}
bool info(domid_t dom, xen_domctl_getdomaininfo& out) {
    xen_domctl op = make(XEN_DOMCTL_getdomaininfo, dom);
    if (domctl(op) != 0 || op.u.getdomaininfo.domain != dom)
        return false; // the next one up is not it
    out = op.u.getdomaininfo;
    return true;
}
bool listed(domid_t dom) {
    xen_domctl_getdomaininfo i;
    return info(dom, i);
}
uint64_t free_pages() {
    xen_sysctl s{};
    s.cmd = XEN_SYSCTL_physinfo;
    s.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return hypercall(__HYPERVISOR_sysctl, &s) == 0 ? s.u.physinfo.free_pages : 0;
}
long remote_shutdown(domid_t dom, unsigned reason) {
    sched_remote_shutdown r{dom, reason};
    return hypercall(__HYPERVISOR_sched_op, reinterpret_cast<void*>(SCHEDOP_remote_shutdown),
                     reinterpret_cast<uint64_t>(&r));
}
std::string s(long v) {
    return std::to_string(v);
}
std::string hex(uint64_t v) {
    char b[32];
    std::snprintf(b, sizeof(b), "%#llx", static_cast<unsigned long long>(v));
    return b;
}

/// /dev/xen/evtchn with VIRQ_DOM_EXC bound: did it fire within `ms`?
struct DomExc {
    int fd = -1;
    bool open_and_bind() {
        fd = open("/dev/xen/evtchn", O_RDWR);
        if (fd < 0) return false;
        ioctl_evtchn_bind_virq b{VIRQ_DOM_EXC};
        return ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &b) >= 0;
    }
    void drain() {
        while (fired(0)) {
        }
    }
    bool fired(int ms) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, ms) <= 0) return false;
        unsigned port;
        if (read(fd, &port, sizeof(port)) != sizeof(port)) return false;
        (void)!write(fd, &port, sizeof(port)); // unmask for the next one
        return true;
    }
};

int keep(bool crash) {
    const long id = create(DOMID_INVALID, pvh(1));
    if (id < 0) {
        std::printf("PROBE FAIL keep: createdomain %ld\n", id);
        return 1;
    }
    xen_domctl op = make(XEN_DOMCTL_max_vcpus, static_cast<domid_t>(id));
    op.u.max_vcpus.max = 1;
    if (domctl(op) != 0) return 1;
    if (crash && remote_shutdown(static_cast<domid_t>(id), SHUTDOWN_crash) != 0) return 1;
    std::printf("PROBE kept %ld\n", id);
    return 0;
}

void bad_configs() {
    struct Case {
        const char* what;
        void (*edit)(xen_domctl_createdomain&);
        long rc;
    } cases[] = {
        {"an unknown CDF flag", [](auto& c) { c.flags |= 1u << 10; }, -EINVAL},
        {"an unknown grant option", [](auto& c) { c.grant_opts = 0x20; }, -EINVAL},
        {"max_vcpus 0", [](auto& c) { c.max_vcpus = 0; }, -EINVAL},
        {"HAP without HVM", [](auto& c) { c.flags = XEN_DOMCTL_CDF_hap; }, -EINVAL},
        {"an IOMMU", [](auto& c) { c.flags |= XEN_DOMCTL_CDF_iommu; }, -EINVAL},
        {"IOMMU options without one", [](auto& c) { c.iommu_opts = XEN_DOMCTL_IOMMU_no_sharept; },
         -EINVAL},
        {"vmtrace", [](auto& c) { c.vmtrace_size = 4096; }, -EINVAL},
        {"a vPMU", [](auto& c) { c.flags |= XEN_DOMCTL_CDF_vpmu; }, -EINVAL},
        {"PV", [](auto& c) { c.flags = 0; }, -EINVAL},
        {"129 vCPUs", [](auto& c) { c.max_vcpus = 129; }, -EINVAL},
        {"s3_integrity", [](auto& c) { c.flags |= XEN_DOMCTL_CDF_s3_integrity; }, -EINVAL},
        {"unknown misc_flags", [](auto& c) { c.arch.misc_flags = 2; }, -EINVAL},
        {"unknown emulation bits", [](auto& c) { c.arch.emulation_flags = 1u << 15; }, -EINVAL},
        {"a full HVM emulation set",
         [](auto& c) { c.arch.emulation_flags = XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI; },
         -EOPNOTSUPP},
        {"shadow paging", [](auto& c) { c.flags = XEN_DOMCTL_CDF_hvm; }, -EOPNOTSUPP},
        {"grant version 0", [](auto& c) { c.grant_opts = 0; }, -EINVAL},
        {"65 grant frames", [](auto& c) { c.max_grant_frames = 65; }, -EINVAL},
        {"1025 maptrack frames", [](auto& c) { c.max_maptrack_frames = 1025; }, -EINVAL},
        {"cpupool 1", [](auto& c) { c.cpupool_id = 1; }, -ESRCH},
    };
    for (const Case& k : cases) {
        auto c = pvh(1);
        k.edit(c);
        const long rc = create(60, c);
        check(std::string("createdomain with ") + k.what + " is " + s(k.rc), rc == k.rc,
              "rc " + s(rc));
    }
    check("no domain 60 was left by the refused configs", !listed(60));
}

} // namespace

int main(int argc, char** argv) {
    privcmd = open("/dev/xen/privcmd", O_RDWR);
    if (privcmd < 0) {
        std::perror("PROBE FAIL open /dev/xen/privcmd");
        return 2;
    }
    if (argc > 1 && std::strcmp(argv[1], "keep") == 0)
        return keep(argc > 2 && std::strcmp(argv[2], "crash") == 0);
    DomExc exc;
    check("VIRQ_DOM_EXC bound through /dev/xen/evtchn", exc.open_and_bind());

    // 1. A chosen ID, taken IDs, an automatic ID.
    long rc = create(50, pvh(2));
    check("createdomain of domain 50 copies back its ID", rc == 50, "rc " + s(rc));
    rc = create(50, pvh(2));
    check("createdomain of a listed ID is -EEXIST", rc == -EEXIST, "rc " + s(rc));
    const long autoid = create(DOMID_INVALID, pvh(1));
    check("createdomain with DOMID_INVALID picks a free ID",
          autoid > 0 && autoid != 50 && autoid < DOMID_FIRST_RESERVED, "rc " + s(autoid));
    rc = create(static_cast<domid_t>(autoid), pvh(1));
    check("createdomain of the automatic domain's ID is -EEXIST", rc == -EEXIST, "rc " + s(rc));
    bad_configs();

    // 2. What the new domain is.
    xen_domctl_getdomaininfo i{};
    check("getdomaininfo finds domain 50", info(50, i));
    const uint32_t f = i.flags;
    check("a new domain is paused by the controller, HVM, neither blocked, running, dying nor shut "
          "down",
          (f & XEN_DOMINF_paused) && (f & XEN_DOMINF_hvm_guest) &&
              !(f &
                (XEN_DOMINF_blocked | XEN_DOMINF_running | XEN_DOMINF_dying | XEN_DOMINF_shutdown)),
          "flags " + hex(f));
    check("its shutdown code is Xen's SHUTDOWN_CODE_INVALID",
          (f >> XEN_DOMINF_shutdownshift) == 0xffff, "flags " + hex(f));
    check("no vCPU, no page, pool 0, LAPIC emulation, its handle",
          i.max_vcpu_id == XEN_INVALID_MAX_VCPU_ID && i.nr_online_vcpus == 0 && i.tot_pages == 0 &&
              i.outstanding_pages == 0 && i.cpupool == 0 &&
              i.arch_config.emulation_flags == XEN_X86_EMU_LAPIC && i.handle[0] == 0xc0 &&
              i.handle[15] == 0xcf,
          "max_vcpu_id " + hex(i.max_vcpu_id) + " online " + s(i.nr_online_vcpus) + " pages " +
              s(i.tot_pages));

    // 3. max_vcpus: the vCPUs exist, down.
    xen_domctl op = make(XEN_DOMCTL_max_vcpus, 50);
    op.u.max_vcpus.max = 3;
    rc = domctl(op);
    check("max_vcpus other than the created count is -EINVAL", rc == -EINVAL, "rc " + s(rc));
    op.u.max_vcpus.max = 2;
    rc = domctl(op);
    check("max_vcpus 2 makes the vCPUs", rc == 0, "rc " + s(rc));
    check("then max_vcpu_id 1 and no online vCPU",
          info(50, i) && i.max_vcpu_id == 1 && i.nr_online_vcpus == 0 &&
              !(i.flags & (XEN_DOMINF_blocked | XEN_DOMINF_running)),
          "max_vcpu_id " + s(i.max_vcpu_id) + " flags " + hex(i.flags));
    op = make(XEN_DOMCTL_getvcpuinfo, 50);
    op.u.getvcpuinfo.vcpu = 1;
    rc = domctl(op);
    check("getvcpuinfo: vCPU 1 is offline", rc == 0 && op.u.getvcpuinfo.online == 0, "rc " + s(rc));

    // 4. The small domctls of §4.2 5b/5f.
    uint8_t nodes[8];
    std::memset(nodes, 0xff, sizeof(nodes));
    op = make(XEN_DOMCTL_setnodeaffinity, 50);
    op.u.nodeaffinity.nodemap.nr_bits = 64;
    set_xen_guest_handle(op.u.nodeaffinity.nodemap.bitmap, nodes);
    rc = domctl(op);
    check("setnodeaffinity with every node", rc == 0, "rc " + s(rc));
    nodes[0] = 0x02;
    op.u.nodeaffinity.nodemap.nr_bits = 8;
    rc = domctl(op);
    check("setnodeaffinity without node 0 is -EINVAL", rc == -EINVAL, "rc " + s(rc));
    op = make(XEN_DOMCTL_settscinfo, 50);
    rc = domctl(op);
    check("settscinfo {default, 0, 0}", rc == 0, "rc " + s(rc));
    op = make(XEN_DOMCTL_settscinfo, 0);
    rc = domctl(op);
    check("settscinfo of the caller's own domain is -EINVAL", rc == -EINVAL, "rc " + s(rc));
    op = make(XEN_DOMCTL_settscinfo, 50);
    op.u.tsc_info.tsc_mode = 7;
    rc = domctl(op);
    check("settscinfo with an unknown mode is -EINVAL", rc == -EINVAL, "rc " + s(rc));
    op = make(XEN_DOMCTL_gettscinfo, 50);
    rc = domctl(op);
    check("gettscinfo: default mode, incarnation 1, the host's rate",
          rc == 0 && op.u.tsc_info.tsc_mode == 0 && op.u.tsc_info.incarnation == 1 &&
              op.u.tsc_info.gtsc_khz > 0,
          "rc " + s(rc) + " mode " + s(op.u.tsc_info.tsc_mode) + " inc " +
              s(op.u.tsc_info.incarnation));
    op = make(XEN_DOMCTL_settimeoffset, 50);
    op.u.settimeoffset.time_offset_seconds = 3600;
    rc = domctl(op);
    check("settimeoffset", rc == 0, "rc " + s(rc));
    op = make(XEN_DOMCTL_set_paging_mempool_size, 50);
    op.u.paging_mempool.size = 4 << 20;
    rc = domctl(op);
    check("set_paging_mempool_size 4 MiB", rc == 0, "rc " + s(rc));
    op.u.paging_mempool.size = (4 << 20) + 512;
    rc = domctl(op);
    check("set_paging_mempool_size not page-aligned is -EINVAL", rc == -EINVAL, "rc " + s(rc));
    op = make(XEN_DOMCTL_get_paging_mempool_size, 50);
    rc = domctl(op);
    check("get_paging_mempool_size says 4 MiB", rc == 0 && op.u.paging_mempool.size == (4 << 20),
          "rc " + s(rc) + " size " + s(static_cast<long>(op.u.paging_mempool.size)));

    // 5. Pause and unpause with nothing initialised.
    rc = simple(XEN_DOMCTL_unpausedomain, 50);
    check("unpause of the new domain (count 1 -> 0)", rc == 0, "rc " + s(rc));
    check("then it is not paused", info(50, i) && !(i.flags & XEN_DOMINF_paused),
          "flags " + hex(i.flags));
    rc = simple(XEN_DOMCTL_unpausedomain, 50);
    check("a second unpause is -EINVAL", rc == -EINVAL, "rc " + s(rc));
    rc = simple(XEN_DOMCTL_pausedomain, 50);
    check("pause again", rc == 0 && info(50, i) && (i.flags & XEN_DOMINF_paused), "rc " + s(rc));
    rc = simple(XEN_DOMCTL_pausedomain, 0);
    check("pausing dom0 itself is -EINVAL", rc == -EINVAL, "rc " + s(rc));
    check("no vCPU ran", info(50, i) && i.nr_online_vcpus == 0 && i.cpu_time == 0,
          "cpu_time " + s(i.cpu_time));

    // 6. A shutdown leaves it listed, shut down, until destroydomain.
    exc.drain();
    rc = remote_shutdown(50, SHUTDOWN_crash);
    check("SCHEDOP_remote_shutdown(crash) of domain 50", rc == 0, "rc " + s(rc));
    check("VIRQ_DOM_EXC reaches dom0 at the shutdown", exc.fired(2000));
    check("the domain stays listed, shut down with code crash, not dying",
          info(50, i) && (i.flags & XEN_DOMINF_shutdown) && !(i.flags & XEN_DOMINF_dying) &&
              ((i.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) == SHUTDOWN_crash,
          "flags " + hex(i.flags));
    exc.drain();
    rc = simple(XEN_DOMCTL_destroydomain, 50);
    check("destroydomain of domain 50", rc == 0, "rc " + s(rc));
    check("VIRQ_DOM_EXC again when it is destroyed", exc.fired(2000));
    check("domain 50 is gone", !listed(50));
    rc = simple(XEN_DOMCTL_destroydomain, 50);
    check("destroydomain of it again is -ESRCH", rc == -ESRCH, "rc " + s(rc));
    rc = simple(XEN_DOMCTL_destroydomain, 0);
    check("destroydomain of dom0 itself is -EINVAL", rc == -EINVAL, "rc " + s(rc));

    // 7. A zombie: destroyed while dom0 maps its grant table.
    const long z = create(DOMID_INVALID, pvh(1));
    check("createdomain of the zombie-to-be", z > 0, "rc " + s(z));
    privcmd_mmap_resource_t res{};
    res.dom = static_cast<domid_t>(z);
    res.type = XENMEM_resource_grant_table;
    res.id = XENMEM_resource_grant_table_id_shared;
    res.num = 1;
    void* area = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);
    res.addr = reinterpret_cast<uint64_t>(area);
    const int mr = area == MAP_FAILED ? -1 : ioctl(privcmd, IOCTL_PRIVCMD_MMAP_RESOURCE, &res);
    check("dom0 maps its grant frame 0 (acquire_resource)", mr == 0,
          "rc " + s(mr < 0 ? -errno : mr));
    rc = simple(XEN_DOMCTL_destroydomain, static_cast<domid_t>(z));
    check("destroydomain of the mapped domain", rc == 0, "rc " + s(rc));
    check("it stays listed, dying",
          info(static_cast<domid_t>(z), i) && (i.flags & XEN_DOMINF_dying),
          "flags " + hex(i.flags));
    rc = create(static_cast<domid_t>(z), pvh(1));
    check("its ID is not reused while it is listed (-EEXIST)", rc == -EEXIST, "rc " + s(rc));
    const long other = create(DOMID_INVALID, pvh(1));
    check("an automatic ID is another one", other > 0 && other != z, "rc " + s(other));
    if (other > 0) simple(XEN_DOMCTL_destroydomain, static_cast<domid_t>(other));
    exc.drain();
    if (area != MAP_FAILED) munmap(area, 4096);
    check("VIRQ_DOM_EXC when the zombie goes", exc.fired(2000));
    check("the zombie is gone after the unmap", !listed(static_cast<domid_t>(z)));
    if (autoid > 0) simple(XEN_DOMCTL_destroydomain, static_cast<domid_t>(autoid));

    // 8. 20 cycles: the memory comes back.
    const uint64_t before = free_pages();
    bool cycles_ok = true;
    std::string why;
    for (int k = 0; k < 20 && cycles_ok; ++k) {
        const long id = create(DOMID_INVALID, pvh(2));
        op = make(XEN_DOMCTL_max_vcpus, static_cast<domid_t>(id));
        op.u.max_vcpus.max = 2;
        const long mv = id > 0 ? domctl(op) : -1;
        const long un = id > 0 ? simple(XEN_DOMCTL_unpausedomain, static_cast<domid_t>(id)) : -1;
        const long de = id > 0 ? simple(XEN_DOMCTL_destroydomain, static_cast<domid_t>(id)) : -1;
        if (id <= 0 || mv || un || de || listed(static_cast<domid_t>(id))) {
            cycles_ok = false;
            why = "cycle " + s(k) + ": id " + s(id) + " max_vcpus " + s(mv) + " unpause " + s(un) +
                  " destroy " + s(de);
        }
    }
    check("20 create/max_vcpus/unpause/destroy cycles", cycles_ok, why);
    const uint64_t after = free_pages();
    std::printf("PROBE free_pages before %llu after %llu\n",
                static_cast<unsigned long long>(before), static_cast<unsigned long long>(after));
    check("physinfo free_pages is back to its first value", before != 0 && after == before,
          s(static_cast<long>(before)) + " -> " + s(static_cast<long>(after)));

    std::printf("PROBE summary: %d/%d\n", passed, checks);
    return passed == checks ? 0 : 1;
}
