// Guest memory access: page walks of the guest's own tables (long mode,
// PAE and 2-level 32-bit, as the Intel SDM / AMD APM describe them), then
// the p2m. Each guest frame is reached with a page reference taken through
// the p2m writer (common/mm/p2m.hpp, under the domain's p2m_lock) and held
// for the copy, so a frame another vCPU removes meanwhile is freed only
// after the copy (Xen's get_page_from_gfn()/put_page() in hvm_copy).
#include "arch/guest_access.hpp"

#include "arch/layout.hpp"
#include "arch/x86.hpp"
#include "arch/x86/hvm/hvm_ops.hpp"
#include "common/domain.hpp"
#include "lib/base/string.hpp"
#include "common/mm/p2m.hpp"

namespace cxen::arch {

namespace {
using x86::CR0_PG, x86::CR4_PSE, x86::CR4_PAE, x86::EFER_LMA;
constexpr uint64_t PTE_P = 1, PTE_RW = 2, PTE_PS = 0x80;
constexpr uint64_t ADDR = 0x000ffffffffff000ull;

// Copy len bytes (within one page) between buf and the guest-physical
// address gpa of d: RAM (writable RAM when `write`) or a hypervisor frame
// the guest mapped; false otherwise. The frame is referenced for the copy.
bool copy_gpa(Domain& d, uint64_t gpa, uint8_t* buf, size_t len, bool write) {
    auto mfn = p2m_get_page(d, Gfn{gpa >> page_shift}, write ? P2mAccess::write : P2mAccess::read);
    if (!mfn) return false;
    uint8_t* p = static_cast<uint8_t*>(mfn_to_virt(mfn.value())) + (gpa & (page_size - 1));
    if (write) memcpy(p, buf, len);
    else memcpy(buf, p, len);
    p2m_put_page(mfn.value());
    return true;
}

template <typename T> bool read_gpa(Domain& d, uint64_t gpa, T& out) {
    // Table entries are naturally aligned, so they never straddle a page.
    return copy_gpa(d, gpa, reinterpret_cast<uint8_t*>(&out), sizeof(T), false);
}

// Translate one guest-virtual address; false on any fault.
bool translate(Vcpu& v, uint64_t gva, bool write, uint64_t& gpa) {
    // The guest's paging state, read once through the backend.
    const uint64_t cr0 = hvm::guest_cr0(v), cr3 = hvm::guest_cr3(v), cr4 = hvm::guest_cr4(v);
    const uint64_t efer = hvm::guest_efer(v);
    Domain& d = *v.domain;
    if (!(cr0 & CR0_PG)) {
        gpa = (efer & EFER_LMA) ? gva : gva & 0xffffffffull;
        return true;
    }
    if (efer & EFER_LMA) {
        const uint64_t top = gva >> 47;
        if (top != 0 && top != 0x1ffff) return false; // not canonical
        uint64_t table = cr3 & ADDR;
        for (int level = 4; level >= 1; --level) {
            uint64_t e;
            if (!read_gpa(d, table + ((gva >> (12 + 9 * (level - 1))) & 0x1ff) * 8, e)) return false;
            if (!(e & PTE_P) || (write && !(e & PTE_RW))) return false;
            if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
                const uint64_t size_mask = (1ull << (12 + 9 * (level - 1))) - 1;
                gpa = ((e & ADDR) & ~size_mask) | (gva & size_mask);
                return true;
            }
            table = e & ADDR;
        }
        return false;
    }
    gva &= 0xffffffffull;
    if (cr4 & CR4_PAE) {
        uint64_t pdpte;
        if (!read_gpa(d, (cr3 & 0xffffffe0ull) + ((gva >> 30) & 3) * 8, pdpte)) return false;
        if (!(pdpte & PTE_P)) return false;
        uint64_t pde;
        if (!read_gpa(d, (pdpte & ADDR) + ((gva >> 21) & 0x1ff) * 8, pde)) return false;
        if (!(pde & PTE_P) || (write && !(pde & PTE_RW))) return false;
        if (pde & PTE_PS) {
            gpa = (pde & ADDR & ~0x1fffffull) | (gva & 0x1fffff);
            return true;
        }
        uint64_t pte;
        if (!read_gpa(d, (pde & ADDR) + ((gva >> 12) & 0x1ff) * 8, pte)) return false;
        if (!(pte & PTE_P) || (write && !(pte & PTE_RW))) return false;
        gpa = (pte & ADDR) | (gva & 0xfff);
        return true;
    }
    uint32_t pde;
    if (!read_gpa(d, (cr3 & 0xfffff000ull) + ((gva >> 22) & 0x3ff) * 4, pde)) return false;
    if (!(pde & PTE_P) || (write && !(pde & PTE_RW))) return false;
    if ((pde & PTE_PS) && (cr4 & CR4_PSE)) {
        gpa = (pde & 0xffc00000u) | (gva & 0x3fffff);
        return true;
    }
    uint32_t pte;
    if (!read_gpa(d, (pde & 0xfffff000u) + ((gva >> 12) & 0x3ff) * 4, pte)) return false;
    if (!(pte & PTE_P) || (write && !(pte & PTE_RW))) return false;
    gpa = (pte & 0xfffff000u) | (gva & 0xfff);
    return true;
}

// Page-by-page copy; `virt` selects guest-virtual translation through v.
Status copy(Domain& d, Vcpu* v, uint64_t addr, uint8_t* buf, size_t len, bool write) {
    while (len) {
        const size_t chunk = page_size - (addr & (page_size - 1)) < len ? page_size - (addr & (page_size - 1)) : len;
        uint64_t gpa = addr;
        if (v && !translate(*v, addr, write, gpa)) return Err(Errno::XEN_EFAULT);
        if (!copy_gpa(d, gpa, buf, chunk, write)) return Err(Errno::XEN_EFAULT);
        addr += chunk;
        buf += chunk;
        len -= chunk;
    }
    return ok_status();
}
} // namespace

Status copy_from_guest(Vcpu& v, uint64_t gva, void* dst, size_t len) {
    return copy(*v.domain, &v, gva, static_cast<uint8_t*>(dst), len, false);
}
Status copy_to_guest(Vcpu& v, uint64_t gva, const void* src, size_t len) {
    return copy(*v.domain, &v, gva, static_cast<uint8_t*>(const_cast<void*>(src)), len, true);
}
Status copy_from_gpa(Domain& d, uint64_t gpa, void* dst, size_t len) {
    return copy(d, nullptr, gpa, static_cast<uint8_t*>(dst), len, false);
}
Status copy_to_gpa(Domain& d, uint64_t gpa, const void* src, size_t len) {
    return copy(d, nullptr, gpa, static_cast<uint8_t*>(const_cast<void*>(src)), len, true);
}
Result<void*> map_guest_ram_frame(Domain& d, uint64_t gfn) {
    const Mfn mfn = TRY(p2m_get_page(d, Gfn{gfn}, P2mAccess::ram_rw));
    return mfn_to_virt(mfn);
}
void unmap_guest_ram_frame(const void* page) {
    if (page) p2m_put_page(virt_to_mfn(page));
}

} // namespace cxen::arch
