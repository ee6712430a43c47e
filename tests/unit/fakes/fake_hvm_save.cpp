// Host fake of arch/hvm_save.hpp (see tests/unit/fakes/arch/hvm_save.hpp).
#include "arch/hvm_save.hpp"

#include <cstring>

#include "common/domain.hpp"

namespace cxen::arch {

namespace {
unsigned nr_vcpus(const Domain& d) {
    unsigned n = 0;
    for (unsigned i = 0; i < d.max_vcpus; ++i) n += d.vcpus[i] != nullptr;
    return n;
}
hvm_hw_mtrr reset_mtrr() {
    hvm_hw_mtrr m{};
    m.msr_pat_cr = 0x0007040600070406ull;
    m.msr_mtrr_cap = 0x508;
    m.msr_mtrr_def_type = 0x806;
    return m;
}
} // namespace

uint32_t hvm_save_size(const Domain& d) { return hvm::hvm_save_size(nr_vcpus(d)); }

Result<uint32_t> hvm_save(Domain& d, SaveIo out, uint32_t capacity) {
    hvm::HvmSaveWriter w(out, capacity);
    hvm_save_header h{HVM_FILE_MAGIC, HVM_FILE_VERSION, ~0ull, 0, 0};
    TRY(w.put(1, 0, &h, sizeof(h)));
    for (unsigned i = 0; i < d.max_vcpus; ++i) {
        if (!d.vcpus[i]) continue;
        const hvm_hw_mtrr m = reset_mtrr();
        TRY(w.put(14, static_cast<uint16_t>(i), &m, sizeof(m)));
    }
    TRY(w.put(0, 0, nullptr, 0));
    return w.size();
}

Status hvm_load(Domain& d, SaveIo in, uint32_t size) {
    hvm::HvmLoadReader r(in, size);
    hvm_save_header h;
    if (auto st = r.read(1, &h, sizeof(h)); !st)
        return st.error() == Errno::XEN_EFAULT ? st : Status(Err(Errno::XEN_ENODATA));
    TRY(hvm::check_save_header(h));
    for (unsigned n = 0;; ++n) {
        hvm_save_descriptor desc;
        TRY(r.peek(desc));
        if (desc.typecode == 0) {
            fake_hvm_records_loaded = n;
            return ok_status();
        }
        if (desc.typecode != 14 || desc.instance >= d.max_vcpus || !d.vcpus[desc.instance])
            return Err(Errno::XEN_EINVAL);
        hvm_hw_mtrr m;
        TRY(r.read(14, &m, sizeof(m)));
        TRY(hvm::check_mtrr_record(m));
    }
}

Result<uint32_t> hvm_save_one(Domain& d, uint32_t typecode, uint32_t instance, void* body, uint32_t) {
    if (typecode != 14) return Err(Errno::XEN_EINVAL);
    if (instance >= d.max_vcpus || !d.vcpus[instance]) return Err(Errno::XEN_ENOENT);
    const hvm_hw_mtrr m = reset_mtrr();
    std::memcpy(body, &m, sizeof(m));
    return uint32_t{sizeof(m)};
}

} // namespace cxen::arch
