// Physical memory for parser tests: readable segments at chosen addresses,
// everything else a hole (PhysReader::read fails there). Shared by the
// multiboot, ACPI and guest-ACPI tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/boot/phys_reader.hpp"

namespace cxen::test {

class FakeMem final : public PhysReader {
  public:
    void add(uint64_t base, size_t size) { segs_.push_back({base, std::vector<uint8_t>(size)}); }

    bool read(paddr_t pa, void* dst, size_t len) const override {
        ++reads;
        for (const auto& s : segs_) {
            if (pa >= s.base && pa - s.base <= s.bytes.size() && len <= s.bytes.size() - (pa - s.base)) {
                std::memcpy(dst, s.bytes.data() + (pa - s.base), len);
                return true;
            }
        }
        return false;
    }

    void put(uint64_t pa, const void* src, size_t len) {
        for (auto& s : segs_) {
            if (pa >= s.base && pa - s.base + len <= s.bytes.size()) {
                std::memcpy(s.bytes.data() + (pa - s.base), src, len);
                return;
            }
        }
        throw std::out_of_range("FakeMem::put outside memory");
    }
    void put(uint64_t pa, const std::vector<uint8_t>& b) { put(pa, b.data(), b.size()); }
    void u16(uint64_t pa, uint16_t v) { put(pa, &v, sizeof(v)); }
    void u32(uint64_t pa, uint32_t v) { put(pa, &v, sizeof(v)); }
    void u64(uint64_t pa, uint64_t v) { put(pa, &v, sizeof(v)); }
    void str(uint64_t pa, const std::string& s) { put(pa, s.c_str(), s.size() + 1); }

    mutable size_t reads = 0; ///< read() calls, for tests that bound the parser's work

  private:
    struct Seg {
        uint64_t base;
        std::vector<uint8_t> bytes;
    };
    std::vector<Seg> segs_;
};

} // namespace cxen::test
