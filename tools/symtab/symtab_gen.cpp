// cxen-symtab-gen: reads `nm -n -C <image>` on stdin and writes, on stdout,
// the assembly for the symbol table embedded by the hypervisor's second link
// pass (see hypervisor/CMakeLists.txt and common/lib/symbols.hpp).
// Exit status: 0 on success, 1 on bad input or a write error (message on stderr).
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "symtab_parse.hpp"

int main(int argc, char**) {
    if (argc != 1) {
        std::fprintf(stderr, "usage: nm -n -C <image> | cxen-symtab-gen > symtab.S\n");
        return 1;
    }
    std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    if (std::cin.bad()) {
        std::fprintf(stderr, "cxen-symtab-gen: error reading stdin\n");
        return 1;
    }

    cxen::symtab::BuildResult table = cxen::symtab::build_table(input);
    if (!table.ok()) {
        if (table.error_line)
            std::fprintf(stderr, "cxen-symtab-gen: <stdin>:%zu: %s\n", table.error_line,
                         table.error.c_str());
        else
            std::fprintf(stderr, "cxen-symtab-gen: %s\n", table.error.c_str());
        return 1;
    }

    std::string out;
    if (!cxen::symtab::emit_asm(table.entries, out)) {
        std::fprintf(stderr, "cxen-symtab-gen: symbol names exceed 4 GiB\n");
        return 1;
    }
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
        std::fprintf(stderr, "cxen-symtab-gen: error writing stdout\n");
        return 1;
    }
    return 0;
}
