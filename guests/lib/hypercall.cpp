#include "hypercall.hpp"

#include "console.hpp"
#include "trap.hpp"
#include "x86.hpp"

namespace cxen::guest {

namespace {

constinit XenInfo xen_info{};
constinit HypercallMode mode = HypercallMode::none;
constinit bool page_installed = false;

// Xen writes 32-byte stubs here, one per hypercall number (xen.h: at most
// 128 fit a page); leaf base+2 may announce more pages, only the first is used.
alignas(4096) constinit uint8_t hypercall_page[4096]{};
constexpr unsigned stub_size = 32;

constexpr uint32_t le32(const char* s) {
    return uint32_t(uint8_t(s[0])) | uint32_t(uint8_t(s[1])) << 8 | uint32_t(uint8_t(s[2])) << 16 |
           uint32_t(uint8_t(s[3])) << 24;
}

/// CPUID leaf 0 spells the vendor in EBX, EDX, ECX.
bool vendor_is(const x86::CpuidResult& r, const char (&name)[13]) {
    return r.ebx == le32(name) && r.edx == le32(name + 4) && r.ecx == le32(name + 8);
}

Errno install_hypercall_page() {
    if (page_installed) return Errno::OK;
    const uint32_t msr = xen_info.hypercall_msr;
    const uint64_t pa = reinterpret_cast<uintptr_t>(hypercall_page); // identity-mapped
    FaultInfo f = catch_fault([&] { x86::wrmsr(msr, pa); });
    if (f.faulted) {
        printf("hypercall page: WRMSR %#x <- %#lx raised %s\n", msr, pa, exception_name(f.vector));
        return Errno::XEN_EIO;
    }
    bool written = false;
    for (uint8_t b : hypercall_page) written |= b != 0;
    if (!written) {
        printf("hypercall page: WRMSR %#x <- %#lx left the page empty\n", msr, pa);
        return Errno::XEN_EIO;
    }
    page_installed = true;
    return Errno::OK;
}

} // namespace

XenInfo detect_xen() {
    XenInfo info;
    for (uint32_t base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_FIRST_LEAF + 0x10000; base += 0x100) {
        x86::CpuidResult r = x86::cpuid(base);
        if (r.ebx != XEN_CPUID_SIGNATURE_EBX || r.ecx != XEN_CPUID_SIGNATURE_ECX ||
            r.edx != XEN_CPUID_SIGNATURE_EDX)
            continue;
        if (r.eax < base + 2) continue; // Linux also insists on the leaves up to base+2
        info.present = true;
        info.cpuid_base = base;
        info.max_leaf = r.eax;
        info.version = x86::cpuid(base + 1).eax;
        x86::CpuidResult hc = x86::cpuid(base + 2);
        info.hypercall_pages = hc.eax;
        info.hypercall_msr = hc.ebx;
        break;
    }
    return info;
}

const XenInfo& xen() { return xen_info; }
void set_xen_info(const XenInfo& info) { xen_info = info; }

const char* hypercall_mode_name(HypercallMode m) {
    switch (m) {
    case HypercallMode::none: return "none";
    case HypercallMode::vmmcall: return "vmmcall";
    case HypercallMode::vmcall: return "vmcall";
    case HypercallMode::page: return "page";
    }
    return "?";
}

HypercallMode default_hypercall_mode() {
    if (!xen_info.present) return HypercallMode::none;
    x86::CpuidResult v = x86::cpuid(0);
    if (vendor_is(v, "AuthenticAMD") || vendor_is(v, "HygonGenuine")) return HypercallMode::vmmcall;
    return HypercallMode::vmcall;
}

HypercallMode hypercall_mode() { return mode; }

Errno set_hypercall_mode(HypercallMode m) {
    if (m == HypercallMode::none) {
        mode = m;
        return Errno::OK;
    }
    if (!xen_info.present) return Errno::XEN_ENOSYS;
    if (m == HypercallMode::page) {
        Errno e = install_hypercall_page();
        if (e != Errno::OK) return e;
    }
    mode = m;
    return Errno::OK;
}

long hypercall(unsigned op, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5) {
    // All five argument registers are in/out: debug builds of Xen deliberately
    // clobber the ones a hypercall does not use.
    register uint64_t rdi asm("rdi") = a1;
    register uint64_t rsi asm("rsi") = a2;
    register uint64_t rdx asm("rdx") = a3;
    register uint64_t r10 asm("r10") = a4;
    register uint64_t r8 asm("r8") = a5;
    uint64_t rax = op;
    switch (mode) {
    case HypercallMode::none:
        return -static_cast<long>(Errno::XEN_ENOSYS);
    case HypercallMode::vmmcall:
        asm volatile("vmmcall"
                     : "+a"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8)
                     :
                     : "memory", "cc");
        break;
    case HypercallMode::vmcall:
        asm volatile("vmcall"
                     : "+a"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8)
                     :
                     : "memory", "cc");
        break;
    case HypercallMode::page: {
        if (op >= sizeof(hypercall_page) / stub_size) return -static_cast<long>(Errno::XEN_ENOSYS);
        const uint8_t* entry = hypercall_page + op * stub_size;
        // The stub is `mov $op, %eax; vmmcall (or vmcall); ret`; treat it as
        // a call that may clobber the other caller-saved registers too.
        asm volatile("call *%[entry]"
                     : "+a"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8)
                     : [entry] "r"(entry)
                     : "memory", "cc", "rcx", "r9", "r11");
        break;
    }
    }
    return static_cast<long>(rax);
}

long hvm_get_param(uint32_t index, uint64_t& value) {
    xen_hvm_param_t p{};
    p.domid = DOMID_SELF;
    p.index = index;
    long rc = HYPERVISOR_hvm_op(HVMOP_get_param, &p);
    if (rc == 0) value = p.value;
    return rc;
}

} // namespace cxen::guest
