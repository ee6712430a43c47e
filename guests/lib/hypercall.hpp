// Hypercalls from a PVH guest, 64-bit ABI: number in RAX, arguments in RDI,
// RSI, RDX, R10, R8, result in RAX (0 or a negative Xen errno, or a value).
// Source: Xen public/arch-x86/xen-x86_64.h; Linux
// arch/x86/include/asm/xen/hypercall.h for the instruction choice.
//
// Three ways to trap to Xen (HypercallMode): VMMCALL on AMD/Hygon and VMCALL
// on everything else, chosen by the CPUID vendor as Linux 6.1.121+ does (the
// default), or the hypercall page that Xen writes when the guest names a page
// in the MSR of CPUID leaf base+2 (the portable way; a test asks for it with
// set_hypercall_mode(HypercallMode::page) or `hypercall=page`).
//
// Without Xen (no CPUID signature) every hypercall returns -ENOSYS without
// executing anything, so a test that forgets SKIP_UNLESS_XEN() fails cleanly
// instead of taking #UD.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "xen.hpp"

namespace cxen::guest {

/// What CPUID says about the hypervisor. Filled once at boot (guest_main).
struct XenInfo {
    bool present = false;
    uint32_t cpuid_base = 0;      ///< 0x40000000 + n * 0x100 where the signature was found
    uint32_t max_leaf = 0;        ///< EAX of the base leaf
    uint32_t version = 0;         ///< EAX of base+1: major << 16 | minor
    uint32_t hypercall_pages = 0; ///< EAX of base+2: pages in the hypercall area
    uint32_t hypercall_msr = 0;   ///< EBX of base+2: MSR that installs a hypercall page
};

/// Scan CPUID 0x40000000..0x4000ff00 in steps of 0x100 for "XenVMMXenVMM"
/// with at least the leaves up to base+2, as Linux's xen_cpuid_base() does
/// (but without first requiring CPUID.1:ECX.hypervisor, so that a hypervisor
/// forgetting that bit is still found; smoke tests check the bit).
[[nodiscard]] XenInfo detect_xen();

/// The detection result of this boot.
const XenInfo& xen();
void set_xen_info(const XenInfo& info); ///< for guest_main only

enum class HypercallMode : uint8_t {
    none,    ///< no Xen: hypercalls return -ENOSYS
    vmmcall, ///< VMMCALL (0f 01 d9), AMD SVM
    vmcall,  ///< VMCALL (0f 01 c1), Intel VMX
    page,    ///< call hypercall_page + 32 * op
};

const char* hypercall_mode_name(HypercallMode m);
/// VMMCALL on "AuthenticAMD"/"HygonGenuine", VMCALL otherwise; none without Xen.
HypercallMode default_hypercall_mode();
HypercallMode hypercall_mode();

/// Switch how hypercalls are issued. For `page`, installs the hypercall page
/// on first use (WRMSR of its physical address to XenInfo::hypercall_msr).
/// Errors: -ENOSYS no Xen; -EIO the WRMSR faulted or left the page empty
/// (the reason is printed).
[[nodiscard]] Errno set_hypercall_mode(HypercallMode m);

/// Restores the previous mode when it goes out of scope.
class ScopedHypercallMode {
  public:
    explicit ScopedHypercallMode(HypercallMode m) : saved_(hypercall_mode()), status_(set_hypercall_mode(m)) {}
    ~ScopedHypercallMode() { (void)set_hypercall_mode(saved_); }
    ScopedHypercallMode(const ScopedHypercallMode&) = delete;
    ScopedHypercallMode& operator=(const ScopedHypercallMode&) = delete;
    /// Errno::OK if the requested mode is active.
    Errno status() const { return status_; }

  private:
    HypercallMode saved_;
    Errno status_;
};

/// One hypercall argument register: any integer, enum or pointer (pointers
/// are guest-virtual addresses; identity-mapped here, so also guest-physical).
struct HypercallArg {
    uint64_t value;
    template <typename T>
        requires std::is_integral_v<T> || std::is_enum_v<T>
    constexpr HypercallArg(T v) : value(static_cast<uint64_t>(v)) {}
    HypercallArg(const volatile void* p) : value(reinterpret_cast<uintptr_t>(p)) {}
    constexpr HypercallArg(std::nullptr_t) : value(0) {}
};

/// Issue hypercall `op` in the current mode. Returns RAX.
long hypercall(unsigned op, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

inline long hypercall0(unsigned op) { return hypercall(op, 0, 0, 0, 0, 0); }
inline long hypercall1(unsigned op, HypercallArg a1) { return hypercall(op, a1.value, 0, 0, 0, 0); }
inline long hypercall2(unsigned op, HypercallArg a1, HypercallArg a2) {
    return hypercall(op, a1.value, a2.value, 0, 0, 0);
}
inline long hypercall3(unsigned op, HypercallArg a1, HypercallArg a2, HypercallArg a3) {
    return hypercall(op, a1.value, a2.value, a3.value, 0, 0);
}
inline long hypercall4(unsigned op, HypercallArg a1, HypercallArg a2, HypercallArg a3,
                       HypercallArg a4) {
    return hypercall(op, a1.value, a2.value, a3.value, a4.value, 0);
}
inline long hypercall5(unsigned op, HypercallArg a1, HypercallArg a2, HypercallArg a3,
                       HypercallArg a4, HypercallArg a5) {
    return hypercall(op, a1.value, a2.value, a3.value, a4.value, a5.value);
}

// The named hypercalls, with Linux's signatures (include/xen/... hypercall.h)
// and Xen's numbers (public/xen.h). Pointer arguments are void* so that a
// test can pass any address, including a deliberately bad one.

inline long HYPERVISOR_xen_version(int cmd, void* arg) {
    return hypercall2(__HYPERVISOR_xen_version, cmd, arg);
}
inline long HYPERVISOR_console_io(int cmd, int count, const char* str) {
    return hypercall3(__HYPERVISOR_console_io, cmd, count, str);
}
inline long HYPERVISOR_sched_op(int cmd, void* arg) {
    return hypercall2(__HYPERVISOR_sched_op, cmd, arg);
}
inline long HYPERVISOR_memory_op(unsigned int cmd, void* arg) {
    return hypercall2(__HYPERVISOR_memory_op, cmd, arg);
}
inline long HYPERVISOR_hvm_op(int op, void* arg) {
    return hypercall2(__HYPERVISOR_hvm_op, op, arg);
}
inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpuid, void* extra) {
    return hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpuid, extra);
}
inline long HYPERVISOR_event_channel_op(int cmd, void* arg) {
    return hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}
inline long HYPERVISOR_grant_table_op(unsigned int cmd, void* uop, unsigned int count) {
    return hypercall3(__HYPERVISOR_grant_table_op, cmd, uop, count);
}
inline long HYPERVISOR_physdev_op(int cmd, void* arg) {
    return hypercall2(__HYPERVISOR_physdev_op, cmd, arg);
}

/// HVMOP_get_param for this domain. Returns 0 and sets `value`, or -errno.
long hvm_get_param(uint32_t index, uint64_t& value);

} // namespace cxen::guest
