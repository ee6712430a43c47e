// The HVM save stream of XEN_DOMCTL_gethvmcontext / sethvmcontext: records
// of `struct hvm_save_descriptor` + body, HEADER first and END last, and
// the checks Xen 4.17 makes on loading them (xen/arch/x86/hvm/save.c
// hvm_load, _hvm_check_entry; hvm.c hvm_load_cpu_ctxt; mtrr.c
// hvm_load_mtrr_msr). Pure: no hardware, no vCPU; the bytes move through a
// SaveIo (the caller's buffer in the hypervisor, memory in the unit tests),
// so no buffer of the guest-chosen size is ever allocated.
#pragma once

#include <cstddef>
#include <cstdint>

#include "abi/xen/hvm_save.hpp"
#include "lib/base/result.hpp"

namespace cxen::arch::hvm {

/// Moves `len` bytes at byte `offset` of the stream to (save) or from
/// (load) `data`. False: the caller's buffer is bad (-EFAULT).
struct SaveIo {
    void* ctx;
    bool (*copy)(void* ctx, uint64_t offset, void* data, size_t len);
};

/// Writes records (Xen's hvm_save_entry) into at most `capacity` bytes.
class HvmSaveWriter {
  public:
    HvmSaveWriter(SaveIo out, uint32_t capacity) : out_(out), capacity_(capacity) {}
    /// One record, descriptor then body. -ENOSPC: no room (nothing
    /// written); -EFAULT.
    [[nodiscard]] Status put(uint16_t typecode, uint16_t instance, const void* body, uint32_t len);
    uint32_t size() const { return cur_; }

  private:
    SaveIo out_;
    uint32_t capacity_;
    uint32_t cur_ = 0;
};

/// Reads records of a stream of `size` bytes.
class HvmLoadReader {
  public:
    HvmLoadReader(SaveIo in, uint32_t size) : in_(in), size_(size) {}
    /// The next descriptor, not consumed. -ENODATA: fewer than its 8 bytes
    /// left (Xen: "save did not end with a null entry"); -EFAULT.
    [[nodiscard]] Status peek(hvm_save_descriptor& d);
    /// Consume the next record into `body` (`len` bytes), as Xen's
    /// _hvm_check_entry: its typecode must be `typecode`, its length `len`
    /// (or, with `zero_extend`, at most `len`, the rest zeroed) and within
    /// the stream. -EINVAL otherwise; -EFAULT.
    [[nodiscard]] Status read(uint16_t typecode, void* body, uint32_t len, bool zero_extend = false);

  private:
    SaveIo in_;
    uint32_t size_;
    uint32_t cur_ = 0;
};

/// Bytes of a full save of `nr_vcpus` vCPUs as cxen writes it: HEADER, one
/// CPU and one MTRR record per vCPU, END (Xen's hvm_save_size() is the
/// same sum over the record types it registers).
constexpr uint32_t hvm_save_size(unsigned nr_vcpus) {
    constexpr uint32_t desc = uint32_t{sizeof(hvm_save_descriptor)};
    constexpr uint32_t per_vcpu = 2 * desc + uint32_t{sizeof(hvm_hw_cpu)} + uint32_t{sizeof(hvm_hw_mtrr)};
    return 2 * desc + uint32_t{sizeof(hvm_save_header)} + nr_vcpus * per_vcpu;
}

/// arch_hvm_load(): the magic and the version must be Xen's. -EINVAL.
[[nodiscard]] Status check_save_header(const hvm_save_header& h);

/// What a CPU record is checked against: the CR4 bits the domain's CPUID
/// allows (hvm_cr4_guest_valid_bits), its MAXPHYADDR, and the verdict of
/// hvm_efer_valid() on the record's EFER without the CR0.PG part (nullptr:
/// valid), which the check adds.
struct CpuRecordLimits {
    uint64_t cr4_valid;
    unsigned maxphysaddr;
    const char* efer_error;
};

/// hvm_load_cpu_ctxt()'s checks, in its order: pad0, CR0 (reserved bits,
/// ET, PG without PE), CR4, EFER (and LMA only with LME and PG), CR3 below
/// MAXPHYADDR, flags only XEN_X86_FPU_INITIALISED, a 32-bit TSC_AUX; then
/// svm_vmcb_restore()'s pending-event check. Beyond Xen, what VMRUN would
/// refuse (Xen crashes the domain at that entry instead): NW without CD,
/// long mode without PAE, a 64-bit CS with D set. -EINVAL; `why` names
/// the first failed check (for the log).
[[nodiscard]] Status check_cpu_record(const hvm_hw_cpu& c, const CpuRecordLimits& l, const char*& why);

/// Xen's UNFOLD_ARBYTES: attributes saved in the VMX layout by old Xen
/// (bits 12-15 set, 8-11 clear) to the 12-bit segment_register layout.
void unfold_arbytes(hvm_hw_cpu& c);

/// hvm_load_mtrr_msr(): at most MTRR_VCNT variable ranges in
/// msr_mtrr_cap. -EINVAL. (Each register's value is then applied only if
/// valid, as Xen's mtrr_*_msr_set, which ignore invalid ones.)
[[nodiscard]] Status check_mtrr_record(const hvm_hw_mtrr& m);

} // namespace cxen::arch::hvm
