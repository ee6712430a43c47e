// Host fake of the p2m: a std::map from gfn to entry, same interface as
// hypervisor/arch/x86/include/arch/p2m.hpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>

#include "common/lib/result.hpp"
#include "common/lib/types.hpp"

namespace cxen {
struct Domain;
}

namespace cxen::arch {

enum class P2mType : uint8_t { invalid = 0, ram_rw = 1, ram_ro = 2, xen_page = 3, grant_map_rw = 4, grant_map_ro = 5 };

inline void clear_frames(Mfn, unsigned) {} // host frames are not real memory

/// No nested TLBs on the host: counts the calls so tests can check that a
/// removal flushed before the frame was freed.
inline std::atomic<unsigned> fake_p2m_flushes{0};
inline void p2m_flush_guest_tlbs(Domain&) { fake_p2m_flushes.fetch_add(1); }

/// Machine frames the unit tests' page allocator hands out are mfns
/// [0, fake_machine_frames) (see tests/unit/common/hypercall/memory_op_test.cpp);
/// map_domain_frame() backs them with one host array. Any other mfn is a
/// host pointer >> 12 (the fake xenheap's pages, as arch/layout.hpp).
constexpr uint64_t fake_machine_frames = 1024;
inline void* map_domain_frame(Mfn mfn) {
    if (raw(mfn) < fake_machine_frames) {
        alignas(4096) static uint8_t memory[fake_machine_frames][4096];
        return memory[raw(mfn)];
    }
    return reinterpret_cast<void*>(raw(mfn) << 12);
}

struct P2mEntry {
    Mfn mfn;
    P2mType type;
    unsigned order;
};

class P2m {
  public:
    [[nodiscard]] Status init() { return ok_status(); }
    [[nodiscard]] Status set_entry(Gfn gfn, Mfn mfn, unsigned order, P2mType type) {
        for (uint64_t i = 0; i < (1ull << order); ++i) {
            if (type == P2mType::invalid) map_.erase(raw(gfn) + i);
            else map_[raw(gfn) + i] = {mfn + i, type, 0};
        }
        return ok_status();
    }
    [[nodiscard]] Status clear_entry(Gfn gfn) { return set_entry(gfn, Mfn{0}, 0, P2mType::invalid); }
    P2mEntry lookup(Gfn gfn) const {
        auto it = map_.find(raw(gfn));
        return it == map_.end() ? P2mEntry{Mfn{0}, P2mType::invalid, 0} : it->second;
    }
    paddr_t root() const { return 0; }
    /// As the real one: RAM mappings are given to free_ram (page by page here).
    void teardown(void (*free_ram)(Mfn, unsigned)) {
        if (free_ram)
            for (const auto& [gfn, e] : map_)
                if (e.type == P2mType::ram_rw || e.type == P2mType::ram_ro) free_ram(e.mfn, 0);
        map_.clear();
    }
    uint64_t ram_pages() const { // as the real one: RAM only, not hypervisor pages
        uint64_t n = 0;
        for (const auto& [gfn, e] : map_) n += e.type == P2mType::ram_rw || e.type == P2mType::ram_ro;
        return n;
    }

  private:
    std::map<uint64_t, P2mEntry> map_;
};

} // namespace cxen::arch
