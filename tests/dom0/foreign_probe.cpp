// cxen-dom0-foreign-probe: run inside dom0 beside the boot-built domU 1
// (guests/control/foreign_target.cpp), it maps that domain's memory and
// grant table through Linux's privcmd as libxenforeignmemory does
// (IOCTL_PRIVCMD_MMAPBATCH_V2: one XENMEM_add_to_physmap_batch with
// XENMAPSPACE_gmfn_foreign per page; IOCTL_PRIVCMD_MMAP_RESOURCE:
// XENMEM_acquire_resource; munmap: XENMEM_remove_from_physmap per page),
// finds the target's marker page, writes the reply the target waits for,
// and keeps reading the page while the target powers off and is destroyed
// (its frame stays allocated while mapped). Each check prints
// "PROBE ok <what>" or "PROBE FAIL <what>: ..."; the last line is
// "PROBE summary: <passed>/<n>". Exit status 0 only if every check passed.
#define __XEN_TOOLS__ 1
#include <cstddef>
#include <cstdint>
#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/domctl.h>
#include <xen/grant_table.h>
#include <xen/sys/privcmd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace {

int privcmd = -1;
int checks = 0, passed = 0;
constexpr domid_t target = 1;
constexpr size_t page = 4096;
constexpr char marker[] = "cxen-foreign-target-page-v1";
constexpr uint64_t reply = 0x0123456789abcdefull;

void check(const char* what, bool ok, const std::string& detail = "") {
    ++checks;
    if (ok) ++passed;
    std::printf("PROBE %s %s%s%s\n", ok ? "ok" : "FAIL", what, ok || detail.empty() ? "" : ": ", ok ? "" : detail.c_str());
    std::fflush(stdout);
}

// A privcmd mapping of n pages, to be filled by one of the ioctls.
uint8_t* privcmd_area(size_t n) {
    void* p = mmap(nullptr, n * page, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);
    return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

// IOCTL_PRIVCMD_MMAPBATCH_V2 of `gfns` of `dom` at `area`; errs gets each page's error.
// A domctl through privcmd: 0, or -errno.
long domctl(xen_domctl* op) {
    privcmd_hypercall_t call{};
    call.op = __HYPERVISOR_domctl;
    call.arg[0] = reinterpret_cast<uint64_t>(op);
    const long r = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &call);
    return r < 0 ? -errno : r;
}

long map_batch(uint8_t* area, domid_t dom, const std::vector<xen_pfn_t>& gfns, std::vector<int>& errs) {
    errs.assign(gfns.size(), 0x5a5a);
    privcmd_mmapbatch_v2_t m{};
    m.num = static_cast<unsigned>(gfns.size());
    m.dom = dom;
    m.addr = reinterpret_cast<uint64_t>(area);
    m.arr = gfns.data();
    m.err = errs.data();
    return ioctl(privcmd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m) < 0 ? -errno : 0;
}

} // namespace

int main() {
    privcmd = open("/dev/xen/privcmd", O_RDWR);
    if (privcmd < 0) {
        std::perror("PROBE FAIL open /dev/xen/privcmd");
        return 2;
    }

    // 1. The target's image (loaded from 1 MiB): 1024 pages, one
    //    add_to_physmap_batch each, into dom0's unpopulated space.
    constexpr size_t n = 1024;
    std::vector<xen_pfn_t> gfns(n);
    for (size_t i = 0; i < n; ++i) gfns[i] = 0x100 + i;
    uint8_t* image = privcmd_area(n);
    std::vector<int> errs;
    const long rc = image ? map_batch(image, target, gfns, errs) : -ENOMEM;
    check("MMAPBATCH_V2 of 1024 pages of domain 1", rc == 0, "rc " + std::to_string(rc));
    size_t mapped = 0;
    uint8_t* found = nullptr;
    for (size_t i = 0; rc == 0 && i < n; ++i) {
        if (errs[i] != 0) continue;
        ++mapped;
        if (!found && std::memcmp(image + i * page, marker, sizeof(marker)) == 0) found = image + i * page;
    }
    check("the target's image pages are mapped", mapped >= 16, std::to_string(mapped) + " pages mapped");
    check("the target's marker page is found through the foreign mapping", found != nullptr);

    // 2. Per-page errors: a hole of the target (-EINVAL), dom0 itself (-EPERM).
    uint8_t* one = privcmd_area(1);
    std::vector<int> e1;
    long r1 = one ? map_batch(one, target, {0x100000}, e1) : -ENOMEM;
    check("a gfn without RAM in the target is -EINVAL for its page", r1 == 0 && e1[0] == -EINVAL,
          "rc " + std::to_string(r1) + " err " + std::to_string(e1.empty() ? 0 : e1[0]));
    uint8_t* self = privcmd_area(1);
    r1 = self ? map_batch(self, 0, {0x100}, e1) : -ENOMEM;
    check("mapping dom0's own frame is -EPERM for its page", r1 == 0 && e1[0] == -EPERM,
          "rc " + std::to_string(r1) + " err " + std::to_string(e1.empty() ? 0 : e1[0]));

    // 3. The target's grant table through XENMEM_acquire_resource.
    privcmd_mmap_resource_t res{};
    res.dom = target;
    res.type = XENMEM_resource_grant_table;
    res.id = XENMEM_resource_grant_table_id_shared;
    const int q = ioctl(privcmd, IOCTL_PRIVCMD_MMAP_RESOURCE, &res);
    check("MMAP_RESOURCE size query of the grant table", q == 0 && res.num >= 1,
          "rc " + std::to_string(q < 0 ? -errno : q) + " num " + std::to_string(res.num));
    uint8_t* gt = privcmd_area(2);
    res.idx = 0;
    res.num = 2;
    res.addr = reinterpret_cast<uint64_t>(gt);
    const int g = gt ? ioctl(privcmd, IOCTL_PRIVCMD_MMAP_RESOURCE, &res) : -1;
    check("MMAP_RESOURCE maps the first 2 grant frames", g == 0, "rc " + std::to_string(g < 0 ? -errno : g));
    if (g == 0) {
        // Readable: a v1 entry's flags are a valid GTF_* combination.
        const auto* e = reinterpret_cast<const grant_entry_v1_t*>(gt);
        check("the grant frames are readable", (e[0].flags & ~0x1ff) == 0, "flags " + std::to_string(e[0].flags));
    }
    res.dom = 0;
    res.num = 1;
    uint8_t* own = privcmd_area(1);
    res.addr = reinterpret_cast<uint64_t>(own);
    const int o = own ? ioctl(privcmd, IOCTL_PRIVCMD_MMAP_RESOURCE, &res) : 0;
    check("MMAP_RESOURCE of dom0's own grant table is -EPERM", o < 0 && errno == EPERM,
          "rc " + std::to_string(o < 0 ? -errno : o));

    // 4. The reply the target waits for: it then powers off and is
    //    destroyed while this still maps its page.
    if (found) {
        std::memcpy(found + 32, &reply, sizeof(reply));
        sleep(5);
        check("the marker page stays readable after the target is gone",
              std::memcmp(found, marker, sizeof(marker)) == 0);
        // The mapping keeps the dead domain listed, dying (Xen's
        // DOMDYING_dead), and destroying it again is 0, as Xen's domain_kill.
        auto* d = static_cast<xen_domctl*>(mmap(nullptr, page, PROT_READ | PROT_WRITE,
                                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0));
        d->cmd = XEN_DOMCTL_getdomaininfo;
        d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        d->domain = 1;
        const long gi = domctl(d);
        check("getdomaininfo of the mapped, destroyed domain says dying",
              gi == 0 && d->domain == 1 && (d->u.getdomaininfo.flags & XEN_DOMINF_dying),
              "rc " + std::to_string(gi) + " domain " + std::to_string(d->domain) + " flags " +
                  std::to_string(d->u.getdomaininfo.flags));
        std::memset(d, 0, sizeof(*d));
        d->cmd = XEN_DOMCTL_destroydomain;
        d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        d->domain = 1;
        const long dd = domctl(d);
        check("destroydomain of the dying domain is 0", dd == 0, "rc " + std::to_string(dd));
        munmap(d, page);
    }

    // 5. Unmapping: XENMEM_remove_from_physmap per page.
    check("munmap of the foreign pages", munmap(image, n * page) == 0 && (!gt || munmap(gt, 2 * page) == 0));
    if (one) munmap(one, page);
    if (self) munmap(self, page);
    if (own) munmap(own, page);

    std::printf("PROBE summary: %d/%d\n", passed, checks);
    return passed == checks ? 0 : 1;
}
