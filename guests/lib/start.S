/*
 * Start of day of a guest test kernel: the PVH entry point.
 *
 * Source: Xen docs/misc/pvh.pandoc and public/arch-x86/hvm/start_info.h.
 * On entry: 32-bit protected mode, paging off, CS a flat 32-bit code segment,
 * DS/ES/SS flat 32-bit data segments (selectors undefined), EBX = physical
 * address of struct hvm_start_info, IF = 0. GDTR, IDTR and ESP are undefined,
 * so nothing here touches the stack or reloads a segment register before our
 * own GDT is loaded.
 *
 * Steps: load our GDT; CR3 = the static page tables below (first 4 GiB
 * identity-mapped with 2 MiB pages); CR4.PAE; EFER.LME; CR0.PG; far jump to
 * 64-bit code; zero .bss; set the stack; guest_main(start_info).
 */
#include <xen/elfnote.h>

#include "long_mode.h"

#define PTE_P       (1 << 0)
#define PTE_RW      (1 << 1)
#define PTE_PWT     (1 << 3)
#define PTE_PCD     (1 << 4)
#define PTE_PS      (1 << 7)

#define STACK_SIZE  (64 * 1024)

/*
 * XEN_ELFNOTE_PHYS32_ENTRY with a 4-byte desc (pvh.pandoc). It is the only
 * note of the section, and the linker script 8-aligns its start, so the 4
 * bytes after the desc are padding: QEMU 7.2 reads this desc as 8 bytes from
 * an ELF64 file.
 */
    .section .note.Xen, "a", @note
    .balign 4
    .long 2f - 1f                   /* namesz */
    .long 4f - 3f                   /* descsz */
    .long XEN_ELFNOTE_PHYS32_ENTRY  /* type */
1:  .asciz "Xen"
2:  .balign 4
3:  .long pvh_start
4:  .balign 4

    .section .text.pvh_entry, "ax", @progbits
    .code32
    .globl pvh_start
    .type pvh_start, @function
pvh_start:
    cli
    cld
    mov     %ebx, %esi              /* start_info pa, kept until guest_main */

    lgdt    gdt_ptr
    mov     $SEL_DATA, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    enter_long_mode 1f

    .code64
1:  load_data_segments

    /* Zero .bss; it holds the stack, so before any call. */
    mov     $__bss_start, %edi
    mov     $__bss_end, %ecx
    sub     %edi, %ecx
    xor     %eax, %eax
    rep stosb

    mov     $(boot_stack + STACK_SIZE), %esp
    xor     %ebp, %ebp              /* ends frame-pointer walks */
    /* The upper halves of the registers are undefined after the switch to
       64-bit mode; a 32-bit move zero-extends. */
    mov     %esi, %edi
    call    guest_main

    /* guest_main does not return; if it does, stop here. */
2:  cli
    hlt
    jmp     2b
    .size pvh_start, . - pvh_start

/* The GDT (long_mode.h); its 32-bit code segment is for the APs. */
    .section .data, "aw", @progbits
    .balign 16
gdt:
    flat_gdt
gdt_end:

    /* lgdt reads 6 bytes of this in 32-bit mode, 10 in 64-bit mode. */
    .balign 8
    .word 0
gdt_ptr:
    .word gdt_end - gdt - 1
    .quad gdt

/*
 * Page tables, built by the assembler: PML4[0] -> PDPT, PDPT[0..3] -> four
 * page directories of 512 x 2 MiB = the first 4 GiB, identity-mapped. The
 * last GiB (MMIO: LAPIC, the Xen console page's neighbourhood, ROM) is
 * mapped uncached (PCD|PWT); the rest write-back. Nothing above 4 GiB is
 * mapped, so an access at 1 TiB is a guaranteed page fault (tests use it as
 * an unmapped address).
 */
    .section .data.page_tables, "aw", @progbits
    .balign 4096
    .globl pml4
pml4:
    .quad pdpt + (PTE_P | PTE_RW)
    .fill 511, 8, 0
pdpt:
    .quad pd + 0x0000 + (PTE_P | PTE_RW)
    .quad pd + 0x1000 + (PTE_P | PTE_RW)
    .quad pd + 0x2000 + (PTE_P | PTE_RW)
    .quad pd + 0x3000 + (PTE_P | PTE_RW)
    .fill 508, 8, 0
pd:
    .set addr, 0
    .rept 512 * 3
    .quad addr + (PTE_P | PTE_RW | PTE_PS)
    .set addr, addr + 0x200000
    .endr
    .rept 512
    .quad addr + (PTE_P | PTE_RW | PTE_PS | PTE_PCD | PTE_PWT)
    .set addr, addr + 0x200000
    .endr

    .section .bss.boot_stack, "aw", @nobits
    .balign 4096
    .globl boot_stack
boot_stack:
    .skip STACK_SIZE

    .section .note.GNU-stack, "", @progbits
