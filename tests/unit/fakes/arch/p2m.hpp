// Host fake of the p2m: a std::map from gfn to entry, same interface as
// hypervisor/arch/x86/include/arch/p2m.hpp.
#pragma once

#include <cstdint>
#include <map>

#include "common/lib/result.hpp"
#include "common/lib/types.hpp"

namespace cxen::arch {

enum class P2mType : uint8_t { invalid = 0, ram_rw = 1, ram_ro = 2, xen_page = 3 };

inline void clear_frames(Mfn, unsigned) {} // host frames are not real memory

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
    void teardown(void (*)(Mfn, unsigned)) { map_.clear(); }
    uint64_t ram_pages() const { // as the real one: RAM only, not hypervisor pages
        uint64_t n = 0;
        for (const auto& [gfn, e] : map_) n += e.type == P2mType::ram_rw || e.type == P2mType::ram_ro;
        return n;
    }

  private:
    std::map<uint64_t, P2mEntry> map_;
};

} // namespace cxen::arch
