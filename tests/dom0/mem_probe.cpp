// cxen-dom0-mem-probe: run inside dom0 beside two boot-built domUs, it
// makes the memory calls libxenguest and libxl make on a domain they build
// (docs/control-domain.md, "Building a domain's memory"), through Linux's
// privcmd (IOCTL_PRIVCMD_HYPERCALL), on domain 1, which it pauses first:
// XEN_DOMCTL_max_mem, XENMEM_claim_pages (with physinfo's and
// getdomaininfo's outstanding pages), XENMEM_populate_physmap of order 0,
// 9 and 18 extents (the new pages mapped with MMAPBATCH_V2 and found
// zeroed), decrease_reservation, the reservation counts, the PoD target,
// XENMEM_set_memory_map, Xen's errors for bad domids and arguments; then it
// destroys domain 1 and checks that its memory and claim came back. Domain
// 2 (guests/memory/toolstack_ops.cpp) waits for the memory map this probe
// sets for it. Each check prints "PROBE ok <what>" or "PROBE FAIL <what>:
// ..."; the last line is "PROBE summary: <passed>/<n>". Exit status 0 only
// if every check passed.
#define __XEN_TOOLS__ 1
#include <cstddef>
#include <cstdint>
#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/sys/privcmd.h>

#include <algorithm>
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
constexpr domid_t target = 1, reader = 2;
constexpr size_t page = 4096;

void check(const char* what, bool ok, const std::string& detail = "") {
    ++checks;
    if (ok) ++passed;
    std::printf("PROBE %s %s%s%s\n", ok ? "ok" : "FAIL", what, ok || detail.empty() ? "" : ": ", ok ? "" : detail.c_str());
    std::fflush(stdout);
}
std::string n(long v) { return std::to_string(v); }

// Hypercall arguments live in locked pages: the hypervisor reads them through
// dom0's page tables and a page that is not present would be -EFAULT.
void* locked(size_t bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
}

long hypercall(unsigned op, uint64_t a0, uint64_t a1 = 0) {
    privcmd_hypercall_t call{};
    call.op = op;
    call.arg[0] = a0;
    call.arg[1] = a1;
    const long r = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &call);
    return r < 0 ? -errno : r;
}
template <typename T> long memory_op(unsigned cmd, T* arg) {
    return hypercall(__HYPERVISOR_memory_op, cmd, reinterpret_cast<uint64_t>(arg));
}

xen_domctl* dctl;
xen_sysctl* sctl;
xen_memory_reservation* res;
xen_pfn_t* list; // 1024 entries
xen_memory_domain* mdom;
xen_foreign_memory_map* fmap;
xen_pod_target* pod;
uint8_t* e820; // 20-byte entries

long domctl(uint32_t cmd, domid_t dom) {
    dctl->cmd = cmd;
    dctl->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dctl->domain = dom;
    return hypercall(__HYPERVISOR_domctl, reinterpret_cast<uint64_t>(dctl));
}
bool domaininfo(domid_t dom, xen_domctl_getdomaininfo& out) {
    std::memset(dctl, 0, sizeof(*dctl));
    if (domctl(XEN_DOMCTL_getdomaininfo, dom) != 0 || dctl->domain != dom) return false;
    out = dctl->u.getdomaininfo;
    return true;
}
long max_mem(domid_t dom, uint64_t pages) {
    std::memset(dctl, 0, sizeof(*dctl));
    dctl->u.max_mem.max_memkb = pages * 4;
    return domctl(XEN_DOMCTL_max_mem, dom);
}
bool physinfo(xen_sysctl_physinfo& out) {
    std::memset(sctl, 0, sizeof(*sctl));
    sctl->cmd = XEN_SYSCTL_physinfo;
    sctl->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    if (hypercall(__HYPERVISOR_sysctl, reinterpret_cast<uint64_t>(sctl)) != 0) return false;
    out = sctl->u.physinfo;
    return true;
}
uint64_t outstanding_host() {
    xen_sysctl_physinfo pi{};
    return physinfo(pi) ? pi.outstanding_pages : ~0ull;
}
uint64_t free_host() {
    xen_sysctl_physinfo pi{};
    return physinfo(pi) ? pi.free_pages : 0;
}
uint64_t outstanding_of(domid_t dom) {
    xen_domctl_getdomaininfo i{};
    return domaininfo(dom, i) ? i.outstanding_pages : ~0ull;
}
uint64_t tot_pages_of(domid_t dom) {
    xen_domctl_getdomaininfo i{};
    return domaininfo(dom, i) ? i.tot_pages : 0;
}

long claim(domid_t dom, uint64_t pages) {
    std::memset(res, 0, sizeof(*res));
    res->nr_extents = pages;
    res->domid = dom;
    return memory_op(XENMEM_claim_pages, res);
}
// A reservation op over gfns [first, first + count) (order-aligned steps).
long reservation(unsigned cmd, domid_t dom, xen_pfn_t first, unsigned count, unsigned order, unsigned flags = 0) {
    for (unsigned i = 0; i < count; ++i) list[i] = first + (xen_pfn_t{i} << order);
    std::memset(res, 0, sizeof(*res));
    set_xen_guest_handle(res->extent_start, list);
    res->nr_extents = count;
    res->extent_order = order;
    res->mem_flags = flags;
    res->domid = dom;
    return memory_op(cmd, res);
}
long count_op(unsigned cmd, domid_t dom) {
    mdom->domid = dom;
    return memory_op(cmd, mdom);
}
long pod_op(unsigned cmd, domid_t dom, uint64_t target_pages) {
    std::memset(pod, 0, sizeof(*pod));
    pod->domid = dom;
    pod->target_pages = target_pages;
    return memory_op(cmd, pod);
}
void put_e820(unsigned i, uint64_t addr, uint64_t size, uint32_t type) {
    std::memcpy(e820 + 20 * i, &addr, 8);
    std::memcpy(e820 + 20 * i + 8, &size, 8);
    std::memcpy(e820 + 20 * i + 16, &type, 4);
}
long set_memory_map(domid_t dom, unsigned entries, void* buffer) {
    std::memset(fmap, 0, sizeof(*fmap));
    fmap->domid = dom;
    fmap->map.nr_entries = entries;
    set_xen_guest_handle(fmap->map.buffer, buffer);
    return memory_op(XENMEM_set_memory_map, fmap);
}

// MMAPBATCH_V2 of `gfns` of dom: the area, errs per page; nullptr if the call failed.
uint8_t* map_foreign(domid_t dom, const std::vector<xen_pfn_t>& gfns, std::vector<int>& errs) {
    void* p = mmap(nullptr, gfns.size() * page, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);
    if (p == MAP_FAILED) return nullptr;
    errs.assign(gfns.size(), 0x5a5a);
    privcmd_mmapbatch_v2_t m{};
    m.num = static_cast<unsigned>(gfns.size());
    m.dom = dom;
    m.addr = reinterpret_cast<uint64_t>(p);
    m.arr = gfns.data();
    m.err = errs.data();
    if (ioctl(privcmd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m) < 0) {
        munmap(p, gfns.size() * page);
        return nullptr;
    }
    return static_cast<uint8_t*>(p);
}
bool all_zero(const uint8_t* p) {
    for (size_t i = 0; i < page; ++i)
        if (p[i]) return false;
    return true;
}

// Where the new memory goes in domain 1: above its 32 MiB of RAM, aligned
// for each order.
constexpr xen_pfn_t gfn_2m = 0x40000;    // 1 GiB: one order-9 extent
constexpr xen_pfn_t gfn_4k = 0x50000;    // four order-0 pages
constexpr xen_pfn_t gfn_many = 0x60000;  // 1024 order-0 pages, one call
constexpr xen_pfn_t gfn_1g = 0x80000;    // 2 GiB: one order-18 extent

} // namespace

int main() {
    privcmd = open("/dev/xen/privcmd", O_RDWR);
    if (privcmd < 0) {
        std::perror("PROBE FAIL open /dev/xen/privcmd");
        return 2;
    }
    dctl = static_cast<xen_domctl*>(locked(page));
    sctl = static_cast<xen_sysctl*>(locked(page));
    auto* args = static_cast<uint8_t*>(locked(page));
    list = static_cast<xen_pfn_t*>(locked(2 * page));
    e820 = static_cast<uint8_t*>(locked(6 * page)); // room for 1025 entries
    if (!dctl || !sctl || !args || !list || !e820) {
        std::perror("PROBE FAIL mmap");
        return 2;
    }
    res = reinterpret_cast<xen_memory_reservation*>(args);
    mdom = reinterpret_cast<xen_memory_domain*>(args + 256);
    fmap = reinterpret_cast<xen_foreign_memory_map*>(args + 512);
    pod = reinterpret_cast<xen_pod_target*>(args + 768);

    // 1. The domain to build on: paused, as libxl keeps a domain it builds.
    const long pr = domctl(XEN_DOMCTL_pausedomain, target);
    check("pausedomain of domain 1", pr == 0, "rc " + n(pr));
    xen_domctl_getdomaininfo info{};
    const bool have = domaininfo(target, info);
    check("getdomaininfo of domain 1 says paused, nothing claimed",
          have && (info.flags & XEN_DOMINF_paused) && info.outstanding_pages == 0,
          "flags " + n(info.flags) + " outstanding " + n(static_cast<long>(info.outstanding_pages)));
    const uint64_t tot0 = info.tot_pages, free0 = free_host();
    std::printf("PROBE info: domain 1 has %lu pages (max %lu); host free %lu, outstanding %lu\n",
                static_cast<unsigned long>(tot0), static_cast<unsigned long>(info.max_pages),
                static_cast<unsigned long>(free0), static_cast<unsigned long>(outstanding_host()));
    check("physinfo: nothing claimed yet", outstanding_host() == 0);
    const long max_gpfn0 = count_op(XENMEM_maximum_gpfn, target); // its special pages lie high

    // 2. max_mem, then claims (libxl: setmaxmem, then xc_domain_claim_pages).
    constexpr uint64_t add = (1u << 18) + 512 + 4 + 1024; // what step 3 populates
    long rc = max_mem(target, tot0 + add + 256);
    check("max_mem of domain 1 raised", rc == 0, "rc " + n(rc));
    rc = claim(target, tot0 + add);
    check("claim_pages for what the build will populate", rc == 0, "rc " + n(rc));
    check("getdomaininfo: outstanding_pages is the claim less what it has", outstanding_of(target) == add,
          n(static_cast<long>(outstanding_of(target))));
    check("physinfo: outstanding_pages is the host's total claim", outstanding_host() == add,
          n(static_cast<long>(outstanding_host())));
    rc = claim(target, tot0 + add);
    check("a second claim is -EINVAL", rc == -EINVAL, "rc " + n(rc));

    // 3. Populate: order 18 (1 GiB, what libxenguest tries first), 9, 0,
    //    and 1024 pages in one call (the hypervisor continues it itself).
    rc = reservation(XENMEM_populate_physmap, target, gfn_1g, 1, 18, XENMEMF_exact_node(0));
    check("populate_physmap of one 1 GiB extent from dom0", rc == 1, "done " + n(rc));
    rc = reservation(XENMEM_populate_physmap, target, gfn_2m, 1, 9, XENMEMF_exact_node(0));
    check("populate_physmap of one 2 MiB extent", rc == 1, "done " + n(rc));
    rc = reservation(XENMEM_populate_physmap, target, gfn_4k, 4, 0);
    check("populate_physmap of four 4 KiB pages", rc == 4, "done " + n(rc));
    rc = reservation(XENMEM_populate_physmap, target, gfn_many, 1024, 0);
    check("populate_physmap of 1024 pages in one call", rc == 1024, "done " + n(rc));
    const uint64_t tot1 = tot_pages_of(target);
    check("the pages are domain 1's", tot1 == tot0 + add, n(static_cast<long>(tot1)) + " pages");
    check("the claim is used up", outstanding_of(target) == 0 && outstanding_host() == 0,
          n(static_cast<long>(outstanding_of(target))) + " / " + n(static_cast<long>(outstanding_host())));
    check("current_reservation says the same", count_op(XENMEM_current_reservation, target) == static_cast<long>(tot1));
    rc = count_op(XENMEM_maximum_gpfn, target);
    const long want_gpfn = std::max(max_gpfn0, static_cast<long>(gfn_1g + (1u << 18) - 1));
    check("maximum_gpfn covers the 1 GiB extent", max_gpfn0 > 0 && rc == want_gpfn,
          n(rc) + ", was " + n(max_gpfn0));
    rc = count_op(XENMEM_maximum_reservation, target);
    check("maximum_reservation is max_mem's", rc == static_cast<long>(tot0 + add + 256), n(rc));

    // 4. The new pages through foreign mapping: zeroed, and writable.
    std::vector<xen_pfn_t> gfns = {gfn_4k, gfn_4k + 3, gfn_2m, gfn_2m + 511, gfn_1g, gfn_1g + 0x3ffff, gfn_many + 1023};
    std::vector<int> errs;
    uint8_t* view = map_foreign(target, gfns, errs);
    bool mapped = view != nullptr, zero = view != nullptr;
    for (size_t i = 0; view && i < gfns.size(); ++i) {
        mapped = mapped && errs[i] == 0;
        zero = zero && errs[i] == 0 && all_zero(view + i * page);
    }
    check("dom0 maps the populated pages", mapped);
    check("and finds them zeroed", zero);
    if (view) {
        view[0] = 0xa5;
        munmap(view, gfns.size() * page);
    }

    // 5. decrease_reservation from dom0: the pages go, a second time nothing.
    rc = reservation(XENMEM_decrease_reservation, target, gfn_4k, 4, 0);
    check("decrease_reservation of the four pages", rc == 4, "done " + n(rc));
    check("the domain has four pages fewer", tot_pages_of(target) == tot1 - 4);
    rc = reservation(XENMEM_decrease_reservation, target, gfn_4k, 1, 0);
    check("decreasing a hole does nothing", rc == 0, "done " + n(rc));
    std::vector<int> e1;
    view = map_foreign(target, {gfn_4k}, e1);
    check("a decreased page cannot be mapped (-EINVAL)", view && e1[0] == -EINVAL, view ? "err " + n(e1[0]) : "");
    if (view) munmap(view, page);
    rc = reservation(XENMEM_populate_physmap, target, gfn_4k, 1, 0);
    view = rc == 1 ? map_foreign(target, {gfn_4k}, e1) : nullptr;
    check("populated again, the page is zeroed (not the 0xa5 written before)",
          view && e1[0] == 0 && all_zero(view), "done " + n(rc));
    if (view) munmap(view, page);

    // 6. Errors: bad domids, bad arguments, the max_pages and claim limits.
    check("populate for a domain that does not exist does nothing",
          reservation(XENMEM_populate_physmap, 77, gfn_4k + 1, 1, 0) == 0);
    check("populate of order 19 (above MAX_ORDER) does nothing",
          reservation(XENMEM_populate_physmap, target, gfn_1g, 1, 19) == 0);
    check("populate with address_bits 12 does nothing",
          reservation(XENMEM_populate_physmap, target, gfn_4k + 1, 1, 0,
                      XENMEMF_address_bits(12)) == 0);
    check("populate of a node the host lacks (exact) does nothing",
          reservation(XENMEM_populate_physmap, target, gfn_4k + 1, 1, 0, XENMEMF_exact_node(1)) == 0);
    check("populate with an unmapped list does nothing", [] {
        std::memset(res, 0, sizeof(*res));
        set_xen_guest_handle(res->extent_start, reinterpret_cast<xen_pfn_t*>(0x10));
        res->nr_extents = 1;
        res->domid = target;
        return memory_op(XENMEM_populate_physmap, res) == 0;
    }());
    rc = max_mem(target, tot_pages_of(target) + 1);
    check("max_mem lowered to one page more than it has", rc == 0);
    check("populate stops at max_pages", reservation(XENMEM_populate_physmap, target, gfn_4k + 1, 2, 0) == 1);
    rc = claim(target, tot_pages_of(target) + 2);
    check("a claim above max_pages is -EINVAL", rc == -EINVAL, "rc " + n(rc));
    rc = claim(target, tot_pages_of(target));
    check("a claim not above what the domain has is -EINVAL", rc == -EINVAL, "rc " + n(rc));
    rc = max_mem(target, ~0u);
    rc = rc ? rc : claim(target, uint64_t{1} << 31);
    check("a claim the host cannot cover is -ENOMEM", rc == -ENOMEM, "rc " + n(rc));
    rc = claim(77, 1000);
    check("claim for a domain that does not exist is -EINVAL", rc == -EINVAL, "rc " + n(rc));
    rc = claim(DOMID_SELF, 1000);
    check("claim for DOMID_SELF is -EINVAL", rc == -EINVAL, "rc " + n(rc));
    std::memset(res, 0, sizeof(*res));
    res->domid = target;
    res->nr_extents = tot_pages_of(target) + 100;
    res->extent_order = 1;
    rc = memory_op(XENMEM_claim_pages, res);
    check("claim with an extent order is -EINVAL", rc == -EINVAL, "rc " + n(rc));
    rc = memory_op(XENMEM_claim_pages, reinterpret_cast<xen_memory_reservation*>(0x10));
    check("claim with an unmapped argument is -EFAULT", rc == -EFAULT, "rc " + n(rc));
    rc = count_op(XENMEM_current_reservation, 77);
    check("current_reservation of a domain that does not exist is -ESRCH", rc == -ESRCH, "rc " + n(rc));

    // 7. The PoD target, as `xl mem-set` sees it.
    rc = pod_op(XENMEM_get_pod_target, target, 0);
    check("get_pod_target of domain 1: its pages, no PoD",
          rc == 0 && pod->tot_pages == tot_pages_of(target) && pod->pod_cache_pages == 0 && pod->pod_entries == 0,
          "rc " + n(rc) + " tot " + n(static_cast<long>(pod->tot_pages)));
    rc = max_mem(target, tot_pages_of(target) + 100);
    rc = rc ? rc : pod_op(XENMEM_set_pod_target, target, tot_pages_of(target) + 101);
    check("set_pod_target above max_mem's is -EINVAL", rc == -EINVAL, "rc " + n(rc));
    rc = pod_op(XENMEM_set_pod_target, target, tot_pages_of(target) - 100);
    check("set_pod_target below what it has changes nothing", rc == 0 && pod->tot_pages == tot_pages_of(target),
          "rc " + n(rc));
    rc = pod_op(XENMEM_get_pod_target, DOMID_SELF, 0);
    check("get_pod_target of dom0 itself", rc == 0 && pod->tot_pages == tot_pages_of(0), "rc " + n(rc));
    rc = pod_op(XENMEM_get_pod_target, 77, 0);
    check("get_pod_target of a domain that does not exist is -ESRCH", rc == -ESRCH, "rc " + n(rc));

    // 8. The memory map: domain 2 waits for this one (guests/memory/toolstack_ops.cpp).
    put_e820(0, 0, 0x2000000, 1);
    put_e820(1, 0xfc000000, 0x1000, 3);
    put_e820(2, 0xc0ffee000, 0x1000, 2); // the marker entry domain 2 looks for
    rc = set_memory_map(reader, 3, e820);
    check("set_memory_map of domain 2", rc == 0, "rc " + n(rc));
    rc = set_memory_map(target, 3, e820);
    check("set_memory_map of domain 1", rc == 0, "rc " + n(rc));
    rc = set_memory_map(target, 1025, e820);
    check("set_memory_map of 1025 entries (E820MAX 1024) is -EINVAL", rc == -EINVAL, "rc " + n(rc));
    rc = set_memory_map(77, 3, e820);
    check("set_memory_map of a domain that does not exist is -ESRCH", rc == -ESRCH, "rc " + n(rc));
    rc = set_memory_map(target, 3, reinterpret_cast<void*>(0x10));
    check("set_memory_map with an unmapped buffer is -EFAULT", rc == -EFAULT, "rc " + n(rc));

    // 9. Destroy: every page back, the claim cancelled.
    rc = max_mem(target, tot_pages_of(target) + 2000);
    rc = rc ? rc : claim(target, tot_pages_of(target) + 1000);
    check("a claim left over before the destroy", rc == 0 && outstanding_host() == 1000, "rc " + n(rc));
    const uint64_t tot_end = tot_pages_of(target), free1 = free_host();
    rc = domctl(XEN_DOMCTL_destroydomain, target);
    check("destroydomain of domain 1", rc == 0, "rc " + n(rc));
    sleep(1);
    const uint64_t free2 = free_host();
    std::printf("PROBE info: before destroy %lu pages in domain 1, host free %lu; after %lu\n",
                static_cast<unsigned long>(tot_end), static_cast<unsigned long>(free1),
                static_cast<unsigned long>(free2));
    check("physinfo: the leftover claim is cancelled", outstanding_host() == 0,
          n(static_cast<long>(outstanding_host())));
    check("every page of domain 1 is free again", free2 >= free1 + tot_end,
          "free went from " + n(static_cast<long>(free1)) + " to " + n(static_cast<long>(free2)) + " for " +
              n(static_cast<long>(tot_end)) + " pages");
    xen_domctl_getdomaininfo gone{};
    check("domain 1 is gone", !domaininfo(target, gone));

    std::printf("PROBE summary: %d/%d\n", passed, checks);
    return passed == checks ? 0 : 1;
}
