#include "arch/x86/hvm/save_format.hpp"

#include <initializer_list>

#include "lib/base/string.hpp"

namespace cxen::arch::hvm {

namespace {
constexpr uint32_t desc_size = sizeof(hvm_save_descriptor);

// x86 architectural bits (SDM Vol. 3 §2.5, AMD APM Vol. 2 §3.1); kept here
// so this file builds without the hypervisor's x86 headers.
constexpr uint64_t cr0_pe = 1u << 0, cr0_mp = 1u << 1, cr0_em = 1u << 2, cr0_ts = 1u << 3, cr0_et = 1u << 4,
                   cr0_ne = 1u << 5, cr0_wp = 1u << 16, cr0_am = 1u << 18, cr0_nw = 1u << 29, cr0_cd = 1u << 30,
                   cr0_pg = 1u << 31;
/// Xen's HVM_CR0_GUEST_RESERVED_BITS: everything else, upper half included.
constexpr uint64_t cr0_reserved =
    ~(cr0_pe | cr0_mp | cr0_em | cr0_ts | cr0_et | cr0_ne | cr0_wp | cr0_am | cr0_nw | cr0_cd | cr0_pg);
constexpr uint64_t cr4_pae = 1u << 5;
constexpr uint64_t efer_lme = 1u << 8, efer_lma = 1u << 10;
constexpr uint32_t seg_attr_l = 1u << 9, seg_attr_db = 1u << 10;
/// The MTRRcap VCNT field (bits 7:0).
constexpr uint64_t mtrr_cap_vcnt = 0xff;
} // namespace

Status HvmSaveWriter::put(uint16_t typecode, uint16_t instance, const void* body, uint32_t len) {
    if (capacity_ - cur_ < desc_size || capacity_ - cur_ - desc_size < len) return Err(Errno::XEN_ENOSPC);
    hvm_save_descriptor d{typecode, instance, len};
    if (!out_.copy(out_.ctx, cur_, &d, desc_size)) return Err(Errno::XEN_EFAULT);
    if (len && !out_.copy(out_.ctx, cur_ + desc_size, const_cast<void*>(body), len)) return Err(Errno::XEN_EFAULT);
    cur_ += desc_size + len;
    return ok_status();
}

Status HvmLoadReader::peek(hvm_save_descriptor& d) {
    if (size_ - cur_ < desc_size) return Err(Errno::XEN_ENODATA);
    return in_.copy(in_.ctx, cur_, &d, desc_size) ? ok_status() : Status(Err(Errno::XEN_EFAULT));
}

Status HvmLoadReader::read(uint16_t typecode, void* body, uint32_t len, bool zero_extend) {
    hvm_save_descriptor d;
    if (size_ - cur_ < desc_size) return Err(Errno::XEN_EINVAL);
    if (!in_.copy(in_.ctx, cur_, &d, desc_size)) return Err(Errno::XEN_EFAULT);
    if (d.typecode != typecode || (zero_extend ? d.length > len : d.length != len) ||
        d.length > size_ - cur_ - desc_size)
        return Err(Errno::XEN_EINVAL);
    if (d.length && !in_.copy(in_.ctx, cur_ + desc_size, body, d.length)) return Err(Errno::XEN_EFAULT);
    if (d.length < len) memset(static_cast<uint8_t*>(body) + d.length, 0, len - d.length);
    cur_ += desc_size + d.length;
    return ok_status();
}

Status check_save_header(const hvm_save_header& h) {
    if (h.magic != HVM_FILE_MAGIC || h.version != HVM_FILE_VERSION) return Err(Errno::XEN_EINVAL);
    return ok_status();
}

Status check_cpu_record(const hvm_hw_cpu& c, const CpuRecordLimits& l, const char*& why) {
    const auto fail = [&why](const char* what) {
        why = what;
        return Status(Err(Errno::XEN_EINVAL));
    };
    why = nullptr;
    if (c.pad0 != 0) return fail("pad0");
    if ((c.cr0 & cr0_reserved) || !(c.cr0 & cr0_et) || (c.cr0 & (cr0_pe | cr0_pg)) == cr0_pg) return fail("CR0");
    if (c.cr4 & ~l.cr4_valid) return fail("CR4");
    if (l.efer_error) return fail(l.efer_error);
    if ((c.msr_efer & efer_lma) && (!(c.msr_efer & efer_lme) || !(c.cr0 & cr0_pg))) return fail("EFER.LMA");
    if (l.maxphysaddr < 64 && (c.cr3 >> l.maxphysaddr)) return fail("CR3");
    if (c.flags & ~uint32_t{XEN_X86_FPU_INITIALISED}) return fail("flags");
    if (c.msr_tsc_aux != static_cast<uint32_t>(c.msr_tsc_aux)) return fail("TSC_AUX");
    // svm_vmcb_restore(): a pending event of a type SVM cannot inject.
    if (c.pending_valid && (c.pending_type == 1 || c.pending_type > 4 || c.pending_reserved))
        return fail("pending event");
    // Also an exception VMRUN refuses to inject (vector 2, or above 31: APM
    // Vol. 2 §15.20): Xen takes it and the domain dies at its next entry;
    // cxen says so here instead. Its error code must fit 16 bits, as Xen checks.
    if (c.pending_valid && c.pending_type == 3 && (c.pending_vector == 2 || c.pending_vector > 31))
        return fail("pending exception vector");
    if (c.pending_valid && c.pending_error_valid && c.error_code != static_cast<uint16_t>(c.error_code))
        return fail("pending error code");
    // What VMRUN refuses (AMD APM Vol. 2 §15.5.1).
    if ((c.cr0 & cr0_nw) && !(c.cr0 & cr0_cd)) return fail("CR0.NW without CD");
    const bool long_mode = (c.msr_efer & efer_lme) && (c.cr0 & cr0_pg);
    if (long_mode && !(c.cr4 & cr4_pae)) return fail("long mode without PAE");
    if (long_mode && (c.cs_arbytes & seg_attr_l) && (c.cs_arbytes & seg_attr_db)) return fail("CS L and D");
    return ok_status();
}

void unfold_arbytes(hvm_hw_cpu& c) {
    for (uint32_t* r : {&c.cs_arbytes, &c.ds_arbytes, &c.es_arbytes, &c.fs_arbytes, &c.gs_arbytes, &c.ss_arbytes,
                        &c.tr_arbytes, &c.ldtr_arbytes})
        if ((*r & 0xf000) && !(*r & 0x0f00)) *r = (*r & 0xff) | ((*r >> 4) & 0xf00);
}

Status check_mtrr_record(const hvm_hw_mtrr& m) {
    return (m.msr_mtrr_cap & mtrr_cap_vcnt) > MTRR_VCNT ? Status(Err(Errno::XEN_EINVAL)) : ok_status();
}

} // namespace cxen::arch::hvm
