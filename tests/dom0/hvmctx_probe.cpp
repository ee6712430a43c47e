// cxen-dom0-hvmctx-probe: run inside dom0 beside the boot-built domU 1
// (guests/control/hvmctx_target.cpp), it makes the calls libxl and
// libxenguest make while building a PVH domU, through privcmd as
// libxencall does, and checks each answer against Xen 4.17's:
//  - the CPU policies (XEN_SYSCTL_get_cpu_policy, get_cpu_featureset), a
//    leaf compared with what this (guest) CPU reports, the domU's policy
//    read and set, bad policies refused with the leaf named;
//  - the domU's HVM context, paused: the size query, a short buffer, a
//    full read in Xen's record order, bad records refused, the first half
//    of vcpu_hvm ([HEADER, MTRR, END]), then the context written back
//    unchanged, read again, and the domain unpaused (the domU then passes
//    only if it still runs);
//  - the HVM params libxl sets, read back, with Xen's errors for the bad;
//  - once the domU asks (it sets its STORE_EVTCHN to 0x5a), libxenguest's
//    vcpu_hvm on it: [HEADER, MTRR(0), END] and [HEADER, CPU(0), END] at
//    the PVH entry with rbx = start_info (both from the hypervisor's log),
//    which restarts the domU's kernel at its entry.
// Each check prints "PROBE ok <what>" or "PROBE FAIL <what>: ..."; the
// last line is "PROBE summary: <passed>/<n>"; exit status 0 only if all
// passed. Static (tests/dom0/CMakeLists.txt).
#define __XEN_TOOLS__ 1
#include <cstddef>
#include <cstdint>
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/hvm/save.h>
#include <xen/sys/privcmd.h>

#include <cerrno>
#include <cpuid.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr domid_t domu = 1;
/// What the domU waits for (guests/control/hvmctx_target.cpp).
constexpr uint64_t store_pfn = 0xfeffc, console_evtchn = 7;
/// HVM_PARAM_STORE_EVTCHN the domU sets when it wants its restart.
constexpr uint64_t restart_marker = 0x5a;

int privcmd = -1;
int checks = 0, passed = 0;

long hypercall(unsigned long op, unsigned long a0 = 0, unsigned long a1 = 0) {
    privcmd_hypercall_t call{};
    call.op = op;
    call.arg[0] = a0;
    call.arg[1] = a1;
    const long r = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &call);
    return r < 0 ? -errno : r;
}

void check(const std::string& what, bool ok, const std::string& detail = "") {
    ++checks;
    if (ok) ++passed;
    std::printf("PROBE %s %s%s%s\n", ok ? "ok" : "FAIL", what.c_str(), ok || detail.empty() ? "" : ": ",
                ok ? "" : detail.c_str());
    std::fflush(stdout);
}
void expect_rc(const std::string& what, long got, long want) {
    check(what, got == want, "got " + std::to_string(got) + ", want " + std::to_string(want));
}

/// Locked pages for hypercall arguments, as libxencall's buffers.
void* buffer(size_t bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    std::memset(p, 0, bytes);
    return p;
}

xen_domctl* d;
xen_sysctl* s;

long domctl(uint32_t cmd, domid_t domid) {
    d->cmd = cmd;
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    d->domain = domid;
    return hypercall(__HYPERVISOR_domctl, reinterpret_cast<unsigned long>(d));
}
long sysctl(uint32_t cmd) {
    s->cmd = cmd;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return hypercall(__HYPERVISOR_sysctl, reinterpret_cast<unsigned long>(s));
}
long set_param(domid_t domid, uint32_t index, uint64_t value, xen_hvm_param_t* p) {
    *p = {};
    p->domid = domid;
    p->index = index;
    p->value = value;
    return hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, reinterpret_cast<unsigned long>(p));
}
long get_param(domid_t domid, uint32_t index, xen_hvm_param_t* p) {
    *p = {};
    p->domid = domid;
    p->index = index;
    return hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, reinterpret_cast<unsigned long>(p));
}

const xen_cpuid_leaf_t* find_leaf(const xen_cpuid_leaf_t* l, uint32_t n, uint32_t leaf, uint32_t sub) {
    for (uint32_t i = 0; i < n; ++i)
        if (l[i].leaf == leaf && l[i].subleaf == sub) return &l[i];
    return nullptr;
}

/// The records of a save stream: offsets of each descriptor.
std::vector<size_t> records(const uint8_t* buf, size_t size) {
    std::vector<size_t> out;
    for (size_t off = 0; off + sizeof(hvm_save_descriptor) <= size;) {
        hvm_save_descriptor desc;
        std::memcpy(&desc, buf + off, sizeof(desc));
        out.push_back(off);
        if (desc.typecode == 0) break;
        off += sizeof(desc) + desc.length;
    }
    return out;
}
const hvm_save_descriptor* desc_at(const uint8_t* buf, size_t off) {
    return reinterpret_cast<const hvm_save_descriptor*>(buf + off);
}

void cpu_policy_checks() {
    auto* leaves = static_cast<xen_cpuid_leaf_t*>(buffer(8192));
    auto* msrs = static_cast<xen_msr_entry_t*>(buffer(4096));
    std::memset(s, 0, sizeof(*s));
    s->u.cpu_policy.index = XEN_SYSCTL_cpu_policy_hvm_default;
    expect_rc("get_cpu_policy with NULL handles", sysctl(XEN_SYSCTL_get_cpu_policy), 0);
    check("NULL handles give 120 leaves and 2 MSRs (Xen 4.17's maxima)",
          s->u.cpu_policy.nr_leaves == 120 && s->u.cpu_policy.nr_msrs == 2,
          std::to_string(s->u.cpu_policy.nr_leaves) + "/" + std::to_string(s->u.cpu_policy.nr_msrs));
    s->u.cpu_policy.nr_leaves = 120;
    s->u.cpu_policy.nr_msrs = 2;
    set_xen_guest_handle(s->u.cpu_policy.leaves, leaves);
    set_xen_guest_handle(s->u.cpu_policy.msrs, msrs);
    expect_rc("get_cpu_policy hvm_default", sysctl(XEN_SYSCTL_get_cpu_policy), 0);
    const uint32_t n = s->u.cpu_policy.nr_leaves;
    bool in_range = n > 20;
    for (uint32_t i = 0; i < n; ++i) {
        const uint32_t l = leaves[i].leaf, sub = leaves[i].subleaf;
        const bool ok = (l <= 0xd && ((l == 4 && sub < 6) || (l == 7 && sub < 3) || (l == 0xb && sub < 2) ||
                                      (l == 0xd && sub < 63) || sub == XEN_CPUID_NO_SUBLEAF)) ||
                        ((l == 0x40000000 || l == 0x40000100) && sub == XEN_CPUID_NO_SUBLEAF) ||
                        (l >= 0x80000000 && l <= 0x80000021 && sub == XEN_CPUID_NO_SUBLEAF);
        if (!ok) in_range = false;
    }
    check("hvm_default has only leaves the 4.17 tools' deserialiser accepts (" + std::to_string(n) + ")", in_range);
    // This vCPU's own CPUID (dom0 has no policy set): the same features.
    unsigned a, b, c, dd;
    __cpuid(0, a, b, c, dd);
    const xen_cpuid_leaf_t* l0 = find_leaf(leaves, n, 0, XEN_CPUID_NO_SUBLEAF);
    check("hvm_default leaf 0 names this CPU's vendor", l0 && l0->b == b && l0->c == c && l0->d == dd);
    __cpuid(1, a, b, c, dd);
    const xen_cpuid_leaf_t* l1 = find_leaf(leaves, n, 1, XEN_CPUID_NO_SUBLEAF);
    check("hvm_default leaf 1 EDX is what a guest vCPU sees", l1 && l1->d == dd,
          l1 ? std::to_string(l1->d) + " vs " + std::to_string(dd) : "no leaf 1");
    __cpuid(0x80000001, a, b, c, dd);
    const xen_cpuid_leaf_t* e1 = find_leaf(leaves, n, 0x80000001, XEN_CPUID_NO_SUBLEAF);
    check("hvm_default leaf 0x80000001 ECX is what a guest vCPU sees (no SVM)", e1 && e1->c == c && !(c & 4));
    s->u.cpu_policy.nr_leaves = 3;
    expect_rc("get_cpu_policy into 3 entries is -ENOBUFS", sysctl(XEN_SYSCTL_get_cpu_policy), -ENOBUFS);
    s->u.cpu_policy.index = XEN_SYSCTL_cpu_policy_pv_max;
    s->u.cpu_policy.nr_leaves = 120;
    expect_rc("get_cpu_policy pv_max is -EOPNOTSUPP (no PV)", sysctl(XEN_SYSCTL_get_cpu_policy), -EOPNOTSUPP);
    s->u.cpu_policy.index = 6;
    expect_rc("get_cpu_policy index 6 is -EINVAL", sysctl(XEN_SYSCTL_get_cpu_policy), -EINVAL);

    std::memset(s, 0, sizeof(*s));
    s->u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_host;
    expect_rc("get_cpu_featureset NULL", sysctl(XEN_SYSCTL_get_cpu_featureset), 0);
    check("the featureset has 19 words", s->u.cpu_featureset.nr_features == 19);
    auto* words = static_cast<uint32_t*>(buffer(4096));
    set_xen_guest_handle(s->u.cpu_featureset.features, words);
    s->u.cpu_featureset.nr_features = 4;
    expect_rc("get_cpu_featureset into 4 words is -ENOBUFS (libxl tolerates it)",
              sysctl(XEN_SYSCTL_get_cpu_featureset), -ENOBUFS);

    // The domU's policy, then libxl's set of hvm_default.
    std::memset(d, 0, sizeof(*d));
    d->u.cpu_policy.nr_leaves = 120;
    d->u.cpu_policy.nr_msrs = 2;
    set_xen_guest_handle(d->u.cpu_policy.leaves, leaves);
    set_xen_guest_handle(d->u.cpu_policy.msrs, msrs);
    expect_rc("domctl get_cpu_policy of the domU", domctl(XEN_DOMCTL_get_cpu_policy, domu), 0);
    check("the domU's policy is hvm_default (none set)", d->u.cpu_policy.nr_leaves == n);
    // Set it back with libxl's kind of change: leaf 1 EBX's logical count.
    for (uint32_t i = 0; i < n; ++i)
        if (leaves[i].leaf == 1) leaves[i].b = (leaves[i].b & 0xff00ffffu) | (2u << 16);
    d->u.cpu_policy.nr_leaves = n;
    d->u.cpu_policy.nr_msrs = 0;
    expect_rc("set_cpu_policy of hvm_default with libxl's tweak", domctl(XEN_DOMCTL_set_cpu_policy, domu), 0);
    leaves[0] = {0, XEN_CPUID_NO_SUBLEAF, 0x7fffffff, 0, 0, 0};
    d->u.cpu_policy.nr_leaves = 1;
    expect_rc("set_cpu_policy above hvm_max's max leaf is -EINVAL", domctl(XEN_DOMCTL_set_cpu_policy, domu), -EINVAL);
    check("and names leaf 0 in err_leaf", d->u.cpu_policy.err_leaf == 0 &&
                                              d->u.cpu_policy.err_subleaf == XEN_CPUID_NO_SUBLEAF);
    leaves[0] = {0x80000022, XEN_CPUID_NO_SUBLEAF, 0, 0, 0, 0};
    expect_rc("set_cpu_policy with a leaf outside the policy is -ERANGE", domctl(XEN_DOMCTL_set_cpu_policy, domu),
              -ERANGE);
    check("and names it in err_leaf", d->u.cpu_policy.err_leaf == 0x80000022);
    expect_rc("set_cpu_policy of dom0 itself is -EINVAL", domctl(XEN_DOMCTL_set_cpu_policy, 0), -EINVAL);
}

void hvm_context_checks() {
    expect_rc("pausedomain of the domU", domctl(XEN_DOMCTL_pausedomain, domu), 0);
    std::memset(d, 0, sizeof(*d));
    expect_rc("gethvmcontext with a NULL buffer", domctl(XEN_DOMCTL_gethvmcontext, domu), 0);
    const uint32_t size = d->u.hvmcontext.size;
    check("gives a size", size > sizeof(hvm_save_header), std::to_string(size));
    auto* buf = static_cast<uint8_t*>(buffer(65536));
    auto* saved = static_cast<uint8_t*>(buffer(65536));
    if (size > 65536) return;
    d->u.hvmcontext.size = size - 1;
    set_xen_guest_handle(d->u.hvmcontext.buffer, buf);
    expect_rc("gethvmcontext into a buffer one byte short is -ENOSPC", domctl(XEN_DOMCTL_gethvmcontext, domu),
              -ENOSPC);
    d->u.hvmcontext.size = size;
    expect_rc("gethvmcontext", domctl(XEN_DOMCTL_gethvmcontext, domu), 0);
    const uint32_t len = d->u.hvmcontext.size;
    std::memcpy(saved, buf, len);
    const std::vector<size_t> recs = records(buf, len);
    check("HEADER comes first", !recs.empty() && desc_at(buf, recs[0])->typecode == 1 &&
                                    desc_at(buf, recs[0])->length == sizeof(hvm_save_header));
    check("END comes last, at the size reported", !recs.empty() && desc_at(buf, recs.back())->typecode == 0 &&
                                                      recs.back() + sizeof(hvm_save_descriptor) == len);
    size_t cpu0 = 0, mtrr0 = 0;
    uint16_t last_type = 0;
    bool ordered = true;
    for (size_t off : recs) {
        const hvm_save_descriptor* dd = desc_at(buf, off);
        if (dd->typecode && dd->typecode < last_type) ordered = false;
        if (dd->typecode) last_type = dd->typecode;
        if (dd->typecode == 2 && dd->instance == 0) cpu0 = off;
        if (dd->typecode == 14 && dd->instance == 0) mtrr0 = off;
    }
    check("records in Xen's order (by typecode)", ordered);
    check("a CPU record for vCPU 0", cpu0 && desc_at(buf, cpu0)->length == sizeof(hvm_hw_cpu));
    check("an MTRR record for vCPU 0", mtrr0 && desc_at(buf, mtrr0)->length == sizeof(hvm_hw_mtrr));
    if (!cpu0 || !mtrr0) return;
    hvm_hw_cpu cpu;
    std::memcpy(&cpu, buf + cpu0 + sizeof(hvm_save_descriptor), sizeof(cpu));
    hvm_hw_mtrr mtrr;
    std::memcpy(&mtrr, buf + mtrr0 + sizeof(hvm_save_descriptor), sizeof(mtrr));
    check("vCPU 0's record holds a running guest (CR0.PE and ET, a present CS)",
          (cpu.cr0 & 0x11) == 0x11 && (cpu.cs_arbytes & 0x80) && (cpu.flags & XEN_X86_FPU_INITIALISED));
    check("MTRR carries the guest's real PAT", mtrr.msr_pat_cr == 0x0007040600070406ull,
          std::to_string(mtrr.msr_pat_cr));
    check("MTRRcap has 8 variable ranges", (mtrr.msr_mtrr_cap & 0xff) == 8);

    std::memset(d, 0, sizeof(*d));
    expect_rc("gethvmcontext of dom0 itself is -EINVAL", domctl(XEN_DOMCTL_gethvmcontext, 0), -EINVAL);
    d->u.hvmcontext_partial.type = 14;
    d->u.hvmcontext_partial.instance = 0;
    expect_rc("gethvmcontext_partial MTRR(0) size", domctl(XEN_DOMCTL_gethvmcontext_partial, domu), 0);
    check("is the MTRR record's", d->u.hvmcontext_partial.bufsz == sizeof(hvm_hw_mtrr));

    // Bad streams. A bad header is refused before anything changes; a bad
    // record after the vCPUs were taken down (Xen's hvm_load): the good
    // write-back below brings them up again.
    auto load = [&](const uint8_t* stream, uint32_t n) {
        std::memcpy(buf, stream, n);
        std::memset(d, 0, sizeof(*d));
        d->u.hvmcontext.size = n;
        set_xen_guest_handle(d->u.hvmcontext.buffer, buf);
        return domctl(XEN_DOMCTL_sethvmcontext, domu);
    };
    std::vector<uint8_t> bad(saved, saved + len);
    reinterpret_cast<hvm_save_header*>(bad.data() + sizeof(hvm_save_descriptor))->magic ^= 1;
    expect_rc("sethvmcontext with a bad magic is -EINVAL", load(bad.data(), len), -EINVAL);
    expect_rc("sethvmcontext without END is -ENODATA", load(saved, len - sizeof(hvm_save_descriptor)), -ENODATA);
    bad.assign(saved, saved + len);
    reinterpret_cast<hvm_hw_cpu*>(bad.data() + cpu0 + sizeof(hvm_save_descriptor))->cr0 &= ~0x10ull; // no ET
    expect_rc("sethvmcontext with a CPU record without CR0.ET is -EINVAL", load(bad.data(), len), -EINVAL);
    bad.assign(saved, saved + len);
    reinterpret_cast<hvm_hw_cpu*>(bad.data() + cpu0 + sizeof(hvm_save_descriptor))->pad0 = 1;
    expect_rc("sethvmcontext with pad0 set is -EINVAL", load(bad.data(), len), -EINVAL);
    bad.assign(saved, saved + len);
    reinterpret_cast<hvm_save_descriptor*>(bad.data() + cpu0)->instance = 99;
    expect_rc("sethvmcontext for a vCPU the domain lacks is -EINVAL", load(bad.data(), len), -EINVAL);
    bad.assign(saved, saved + len);
    reinterpret_cast<hvm_save_descriptor*>(bad.data() + cpu0)->typecode = 99;
    expect_rc("sethvmcontext with an unknown typecode is -EINVAL", load(bad.data(), len), -EINVAL);
    // libxenguest's vcpu_hvm first step: [HEADER, MTRR(0), END].
    std::vector<uint8_t> mtrr_only(saved, saved + recs[1]);
    const size_t mtrr_len = sizeof(hvm_save_descriptor) + sizeof(hvm_hw_mtrr);
    mtrr_only.insert(mtrr_only.end(), saved + mtrr0, saved + mtrr0 + mtrr_len);
    mtrr_only.insert(mtrr_only.end(), saved + recs.back(), saved + len);
    expect_rc("sethvmcontext [HEADER, MTRR(0), END] as vcpu_hvm", load(mtrr_only.data(), uint32_t(mtrr_only.size())),
              0);
    expect_rc("sethvmcontext of dom0 itself is -EINVAL", [&] {
        std::memset(d, 0, sizeof(*d));
        d->u.hvmcontext.size = len;
        set_xen_guest_handle(d->u.hvmcontext.buffer, saved);
        return domctl(XEN_DOMCTL_sethvmcontext, 0);
    }(), -EINVAL);
    expect_rc("sethvmcontext of the context read, unchanged", load(saved, len), 0);
    std::memset(d, 0, sizeof(*d));
    d->u.hvmcontext.size = size;
    set_xen_guest_handle(d->u.hvmcontext.buffer, buf);
    expect_rc("gethvmcontext again", domctl(XEN_DOMCTL_gethvmcontext, domu), 0);
    hvm_hw_cpu again;
    std::memcpy(&again, buf + cpu0 + sizeof(hvm_save_descriptor), sizeof(again));
    check("vCPU 0's registers came back as saved", d->u.hvmcontext.size == len && again.rip == cpu.rip &&
          again.rsp == cpu.rsp && again.cr3 == cpu.cr3 && again.cs_arbytes == cpu.cs_arbytes &&
          std::memcmp(again.fpu_regs, cpu.fpu_regs, sizeof(cpu.fpu_regs)) == 0);
}

void param_checks() {
    auto* p = static_cast<xen_hvm_param_t*>(buffer(4096));
    const struct {
        uint32_t index;
        uint64_t value;
    } sets[] = {{HVM_PARAM_TIMER_MODE, HVMPTM_no_delay_for_missed_ticks},
                {HVM_PARAM_ALTP2M, 0},
                {HVM_PARAM_STORE_PFN, store_pfn},
                {HVM_PARAM_BUFIOREQ_PFN, 0xfeffb},
                {HVM_PARAM_IOREQ_PFN, 0xfeffd},
                {HVM_PARAM_CONSOLE_PFN, 0xfefff},
                {HVM_PARAM_PAGING_RING_PFN, 0xfeff8},
                {HVM_PARAM_MONITOR_RING_PFN, 0xfeff9},
                {HVM_PARAM_SHARING_RING_PFN, 0xfeffa},
                {HVM_PARAM_IDENT_PT, 0xfeffe000},
                {HVM_PARAM_CONSOLE_EVTCHN, console_evtchn}};
    bool all_set = true, all_back = true;
    for (const auto& e : sets) {
        if (set_param(domu, e.index, e.value, p) != 0) all_set = false;
        if (get_param(domu, e.index, p) != 0 || p->value != e.value) all_back = false;
    }
    check("libxl's params set on the domU", all_set);
    check("and read back", all_back);
    expect_rc("IOREQ_PFN changed again is -EEXIST", set_param(domu, HVM_PARAM_IOREQ_PFN, 0x1234, p), -EEXIST);
    expect_rc("TIMER_MODE 4 is -EINVAL", set_param(domu, HVM_PARAM_TIMER_MODE, 4, p), -EINVAL);
    expect_rc("ALTP2M 1 is -EINVAL (no altp2m)", set_param(domu, HVM_PARAM_ALTP2M, 1, p), -EINVAL);
    expect_rc("deprecated DM_DOMAIN is -EINVAL", set_param(domu, 13, 0, p), -EINVAL);
    expect_rc("set_param of an absent domain is -ESRCH", set_param(0x7000, HVM_PARAM_STORE_PFN, 1, p), -ESRCH);
}

/// The domU's entry and start_info as the hypervisor's builder logged them
/// ("d1: 'target': PVH, ..., entry 0x..., start info 0x..."), read from
/// the console history with XEN_SYSCTL_readconsole, as `xl dmesg`.
bool domu_entry(uint64_t& entry, uint64_t& start_info) {
    auto* ring = static_cast<char*>(buffer(1 << 20));
    std::memset(s, 0, sizeof(*s));
    set_xen_guest_handle(s->u.readconsole.buffer, ring);
    s->u.readconsole.count = (1 << 20) - 1;
    if (sysctl(XEN_SYSCTL_readconsole) != 0) return false;
    ring[s->u.readconsole.count] = 0;
    const char* line = std::strstr(ring, "d1: 'target': PVH");
    const char* e = line ? std::strstr(line, "entry 0x") : nullptr;
    const char* si = line ? std::strstr(line, "start info 0x") : nullptr;
    if (!e || !si) return false;
    entry = std::strtoull(e + 6, nullptr, 16);
    start_info = std::strtoull(si + 11, nullptr, 16);
    return true;
}

/// libxenguest's vcpu_hvm (xg_dom_x86.c) on the running domU once it asks:
/// [HEADER, MTRR(0) with def_type WB|E, END], then [HEADER, CPU(0), END]
/// with 32-bit flat protected mode at the PVH entry, rbx = start_info.
void vcpu_hvm_restart() {
    auto* p = static_cast<xen_hvm_param_t*>(buffer(4096));
    bool asked = false;
    for (int i = 0; i < 600 && !asked; ++i) {
        asked = get_param(domu, HVM_PARAM_STORE_EVTCHN, p) == 0 && p->value == restart_marker;
        if (!asked) usleep(100000);
    }
    check("the domU ran after the unpause and asks for vcpu_hvm", asked);
    uint64_t entry = 0, start_info = 0;
    check("its entry and start_info are in the hypervisor's log", domu_entry(entry, start_info));
    if (!asked || !entry) return;
    expect_rc("pausedomain for vcpu_hvm", domctl(XEN_DOMCTL_pausedomain, domu), 0);
    auto* buf = static_cast<uint8_t*>(buffer(65536));
    std::memset(d, 0, sizeof(*d));
    d->u.hvmcontext.size = 65536;
    set_xen_guest_handle(d->u.hvmcontext.buffer, buf);
    expect_rc("gethvmcontext for vcpu_hvm", domctl(XEN_DOMCTL_gethvmcontext, domu), 0);
    const std::vector<size_t> recs = records(buf, d->u.hvmcontext.size);
    size_t mtrr0 = 0;
    for (size_t off : recs)
        if (desc_at(buf, off)->typecode == 14 && desc_at(buf, off)->instance == 0) mtrr0 = off;
    if (recs.size() < 2 || !mtrr0) return;
    const size_t hdr_len = recs[1], desc_len = sizeof(hvm_save_descriptor);
    std::vector<uint8_t> header(buf, buf + hdr_len);
    const hvm_save_descriptor end{0, 0, 0};
    auto* stream = static_cast<uint8_t*>(buffer(65536));
    auto load = [&](uint16_t type, const void* body, uint32_t len) {
        size_t n = 0;
        std::memcpy(stream, header.data(), hdr_len);
        n += hdr_len;
        const hvm_save_descriptor dsc{type, 0, len};
        std::memcpy(stream + n, &dsc, desc_len);
        std::memcpy(stream + n + desc_len, body, len);
        n += desc_len + len;
        std::memcpy(stream + n, &end, desc_len);
        n += desc_len;
        std::memset(d, 0, sizeof(*d));
        d->u.hvmcontext.size = uint32_t(n);
        set_xen_guest_handle(d->u.hvmcontext.buffer, stream);
        return domctl(XEN_DOMCTL_sethvmcontext, domu);
    };
    hvm_hw_mtrr mtrr;
    std::memcpy(&mtrr, buf + mtrr0 + desc_len, sizeof(mtrr));
    mtrr.msr_mtrr_def_type = 6 | (1u << 11); // WB, enabled
    expect_rc("vcpu_hvm's [HEADER, MTRR(0), END]", load(14, &mtrr, sizeof(mtrr)), 0);
    hvm_hw_cpu cpu{};
    cpu.cr0 = 0x11; // PE | ET
    cpu.cs_limit = cpu.ds_limit = cpu.es_limit = cpu.ss_limit = ~0u;
    cpu.tr_limit = 0x67;
    cpu.cs_arbytes = 0xc9b;
    cpu.ds_arbytes = cpu.es_arbytes = cpu.ss_arbytes = 0xc93;
    cpu.tr_arbytes = 0x8b;
    cpu.rip = entry;
    cpu.rbx = start_info;
    cpu.dr6 = 0xffff0ff0;
    cpu.dr7 = 0x400;
    expect_rc("vcpu_hvm's [HEADER, CPU(0) at the PVH entry, END]", load(2, &cpu, sizeof(cpu)), 0);
    expect_rc("unpausedomain after vcpu_hvm", domctl(XEN_DOMCTL_unpausedomain, domu), 0);
}

} // namespace

int main() {
    privcmd = open("/dev/xen/privcmd", O_RDWR);
    if (privcmd < 0) privcmd = open("/proc/xen/privcmd", O_RDWR);
    if (privcmd < 0) {
        std::perror("PROBE FAIL open privcmd");
        return 2;
    }
    d = static_cast<xen_domctl*>(buffer(4096));
    s = static_cast<xen_sysctl*>(buffer(4096));
    if (!d || !s) return 2;
    cpu_policy_checks();
    hvm_context_checks();
    param_checks(); // the domU's signal: it passes once it reads STORE_PFN and CONSOLE_EVTCHN
    expect_rc("unpausedomain of the domU", domctl(XEN_DOMCTL_unpausedomain, domu), 0);
    vcpu_hvm_restart();
    std::printf("PROBE summary: %d/%d\n", passed, checks);
    return passed == checks ? 0 : 1;
}
