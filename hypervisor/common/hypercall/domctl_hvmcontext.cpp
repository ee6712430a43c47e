// The caller's-buffer side of the HVM context domctls: Xen copies the
// whole buffer through a hypervisor allocation of the caller's size; cxen
// streams each record through the checked copy instead (arch::SaveIo), so
// a large `size` costs nothing and a bad pointer is -EFAULT at the record
// that reaches it.
#include "common/hypercall/domctl_hvmcontext.hpp"

#include "arch/guest_access.hpp"
#include "arch/hvm_save.hpp"
#include "common/hypercall/hypercall.hpp"

namespace cxen {

namespace {
struct GuestBuffer {
    Vcpu& caller;
    uint64_t gva;
};
bool to_guest(void* ctx, uint64_t offset, void* data, size_t len) {
    auto& b = *static_cast<GuestBuffer*>(ctx);
    return static_cast<bool>(arch::copy_to_guest(b.caller, b.gva + offset, data, len));
}
bool from_guest(void* ctx, uint64_t offset, void* data, size_t len) {
    auto& b = *static_cast<GuestBuffer*>(ctx);
    return static_cast<bool>(arch::copy_from_guest(b.caller, b.gva + offset, data, len));
}
uint64_t handle(const auto& h) { return reinterpret_cast<uintptr_t>(h.p); }
} // namespace

long domctl_gethvmcontext(Vcpu& caller, Domain& d, xen_domctl_hvmcontext& c) {
    if (&d == caller.domain) return err(Errno::XEN_EINVAL); // no domain_pause() of oneself
    const uint32_t size = arch::hvm_save_size(d);
    if (!handle(c.buffer)) {
        c.size = size;
        return 0;
    }
    if (c.size < size) return err(Errno::XEN_ENOSPC);
    GuestBuffer b{caller, handle(c.buffer)};
    auto written = arch::hvm_save(d, arch::SaveIo{&b, to_guest}, c.size);
    if (!written) return err(written.error());
    c.size = written.value();
    return 0;
}

long domctl_sethvmcontext(Vcpu& caller, Domain& d, const xen_domctl_hvmcontext& c) {
    if (&d == caller.domain) return err(Errno::XEN_EINVAL);
    GuestBuffer b{caller, handle(c.buffer)};
    if (auto st = arch::hvm_load(d, arch::SaveIo{&b, from_guest}, c.size); !st) return err(st.error());
    return 0;
}

long domctl_gethvmcontext_partial(Vcpu& caller, Domain& d, xen_domctl_hvmcontext_partial& p) {
    if (&d == caller.domain) return err(Errno::XEN_EINVAL);
    union {
        hvm_hw_cpu cpu;
        hvm_hw_mtrr mtrr;
    } body;
    auto len = arch::hvm_save_one(d, p.type, p.instance, &body, sizeof(body));
    if (!len) return err(len.error());
    if (!handle(p.buffer)) {
        p.bufsz = len.value();
        return 0;
    }
    if (p.bufsz < len.value()) return err(Errno::XEN_ENOBUFS);
    if (!arch::copy_to_guest(caller, handle(p.buffer), &body, len.value())) return err(Errno::XEN_EFAULT);
    p.bufsz = len.value();
    return 0;
}

} // namespace cxen
