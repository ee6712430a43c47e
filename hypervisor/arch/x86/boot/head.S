/*
 * Boot entry: multiboot1 and multiboot2 headers, the 32-bit protected-mode
 * entry both loaders jump to, and the switch to 64-bit mode in the higher
 * half. Sources: Multiboot 0.6.96 (section 3.1) and Multiboot2 2.0 (3.1).
 *
 * The boot page tables map 0-4 GiB three times with 2 MiB pages: identity
 * (for this code and the AP trampoline), at the direct map (so C++ can read
 * the loader's data before the real tables exist) and the first GiB at the
 * image's link address. They stay alive for APs; the BSP and APs switch to
 * the final tables built by paging.cpp.
 */
#include "boot_defs.h"

#define PHYS(x) ((x) - KERNEL_VMA)

    .section .text.multiboot, "ax"
    .code32

    .align 4
mb1_header:
    .long MB1_HEADER_MAGIC
    .long MB1_HEADER_FLAGS
    .long -(MB1_HEADER_MAGIC + MB1_HEADER_FLAGS)
    .long PHYS(mb1_header)          /* header_addr   */
    .long image_start_phys          /* load_addr     */
    .long image_load_end_phys       /* load_end_addr */
    .long image_end_phys            /* bss_end_addr  */
    .long cxen_entry_phys           /* entry_addr    */

    .align 8
mb2_header:
    .long MB2_HEADER_MAGIC
    .long 0                                     /* architecture: i386 */
    .long mb2_header_end - mb2_header
    .long -(MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
    .align 8                                    /* entry address tag */
    .short 3, 0
    .long 12
    .long cxen_entry_phys
    .align 8                                    /* end tag */
    .short 0, 0
    .long 8
mb2_header_end:

    .section .text.boot, "ax"
    .code32
    .globl cxen_entry32
cxen_entry32:
    cli
    cld
    movl    %eax, %edi                  /* loader magic   -> 1st C argument */
    movl    %ebx, %esi                  /* loader info PA -> 2nd C argument */
    movl    $PHYS(boot_stack_top), %esp

    /* Long mode and NX support (CPUID 0x80000001 EDX bits 29, 20). */
    movl    $0x80000000, %eax
    cpuid
    cmpl    $0x80000001, %eax
    jb      no_long_mode
    movl    $0x80000001, %eax
    cpuid
    btl     $29, %edx
    jnc     no_long_mode
    xorl    %ebp, %ebp
    btl     $20, %edx
    jnc     1f
    movl    $EFER_NXE, %ebp
1:
    /* boot_pd: 2048 2 MiB entries covering 0-4 GiB. */
    movl    $PHYS(boot_pd), %ebx
    xorl    %ecx, %ecx
2:  movl    %ecx, %eax
    shll    $21, %eax
    orl     $(PTE_P | PTE_RW | PTE_PSE), %eax
    movl    %eax, (%ebx, %ecx, 8)
    movl    $0, 4(%ebx, %ecx, 8)
    incl    %ecx
    cmpl    $2048, %ecx
    jb      2b

    movl    $PHYS(boot_pml4), %eax
    movl    %eax, %cr3
    movl    %cr4, %eax
    orl     $CR4_PAE, %eax
    movl    %eax, %cr4
    movl    $MSR_EFER, %ecx
    rdmsr
    orl     $EFER_LME, %eax
    orl     %ebp, %eax
    wrmsr
    movl    %cr0, %eax
    orl     $(CR0_PG | CR0_WP | CR0_PE), %eax
    movl    %eax, %cr0

    lgdt    PHYS(boot_gdt_ptr32)
    ljmp    $BOOT_CS64, $PHYS(entry64_low)

no_long_mode:
    /* Tell the serial line why we stop (COM1, whatever its settings). */
    movl    $PHYS(no_lm_msg), %esi
3:  lodsb
    testb   %al, %al
    jz      4f
    movw    $0x3f8, %dx
    outb    %al, %dx
    jmp     3b
4:  hlt
    jmp     4b

    .code64
entry64_low:
    movabs  $entry64_high, %rax
    jmp     *%rax

    .text
entry64_high:
    lgdt    boot_gdt_ptr64(%rip)
    movl    $BOOT_DS, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    xorl    %eax, %eax
    movl    %eax, %fs
    movl    %eax, %gs
    movabs  $boot_stack_top, %rsp
    xorl    %ebp, %ebp                  /* ends the frame-pointer chain */
    call    cxen_start                  /* (uint32_t magic, uint32_t info_pa) */
    ud2

/*
 * APs arrive here from the trampoline, in 64-bit mode on the boot page
 * tables, with ap_boot_stack set by the BSP for this CPU.
 */
    .globl ap_entry64
ap_entry64:
    lgdt    boot_gdt_ptr64(%rip)
    movl    $BOOT_DS, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    movq    ap_boot_stack(%rip), %rsp
    xorl    %ebp, %ebp
    call    ap_start
    ud2

    .section .rodata
no_lm_msg:
    .asciz "cxen: this CPU has no 64-bit long mode; stopping.\r\n"

    .data
    .align 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            /* BOOT_CS64: 64-bit code */
    .quad 0x00cf92000000ffff            /* BOOT_DS: data */
boot_gdt_end:
boot_gdt_ptr32:
    .short boot_gdt_end - boot_gdt - 1
    .long PHYS(boot_gdt)
    .align 8
boot_gdt_ptr64:
    .short boot_gdt_end - boot_gdt - 1
    .quad boot_gdt

    .globl ap_boot_stack
ap_boot_stack:
    .quad 0

    .section .data.page_aligned, "aw"
    .align 4096
    .globl boot_pml4
boot_pml4:
    .quad PHYS(boot_pdpt_low) + (PTE_P | PTE_RW)              /* 0: identity */
    .fill 261, 8, 0
    .quad PHYS(boot_pdpt_low) + (PTE_P | PTE_RW)              /* 262: direct map */
    .fill 248, 8, 0
    .quad PHYS(boot_pdpt_high) + (PTE_P | PTE_RW)             /* 511: image */
boot_pdpt_low:
    .quad PHYS(boot_pd) + 0x0000 + (PTE_P | PTE_RW)
    .quad PHYS(boot_pd) + 0x1000 + (PTE_P | PTE_RW)
    .quad PHYS(boot_pd) + 0x2000 + (PTE_P | PTE_RW)
    .quad PHYS(boot_pd) + 0x3000 + (PTE_P | PTE_RW)
    .fill 508, 8, 0
boot_pdpt_high:
    .fill 510, 8, 0
    .quad PHYS(boot_pd) + (PTE_P | PTE_RW)                    /* -2 GiB */
    .quad 0

    .section .bss.page_aligned, "aw", @nobits
    .align 4096
boot_pd:
    .skip 4 * 4096
    .globl boot_stack_bottom
boot_stack_bottom:
    .skip BOOT_STACK_SIZE
    .globl boot_stack_top
boot_stack_top:
