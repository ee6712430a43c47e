// The heap's page source for host tests: page-aligned blocks from the C
// library, so that the hypervisor heap (common/mm/heap.hpp) runs on the host.
#pragma once

#include <cstdlib>

#include "lib/base/types.hpp"
#include "common/mm/heap.hpp"

namespace cxen::test {

class HostPageSource final : public PageSource {
  public:
    Result<void*> alloc_pages(unsigned order) override {
        void* p = std::aligned_alloc(page_size << order, page_size << order);
        if (!p) return Err(Errno::XEN_ENOMEM);
        return p;
    }
    void free_pages(void* va, unsigned) override { std::free(va); }
};

} // namespace cxen::test
